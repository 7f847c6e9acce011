"""An officer on the Zalo OA, through the real conversation service (with the media gate, as
the application runs it) and database: the signed PDF sent as a file is the answer to the file
question, a file whose download failed is asked for again, the officer is greeted by their
Zalo name, and a message in one of the OA's chat groups is answered once, in the group."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ConnectorContext
from connectors.names import names_from
from connectors.zalo_oa import ZaloOaConnector
from connectors.zalo_oa import create as create_oa
from reportbot.media import MediaGate, MediaSettings
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store.kv import KeyValueStore
from reportbot.store.models import Identity, Unit
from tests.conftest import FakeClock
from tests.fakes._server import AppServer
from tests.fakes.zalo_oa import FakeZaloOa
from tests.support import NQ57_SCRIPT, stored_answers
from tests.test_zalo_e2e import FAST, ZALO_TYPED, Officer, file_whole_report

PDF = b"%PDF-1.4\n% bao cao da ky\n"


@pytest.fixture
async def started(
    service: ConversationService, tmp_path: Path
) -> AsyncIterator[tuple[FakeZaloOa, ZaloOaConnector, str]]:
    async with FakeZaloOa() as fake:
        access, refresh = fake.issue_tokens()
        server = AppServer()
        context = ConnectorContext(
            handler=service,
            env=fake.env(refresh, access),
            config=FAST,
            web_app=server.app,
            media_dir=tmp_path / "media",
            kv=KeyValueStore("zalo_oa"),
        )
        connector = create_oa(context)
        assert isinstance(connector, ZaloOaConnector)
        # The media gate in the service's pipeline, as the application puts it.
        gate = MediaGate(
            media_dir=tmp_path / "media",
            settings=MediaSettings(),
            repository=service.repository,
            connectors=lambda: [connector],
        )
        service.use(gate)
        service.registration.namer = names_from(lambda: [connector])  # as the application
        await server.start()
        await connector.start()
        try:
            yield fake, connector, server.url("/webhook/zalo-oa")
        finally:
            await connector.stop(timeout=5)
            await server.stop()


def officer(fake: FakeZaloOa, connector: ZaloOaConnector, url: str, user_id: str) -> Officer:
    async def deliver(update: Any) -> None:
        assert await fake.post_event(url, update) == 200

    class OaOfficer(Officer):
        def _text_update(self, text: str) -> Any:
            return fake.text_event(self.user_id, text, msg_id=self.next_id())

    return OaOfficer(user_id, fake.texts, deliver, connector.flush)


async def test_the_signed_pdf_sent_as_a_zalo_file_is_stored_as_the_answer(
    started: tuple[FakeZaloOa, ZaloOaConnector, str], clock: FakeClock, tmp_path: Path
) -> None:
    fake, connector, url = started
    unit = await Unit.get(code="hoiphunu")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    link = fake.add_photo("bien-ban.pdf", PDF, "application/pdf")
    pdf = fake.file_event("oa-31", link, "Báo cáo 6 tháng (đã ký).pdf", msg_id="oa-31-pdf")
    await file_whole_report(officer(fake, connector, url, "oa-31"), invite.code, "1 3", pdf)
    answers = await stored_answers("hoiphunu")
    stored = answers["tep_bao_cao"]
    # Fetched by the media gate (a file is never written on arrival): kept under the
    # person's folder, its path relative to the media root.
    assert stored is not None and (tmp_path / "media" / stored["path"]).read_bytes() == PDF


async def test_a_group_message_gets_one_answer_in_the_group(
    started: tuple[FakeZaloOa, ZaloOaConnector, str], clock: FakeClock
) -> None:
    fake, connector, url = started
    unit = await Unit.get(code="hoiphunu")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    person = officer(fake, connector, url, "oa-32")
    assert "Đăng ký thành công" in await person.say(invite.code)
    group = "4a9bada229cec09099df"
    for text in ("bao cao", "12", "gui"):
        assert await fake.post_event(url, fake.group_event(group, "oa-32", text)) == 200
    assert await connector.flush(10)
    assert len(fake.group_sent) == 1, "once per group, then quiet"
    assert "tin nhắn riêng" in fake.group_sent[0].text
    assert [s.user_id for s in fake.group_sent] == [group]
    assert all("tin nhắn riêng" not in text for text in fake.texts("oa-32"))


async def test_an_officer_registered_through_the_oa_is_greeted_by_the_zalo_name(
    started: tuple[FakeZaloOa, ZaloOaConnector, str], clock: FakeClock
) -> None:
    fake, connector, url = started
    unit = await Unit.get(code="hoiphunu")
    first, second = [await create_invite(unit=unit, role="officer", now=clock()) for _ in "ab"]
    fake.profiles["oa-41"] = "Nguyễn Thị Hoa"
    hoa = officer(fake, connector, url, "oa-41")
    welcome = await hoa.say(first.code)
    assert "Xin chào Nguyễn Thị Hoa!" in welcome, welcome
    await hoa.say("tro giup")
    assert fake.profile_calls == 1, "asked once, not at every message"
    person = await Identity.get(platform="zalo_oa", external_id="oa-41").select_related("person")
    assert person.person.name == "Nguyễn Thị Hoa"  # type: ignore[attr-defined]
    # Zalo does not say (an unknown user, no permission): registered all the same.
    unknown = officer(fake, connector, url, "oa-42")
    assert "Đăng ký thành công" in await unknown.say(second.code)


async def at_the_file_question(
    started: tuple[FakeZaloOa, ZaloOaConnector, str], clock: FakeClock, user_id: str
) -> Officer:
    """A new officer of the Women's Union who has answered everything up to the signed file."""
    fake, connector, url = started
    invite = await create_invite(unit=await Unit.get(code="hoiphunu"), role="officer", now=clock())
    person = officer(fake, connector, url, user_id)
    await person.say(invite.code)
    await person.say("bao cao")
    await person.say("2")  # the current period (the overdue one is listed first)
    typed = {**{qid: text for qid, text, _ in NQ57_SCRIPT}, **ZALO_TYPED, "su_kien": "1 3"}
    reply = ""
    for qid, _, _ in NQ57_SCRIPT:
        if qid == "tep_bao_cao":
            break
        reply = await person.say(typed[qid])
    assert "Tệp báo cáo đã ký" in reply
    return person


