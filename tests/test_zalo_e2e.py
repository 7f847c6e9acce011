"""The whole Resolution 57 report filed through each Zalo connector, end to end.

Real connector code over real HTTP against the fake Zalo servers, the real conversation service
and a real database (SQLite and PostgreSQL): registration by invite code, commands typed
without a slash, numbered choices, multi-select by numbers, answers without diacritics, a photo,
an edit from the review screen, duplicates delivered twice, and the stored result.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from connectors.base import ConnectorContext
from connectors.zalo_bot import ZaloBotConnector
from connectors.zalo_bot import create as create_bot
from connectors.zalo_oa import ZaloOaConnector
from connectors.zalo_oa import create as create_oa
from reportbot.forms.loader import load_yaml_template
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store.kv import KeyValueStore
from reportbot.store.models import Identity, InboxEntry, Submission, Unit
from tests.conftest import NQ57, FakeClock
from tests.fakes._server import AppServer
from tests.fakes.zalo_bot import PNG, FakeZaloBot
from tests.fakes.zalo_oa import FakeZaloOa
from tests.support import NQ57_SCRIPT, stored_answers

TEMPLATE = load_yaml_template(NQ57)[0]
SECRET = "e2e-webhook-secret"
FAST = {"request_timeout": 2.0, "retry_base": 0.01, "retry_max": 0.05, "rate": "1000,500"}

# How an officer types on Zalo: no slashes, often no diacritics, options by their words.
ZALO_TYPED = {
    "co_ke_hoach": "co",
    "chuyen_muc_web": "da co",
    "binh_dan_hoc_vu_so": "khong",
    "kho_khan": "bo qua",
    "tep_bao_cao": "bo qua",
}
EDITED = 15  # the fifth answer (so_tin_bai_web) is changed from the review to this


class Officer:
    """One officer typing in Zalo; `say` returns every text sent back to them."""

    def __init__(self, user_id: str, texts: Any, deliver: Any, flush: Any) -> None:
        self.user_id = user_id
        self._texts = texts
        self._deliver = deliver
        self._flush = flush
        self._ids = itertools.count(1)
        self.last_update: Any = None
        self.transcript: list[tuple[str, str]] = []

    async def say(self, text: str) -> str:
        return await self.resend(self._text_update(text))

    async def resend(self, update: Any) -> str:
        before = len(self._texts(self.user_id))
        self.last_update = update
        await self._deliver(update)
        assert await self._flush(10)
        reply = "\n\n".join(self._texts(self.user_id)[before:])
        sent = update.get("message", {}).get("text") if isinstance(update, dict) else None
        self.transcript.append((str(sent), reply))
        return reply

    def next_id(self) -> str:
        return f"{self.user_id}-m{next(self._ids)}"

    def _text_update(self, text: str) -> Any:
        raise NotImplementedError


async def file_whole_report(officer: Officer, invite_code: str, multi: str, photo: Any) -> None:
    """Register, file the whole report, edit answer 5 from the review, submit."""
    welcome = await officer.say(invite_code)
    assert "Đăng ký thành công" in welcome

    periods = await officer.say("bao cao")
    assert "Chọn báo cáo" in periods and "2. năm 2026" in periods
    first = await officer.say("2")  # the current period (the overdue one is listed first)
    assert "Câu 1/" in first and "Đơn vị đã ban hành kế hoạch" in first
    assert "1. Có" in first  # choices arrive as a numbered list

    typed = {**{qid: text for qid, text, _ in NQ57_SCRIPT}, **ZALO_TYPED, "su_kien": multi}
    for qid, _, _ in NQ57_SCRIPT:
        if qid == "tep_bao_cao" and photo is not None:
            reply = await officer.resend(photo)
        else:
            reply = await officer.say(typed[qid])
        assert "Traceback" not in reply
        if qid == "so_tin_bai_web":
            # The same message delivered again (webhook retry, polling overlap) does nothing.
            assert await officer.resend(officer.last_update) == ""
    review = reply
    assert "Xem lại" in review and "15.000.000" in review, officer.transcript
    assert "\n5. " in review

    edit = await officer.say("sua 5")
    assert "Số tin, bài" in edit
    back = await officer.say(str(EDITED))
    assert "Xem lại" in back

    confirm = await officer.say("gui")
    assert "cho UBND xã?" in confirm
    done = await officer.say("co")
    assert "✅ Đã gửi" in done and "lần 1" in done


async def check_database(unit_code: str, platform: str, user_id: str, photo: bool) -> None:
    expected = {qid: value for qid, _, value in NQ57_SCRIPT if value is not None}
    expected["so_tin_bai_web"] = EDITED
    answers = await stored_answers(unit_code)
    attachment = answers.pop("tep_bao_cao", None)
    assert answers == expected
    if photo:
        assert attachment is not None and Path(attachment["path"]).read_bytes() == PNG
    else:
        assert attachment is None
    submission = await Submission.get(unit__code=unit_code)
    assert (submission.status, submission.revision) == ("submitted", 1)
    identity = await Identity.get(platform=platform, external_id=user_id).select_related(
        "person__unit"
    )
    assert identity.person.unit.code == unit_code  # type: ignore[attr-defined]
    assert await InboxEntry.filter(status="done", platform=platform).count() > len(NQ57_SCRIPT)


# --- Zalo Bot Platform ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_whole_report_through_zalo_bot(
    service: ConversationService, clock: FakeClock, tmp_path: Path, mode: str
) -> None:
    unit = await Unit.get(code="hoiphunu")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    async with FakeZaloBot(max_poll=5) as fake:
        env = fake.env()
        server = AppServer()
        if mode == "webhook":
            env["REPORTBOT_ZALO_BOT_WEBHOOK_URL"] = server.url("/webhook/zalo-bot")
            env["REPORTBOT_ZALO_BOT_WEBHOOK_SECRET"] = SECRET
        context = ConnectorContext(
            handler=service,
            env=env,
            config={**FAST, "poll_timeout": 0.5},
            web_app=server.app,
            media_dir=tmp_path / "media",
        )
        connector = create_bot(context)
        assert isinstance(connector, ZaloBotConnector) and connector.mode == mode
        await server.start()
        await connector.start()
        try:

            async def deliver(update: Any) -> None:
                if mode == "webhook":
                    assert await fake.deliver(update) == 200
                else:
                    fake.queue(update)
                    await fake.wait_polled()

            class BotOfficer(Officer):
                def _text_update(self, text: str) -> Any:
                    return fake.text(text, user_id=self.user_id, message_id=self.next_id())

            officer = BotOfficer("zb-4242", fake.texts, deliver, connector.flush)
            photo = fake.image(
                fake.add_photo("tap-huan.png"), user_id="zb-4242", message_id="zb-photo"
            )
            await file_whole_report(officer, invite.code, "1, 3", photo)
        finally:
            await connector.stop(timeout=5)
            await server.stop()
        assert all(len(t) <= 2000 for t in fake.texts())
    await check_database("hoiphunu", "zalo_bot", "zb-4242", photo=True)


async def test_zalo_bot_start_with_code_and_group_refusal(
    service: ConversationService, clock: FakeClock, tmp_path: Path
) -> None:
    unit = await Unit.get(code="cns_thon1")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    async with FakeZaloBot(max_poll=5) as fake:
        context = ConnectorContext(
            handler=service,
            env=fake.env(),
            config={**FAST, "poll_timeout": 0.5},
            media_dir=tmp_path,
        )
        connector = create_bot(context)
        assert connector is not None
        await connector.start()
        try:
            fake.queue(fake.text(f"/start {invite.code}", user_id="zb-7"))
            await fake.wait_polled()
            await connector.flush(10)
            assert "Đăng ký thành công" in fake.texts("zb-7")[0]
            fake.queue(fake.text("bao cao", user_id="zb-7", chat_id="grp-1", chat_type="GROUP"))
            await fake.wait_polled()
            await connector.flush(10)
            assert "tin nhắn riêng" in fake.texts("grp-1")[-1]
        finally:
            await connector.stop(timeout=5)


# --- Zalo Official Account ------------------------------------------------------------------


async def test_whole_report_through_zalo_oa(
    service: ConversationService, clock: FakeClock, tmp_path: Path
) -> None:
    unit = await Unit.get(code="hoiphunu")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    async with FakeZaloOa(refresh_delay=0.02) as fake:
        access, refresh = fake.issue_tokens()
        server = AppServer()
        url = server.url("/webhook/zalo-oa")
        context = ConnectorContext(
            handler=service,
            env=fake.env(refresh, access),
            config=FAST,
            web_app=server.app,
            media_dir=tmp_path / "media",
            kv=KeyValueStore("zalo_oa"),  # as the bot hands it: tokens kept in the database
        )
        connector = create_oa(context)
        assert isinstance(connector, ZaloOaConnector)
        await server.start()
        await connector.start()
        try:

            async def deliver(update: Any) -> None:
                assert await fake.post_event(url, update) == 200

            class OaOfficer(Officer):
                def _text_update(self, text: str) -> Any:
                    if self.user_id and text == "sua 5":
                        # Half-way through, the access token expires: one refresh, no loss.
                        fake.expire_access_tokens()
                    return fake.text_event(self.user_id, text, msg_id=self.next_id())

            officer = OaOfficer("oa-777", fake.texts, deliver, connector.flush)
            forged = fake.text_event("oa-777", "huy")
            assert await fake.post_event(url, forged, signature="mac=" + "0" * 64) == 403
            await file_whole_report(officer, invite.code, "1 3", photo=None)
        finally:
            await connector.stop(timeout=5)
            await server.stop()
        assert len(fake.refresh_calls) == 1 and fake.refused_refreshes == 0
        assert all(len(t) <= 2000 for t in fake.texts())
    await check_database("hoiphunu", "zalo_oa", "oa-777", photo=False)
