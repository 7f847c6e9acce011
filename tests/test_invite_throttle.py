"""Invite redemption: one neutral reply, and at most MAX_TRIES codes per account per window."""

from __future__ import annotations

from datetime import timedelta

from reportbot.registration import MAX_TRIES, TRY_WINDOW, count_try, create_invite
from reportbot.service import ConversationService
from reportbot.store.models import Identity, Invite, Unit
from tests.conftest import FakeClock
from tests.support import Chat


async def test_guessing_is_stopped_then_allowed_again(
    service: ConversationService, clock: FakeClock
) -> None:
    unit = await Unit.get(code="cns_thon1")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    guesser = Chat(service, "tg-77", platform="telegram")
    for n in range(MAX_TRIES):
        assert "không dùng được" in await guesser.say(f"/start WRONG{n:03d}")
    # The right code on the next try is not even looked up: the invite stays unused.
    blocked = await guesser.say(f"/start {invite.code}")
    assert "thử quá nhiều mã mời" in blocked
    assert (await Invite.get(id=invite.id)).used_at is None
    # Another account is not held back by this one's tries.
    assert "không dùng được" in await Chat(service, "tg-78", platform="telegram").say("NOPE2345")

    clock.advance(seconds=TRY_WINDOW.total_seconds() + 1)
    assert "Đăng ký thành công" in await guesser.say(f"/start {invite.code}")
    assert await Identity.filter(platform="telegram", external_id="tg-77").exists()


async def test_tries_slide_out_of_the_window(db: str, clock: FakeClock) -> None:
    granted = []
    for _ in range(MAX_TRIES + 2):
        granted.append(await count_try("zalo_bot", "z-1", clock()))
        clock.advance(minutes=1)
    assert granted == [True] * MAX_TRIES + [False, False]
    # The first try (at minute 0) leaves the window at minute 10 and frees one place;
    # refused tries were never recorded, so they do not push the wait further.
    clock.advance(seconds=(TRY_WINDOW - timedelta(minutes=MAX_TRIES + 2)).total_seconds() + 1)
    assert await count_try("zalo_bot", "z-1", clock()) is True
    assert await count_try("zalo_bot", "z-1", clock()) is False
