"""People who do not follow the Zalo OA: refused once (-213), named in the digest, and
reachable again once they follow; anonymous writers get a log line (the API cannot answer).

The fake OA refuses as Zalo does (tests/fakes/zalo_oa.py cites each behaviour).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from connectors.base import Address, ConnectorContext, DeliveryError, Outgoing
from connectors.zalo_oa import MemoryTokenStore, NotFollowingError, TokenPair, ZaloOaConnector
from connectors.zalo_oa.config import load_settings
from reportbot.store.models import Identity, Person, ReminderDelivery, Unit
from tests.conftest import FakeClock
from tests.fakes._server import AppServer, ScriptedHandler
from tests.fakes.zalo_oa import NOT_FOLLOWING, FakeZaloOa
from tests.support import load_shipped_forms
from tests.test_reminders_support import RecordingConnector, local, sections, worker_for

LEFT = "u-roi-oa"  # an officer who unfollowed the OA


def here(user: str) -> Address:
    return Address("zalo_oa", user, user)


async def test_a_reminder_to_someone_who_unfollowed_is_refused_once_then_follow_mends_it(
    oa_fake: FakeZaloOa, oa, caplog: pytest.LogCaptureFixture
) -> None:
    connector, url = await oa(ScriptedHandler())
    oa_fake.text_event(LEFT, "xin chào")  # a follower who wrote to the OA
    await connector.send(here(LEFT), [Outgoing("Nhắc hạn 1")])
    caplog.set_level(logging.INFO)
    assert await oa_fake.post_event(url, oa_fake.unfollow_event(LEFT)) == 200
    calls = oa_fake.cs_calls
    with pytest.raises(NotFollowingError) as caught:
        await connector.send(here(LEFT), [Outgoing("Nhắc hạn 2")])
    assert isinstance(caught.value, DeliveryError), "final: the reminder is not retried"
    assert "chưa quan tâm (theo dõi) Zalo OA hoặc đã bỏ quan tâm" in str(caught.value)
    assert "bấm Quan tâm OA" in str(caught.value)
    assert oa_fake.cs_calls - calls == 1, "one call, no retries"
    assert oa_fake.cs_errors[-1] == NOT_FOLLOWING
    assert any(f"user {LEFT} unfollowed the OA" in r.getMessage() for r in caplog.records)

    assert await oa_fake.post_event(url, oa_fake.follow_event(LEFT)) == 200
    await connector.send(here(LEFT), [Outgoing("Nhắc hạn 3")])
    assert oa_fake.texts(LEFT) == ["Nhắc hạn 1", "Nhắc hạn 3"]


async def test_an_anonymous_writer_is_logged_not_answered(
    oa_fake: FakeZaloOa, oa, caplog: pytest.LogCaptureFixture
) -> None:
    handler = ScriptedHandler()
    _connector, url = await oa(handler)
    caplog.set_level(logging.INFO)
    event = oa_fake.anonymous_event("anon-7f3a", "Cho hỏi nộp báo cáo ở đâu?")
    assert await oa_fake.post_event(url, event) == 200, "Zalo would resend anything else"
    assert handler.incoming == [], "not a conversation the bot can answer"
    assert oa_fake.cs_calls == 0
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("connectors.zalo_oa")]
    assert any("anonymous_send_text" in line and "Quan tâm" in line for line in lines), lines
    assert not any("nộp báo cáo" in line for line in lines), "what they wrote stays out of logs"


async def started(fake: FakeZaloOa, tmp_path: Path) -> ZaloOaConnector:
    access, refresh = fake.issue_tokens()
    context = ConnectorContext(
        handler=ScriptedHandler(),
        env=fake.env(refresh, access),
        config={"token_store": "memory", "request_timeout": 2.0, "retry_base": 0.01},
        web_app=AppServer().app,
        media_dir=tmp_path,
    )
    settings = load_settings(context.env, context.config)
    assert settings is not None
    connector = ZaloOaConnector(context, settings, MemoryTokenStore(TokenPair(access, refresh)))
    await connector.start()
    return connector


async def seed_hoa_and_her_coordinator() -> Person:
    """Hoa, the Hội Nông dân's officer on Zalo OA (who left the OA), and a coordinator on a
    recording platform in a unit with no officer; return Hoa."""
    await load_shipped_forms()
    unit = await Unit.create(code="hoi", name="Hội Nông dân xã", type="doan_the")
    officer = await Person.create(name="Cán bộ Hoa", unit=unit, role="officer")
    await Identity.create(platform="zalo_oa", external_id=LEFT, chat_id=LEFT, person=officer)
    chief = await Unit.create(code="vhxh", name="Phòng Văn hóa - Xã hội", type="phong")
    leader = await Person.create(name="Lãnh đạo", unit=chief, role="coordinator", locale="vi")
    await Identity.create(platform="fake", external_id="u-chief", chat_id="u-chief", person=leader)
    return officer


async def test_the_digest_says_who_left_the_oa_and_a_follow_brings_reminders_back(
    db: str, tmp_path: Path
) -> None:
    officer = await seed_hoa_and_her_coordinator()
    async with FakeZaloOa() as fake:
        fake.not_following(LEFT)
        connector = await started(fake, tmp_path)
        try:
            clock = FakeClock(local(2026, 6, 17, 9, 0))  # the 3-days-before reminder
            other = RecordingConnector("fake", clock)
            await worker_for([other, connector], clock).run_once()
            rows = await ReminderDelivery.filter(person=officer).values_list("kind", "status")
            assert ("d-3", "undeliverable") in rows, rows
            clock.now = local(2026, 6, 19, 9, 0)  # the digest before the deadline
            await worker_for([other, connector], clock).run_once()
            (digest,) = [d for d in other.delivered if d.user_id == "u-chief"]
            assert sections(digest.text)["Không liên lạc được"] == [
                "Hội Nông dân xã – Cán bộ Hoa: chưa quan tâm hoặc đã bỏ quan tâm Zalo OA, "
                "cần bấm Quan tâm OA để nhận tin",
                "Phòng Văn hóa - Xã hội – chưa có cán bộ",
            ]
            fake.follow_event(LEFT)  # Hoa follows the OA again
            clock.now = local(2026, 6, 20, 9, 0)  # deadline day
            await worker_for([other, connector], clock).run_once()
            assert len(fake.texts(LEFT)) == 1, "the deadline-day reminder reaches her"
            assert "Hôm nay (20/06/2026) là hạn cuối" in fake.texts(LEFT)[0]
        finally:
            await connector.stop(timeout=5)


async def test_one_who_followed_again_and_was_reached_is_not_named(db: str, tmp_path: Path) -> None:
    # Review finding: the d-3 reminder refused (-213) kept Hoa in the digest as "cần bấm Quan
    # tâm OA" after she followed again and the d-1 reminder reached her; her latest counts.
    officer = await seed_hoa_and_her_coordinator()
    async with FakeZaloOa() as fake:
        fake.not_following(LEFT)
        connector = await started(fake, tmp_path)
        try:
            clock = FakeClock(local(2026, 6, 17, 9, 0))  # d-3: refused
            other = RecordingConnector("fake", clock)
            await worker_for([other, connector], clock).run_once()
            fake.follow_event(LEFT)  # Hoa follows the OA again
            clock.now = local(2026, 6, 19, 9, 0)  # d-1 reaches her; the digest follows
            await worker_for([other, connector], clock).run_once()
            rows = await ReminderDelivery.filter(person=officer).values_list("kind", "status")
            assert sorted(rows) == [
                ("d-1", "sent"),
                ("d-3", "undeliverable"),
                ("d-7", "skipped"),  # due before the first run: never sent
            ], rows
            assert len(fake.texts(LEFT)) == 1
            (digest,) = [d for d in other.delivered if d.user_id == "u-chief"]
            assert sections(digest.text)["Không liên lạc được"] == [
                "Phòng Văn hóa - Xã hội – chưa có cán bộ",
            ], digest.text
        finally:
            await connector.stop(timeout=5)
