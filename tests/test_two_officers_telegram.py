"""Two officers of one unit on the same report through Telegram (issue 13 item 7), polling and
webhook: the real connector and aiogram over HTTP against the fake Bot API, the real service
and database.

Both are at Câu 1 with its buttons; the first taps "Có", the second (who never saw that) taps
"Không" on their own copy: the second is told who else is editing and what is stored, nothing
is overwritten, and their question keeps its buttons (it must not show "✅ Không", which was
not stored). Tapping again is a deliberate change: stored, and the first officer is sent the
later change, in their own language, through Telegram.
"""

from __future__ import annotations

from typing import Any

from connectors.base import Address, Outgoing
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store.models import Person, Unit
from tests.conftest import FakeClock
from tests.fakes.telegram import FakeTelegram
from tests.support import stored_answers
from tests.test_telegram_e2e import (  # noqa: F401  (the `bot` fixture; `tg` is a plugin's)
    Bot,
    Phone,
    bot,
    texts,
)

FIRST = 700_130_001  # Nguyễn Văn An, the fake's default name
SECOND = 700_130_002  # Trần Thị Bình


class Officer(Phone):
    """A phone whose every update comes from this officer (name, language) 20 s after the
    previous one: "who saw what when" is decided on the clock."""

    def __init__(
        self, tg: FakeTelegram, harness: Bot, clock: FakeClock, user_id: int, user: dict[str, Any]
    ) -> None:
        super().__init__(tg, harness, user_id)
        self.clock = clock
        self.user = user

    async def _send(self, update: dict[str, Any]) -> list[dict[str, Any]]:
        self.clock.advance(seconds=20)
        for kind in ("message", "callback_query"):
            if kind in update:
                update[kind]["from"] = dict(self.user)
        return await super()._send(update)

    async def tap(self, label: str, message_id: int) -> list[dict[str, Any]]:
        """Tap a button of one of the bot's messages in this chat."""
        return await self._send(self.tg.press(self.user_id, label, message_id=message_id))


async def _officer(
    tg: FakeTelegram, harness: Bot, clock: FakeClock, user_id: int, user: dict[str, Any]
) -> Officer:
    """Register through an invite's deep link and open this year's report at Câu 1."""
    unit = await Unit.get(code="hoiphunu")
    invite = await create_invite(unit=unit, role="officer", now=clock())
    phone = Officer(tg, harness, clock, user_id, user)
    registered = texts(await phone.say(f"/start {invite.code}"))
    assert "Đăng ký thành công" in registered or "You are registered" in registered
    await phone.say("/baocao")
    opened = texts(await phone.press("2026"))
    assert "Câu 1/" in opened or "Question 1/" in opened
    return phone


async def _notices(harness: Bot, service: ConversationService) -> int:
    """The reply redelivery job's run, sending through the Telegram connector."""
    connector = harness.connector
    assert connector is not None

    async def deliver(address: Address, messages: list[Outgoing]) -> None:
        await connector.send(address, messages)

    return (await service.redeliver(deliver)).notices


async def test_the_later_tap_is_told_and_nothing_is_overwritten(
    tg: FakeTelegram,
    bot: Bot,  # noqa: F811
    clock: FakeClock,
    service: ConversationService,
) -> None:
    first = await _officer(tg, bot, clock, FIRST, tg.user(FIRST))
    second = await _officer(tg, bot, clock, SECOND, tg.user(SECOND, "Trần", "Thị Bình"))
    first_q1 = first.question()["message_id"]
    second_q1 = second.question()["message_id"]
    assert tg.buttons(tg.messages[(SECOND, second_q1)]) == [["Có", "Không"]]

    await first.tap("Có", first_q1)
    assert (await stored_answers("hoiphunu"))["co_ke_hoach"] == "yes"
    told = texts(await second.tap("Không", second_q1))  # shown Câu 1 before the first's "Có"
    assert "Nguyễn Văn An cũng đang sửa báo cáo này" in told
    assert "câu 1 vừa được sửa thành “Có”" in told and "chưa được lưu" in told
    assert (await stored_answers("hoiphunu"))["co_ke_hoach"] == "yes"  # not overwritten
    shown = tg.messages[(SECOND, second_q1)]
    assert "✅" not in shown["text"], "a refused tap is never shown as the answer"
    assert tg.buttons(shown) == [["Có", "Không"]], "the buttons stay to tap again"
    assert await _notices(bot, service) == 0  # nothing of the second's was stored

    # The second officer has now seen the "Có": the same tap again is a deliberate change.
    before = len(tg.bot_messages(FIRST))
    changed = texts(await second.tap("Không", second_q1))
    assert "cũng đang sửa" not in changed
    assert (await stored_answers("hoiphunu"))["co_ke_hoach"] == "no"
    assert tg.messages[(SECOND, second_q1)]["text"].endswith("\n\n✅ Không")
    # The later change is shown to the first officer too, once, in their chat.
    assert await _notices(bot, service) == 1
    (notice,) = tg.bot_messages(FIRST)[before:]
    assert notice["text"] == "ℹ️ Câu 1 vừa được Trần Thị Bình sửa thành “Không”."
    assert await _notices(bot, service) == 0


async def test_an_english_colleague_reads_the_notice_in_english(
    tg: FakeTelegram,
    bot: Bot,  # noqa: F811
    clock: FakeClock,
    service: ConversationService,
) -> None:
    english = tg.user(FIRST, "Anna", "Le", language_code="en-GB")
    first = await _officer(tg, bot, clock, FIRST, english)
    assert (await Person.get(identities__external_id=str(FIRST))).locale == "en"
    second = await _officer(tg, bot, clock, SECOND, tg.user(SECOND, "Trần", "Thị Bình"))
    await first.tap("Yes", first.question()["message_id"])
    second_q1 = second.question()["message_id"]
    told = texts(await second.tap("Không", second_q1))
    assert "Anna Le cũng đang sửa báo cáo này" in told  # the second reads Vietnamese
    assert "“Có”" in told  # the value in the reader's language
    before = len(tg.bot_messages(FIRST))
    await second.tap("Không", second_q1)
    assert await _notices(bot, service) == 1
    (notice,) = tg.bot_messages(FIRST)[before:]
    assert notice["text"] == "ℹ️ Question 1 was just changed by Trần Thị Bình to “No”."
