"""An answer is applied only to a question the person was shown (delivery confirmed).

End to end: the real Telegram connector (polling) and aiogram over real HTTP against the fake
Bot API, the real conversation service keeping replies until Telegram confirms them, and a real
database. The fake is made to refuse sendMessage (5xx, as Telegram's front does when it is
overloaded) or to answer it late (the message is in the chat before the bot hears back).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from connectors.base import ConnectorContext
from connectors.telegram import TelegramConnector, create
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store import replies as reply_rows
from reportbot.store.models import Unit
from tests.conftest import TZ, FakeClock
from tests.fakes.telegram import FakeTelegram, bot_env
from tests.support import NQ57_SCRIPT, load_shipped_forms, seed_commune, stored_answers

OFFICER = 700_300_400
FIRST_FOUR = NQ57_SCRIPT[:4]  # up to chuyen_muc_web; then so_tin_bai_web, so_infographic_web


async def until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 10.0) -> None:
    """Wait for an asynchronous condition, failing with `what` after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        assert loop.time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


class Officer:
    """One officer's Telegram chat with the bot under test (polling)."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.tg = tg

    async def say(self, text: str) -> None:
        """Type a message; return once the bot has handled it (Telegram saw the offset move)."""
        update = self.tg.text_update(OFFICER, text)
        self.tg.enqueue(update)
        await self.tg.wait_for(
            lambda: self.tg.confirmed_offset > update["update_id"], what=f"update {text!r}"
        )

    def shown(self, marker: str) -> int:
        """How many bot messages in the chat contain `marker`."""
        return sum(marker in text for text in self.tg.sent_texts(OFFICER))

    async def sees(self, marker: str, count: int = 1) -> None:
        """Wait until `count` bot messages containing `marker` are in the chat."""
        await self.tg.wait_for(lambda: self.shown(marker) >= count, what=marker)


async def nothing_owed() -> bool:
    return await reply_rows.backlog() == 0


def service_for(clock: FakeClock, *, confirms: bool) -> ConversationService:
    """The service; `confirms` says whether Telegram's confirmations are used to keep replies."""
    return ConversationService(TZ, clock=clock, keeps_replies=lambda p: confirms)


@pytest.fixture
def confirms() -> bool:
    """Whether the service keeps replies until Telegram confirms them (overridden below)."""
    return True


@pytest.fixture
async def started(
    db: str, clock: FakeClock, tg: FakeTelegram, tmp_path: Path, confirms: bool
) -> AsyncIterator[tuple[ConversationService, TelegramConnector, Officer]]:
    """A registered officer who opened the report and answered its first four questions."""
    await seed_commune()
    await load_shipped_forms()
    service = service_for(clock, confirms=confirms)
    await service.start()
    context = ConnectorContext(
        handler=service,
        env=bot_env(tg),
        media_dir=tmp_path / "media",
        delivered=service.delivered,
    )
    connector = create(context)
    assert connector is not None
    await connector.start()
    officer = Officer(tg)
    unit = await Unit.get(code="hoiphunu")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    await officer.say(f"/start {invite.code}")
    await officer.say("/baocao")
    listing = tg.last_bot_message(OFFICER)
    if "Câu 1/" not in listing.get("text", ""):
        tg.enqueue(tg.press(OFFICER, "năm 2026"))
        await officer.sees("Câu 1/")
    for _, typed, _ in FIRST_FOUR:
        await officer.say(typed)
    await officer.sees("Câu 5/")
    if confirms:
        await until(nothing_owed, "every reply confirmed")
    yield service, connector, officer
    tg.heal()
    await connector.stop()
    await service.close()


async def test_a_retyped_answer_does_not_answer_a_question_never_delivered(
    started: tuple[ConversationService, TelegramConnector, Officer], tg: FakeTelegram
) -> None:
    service, _, officer = started
    service.engine.confirm_grace = 0.3
    tg.fail_next("sendMessage", times=1_000_000, status=502)  # Telegram down for sends
    await officer.say("12")  # so_tin_bai_web: stored; "Câu 6" never reaches the chat
    assert officer.shown("Câu 6/") == 0
    await officer.say("12")  # the officer saw no reply and types it again
    stored = await stored_answers("hoiphunu")
    assert stored.get("so_tin_bai_web") == 12
    assert "so_infographic_web" not in stored, "stored under a question never shown"
    tg.heal()
    await officer.sees("Câu 6/", 2)  # the kept reply, and the question shown again
    await until(nothing_owed, "the kept replies confirmed")
    await officer.say("3")
    await officer.sees("Câu 7/")
    stored = await stored_answers("hoiphunu")
    assert stored.get("so_infographic_web") == 3


async def test_an_answer_read_before_telegram_answered_the_send_is_taken(
    started: tuple[ConversationService, TelegramConnector, Officer], tg: FakeTelegram
) -> None:
    _, _, officer = started
    tg.answer_late("sendMessage", 1.5)
    await officer.say("12")
    await officer.sees("Câu 6/")  # in the chat; the bot has not heard back yet
    assert not await nothing_owed()
    await officer.say("3")  # waits for the confirmation instead of showing Câu 6 again
    await officer.sees("Câu 7/")
    assert officer.shown("Câu 6/") == 1
    stored = await stored_answers("hoiphunu")
    assert (stored.get("so_tin_bai_web"), stored.get("so_infographic_web")) == (12, 3)


@pytest.mark.parametrize("confirms", [False])
async def test_without_confirmations_the_answer_goes_to_the_current_question(
    started: tuple[ConversationService, TelegramConnector, Officer], tg: FakeTelegram
) -> None:
    """Where deliveries are not confirmed nothing is known about them: today's behaviour."""
    _, _, officer = started
    tg.fail_next("sendMessage", times=1_000_000, status=502)
    await officer.say("12")
    await officer.say("12")
    stored = await stored_answers("hoiphunu")
    assert (stored.get("so_tin_bai_web"), stored.get("so_infographic_web")) == (12, 12)