async def test_a_file_that_did_not_download_is_asked_again_never_recorded_empty(
    started: tuple[FakeZaloOa, ZaloOaConnector, str], clock: FakeClock, tmp_path: Path
) -> None:
    fake = started[0]
    person = await at_the_file_question(started, clock, "oa-51")
    # Zalo's file link is gone (expired, a network failure): nothing may be recorded as if
    # the file had come; the officer is told and sends it again.
    gone = fake.file_event("oa-51", fake.base_url + "/het-han.pdf", "Báo cáo.pdf", msg_id="f1")
    reply = await person.resend(gone)
    assert "chưa nhận được tệp" in reply and "Xem lại" not in reply, reply
    link = fake.add_photo("bao-cao.pdf", PDF, "application/pdf")
    reply = await person.resend(fake.file_event("oa-51", link, "Báo cáo.pdf", msg_id="f2"))
    assert "Xem lại" in reply
    answers = await stored_answers("hoiphunu")
    assert (tmp_path / "media" / answers["tep_bao_cao"]["path"]).read_bytes() == PDF


async def test_several_photos_sent_at_once_are_all_kept(
    started: tuple[FakeZaloOa, ZaloOaConnector, str], clock: FakeClock, tmp_path: Path
) -> None:
    fake = started[0]
    person = await at_the_file_question(started, clock, "oa-61")
    # Pages of the signed report photographed and sent together: one event, several images
    # (a public OA webhook handler loops over them: github.com/thienbao2507/testZaloOA).
    pages = [fake.add_photo(f"trang-{n}.png", PDF + bytes([n]), "image/png") for n in (1, 2)]
    images = [{"type": "image", "payload": {"url": u, "thumbnail": u}} for u in pages]
    event = fake.event("user_send_image", "oa-61", attachments=images, msg_id="album-1")
    assert "Xem lại" in await person.resend(event)
    stored = (await stored_answers("hoiphunu"))["tep_bao_cao"]
    assert len(stored["files"]) == 2, stored
    got = [(tmp_path / "media" / f["path"]).read_bytes() for f in stored["files"]]
    assert got == [PDF + b"\x01", PDF + b"\x02"]
