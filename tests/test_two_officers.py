"""Two officers of one unit on the same report, through the conversation service (issue 13
item 7): the later one is told who else is editing and what is stored, and nothing is
silently overwritten."""

from __future__ import annotations

from connectors.base import Address, Outgoing
from reportbot.service import ConversationService, Redelivered
from reportbot.store.models import Identity, Person, Unit
from tests.conftest import FakeClock
from tests.support import Chat, stored_answers

# The first answers of the Resolution 57 report (Câu 1-4), typed by the first officer.
OPENING = ("có", "KH-12/HPN", "01/03/2026", "1")
# Hand-written: what is stored after the opening.
STORED_OPENING = {
    "co_ke_hoach": "yes",
    "so_ke_hoach": "KH-12/HPN",
    "ngay_ke_hoach": "2026-03-01",
    "chuyen_muc_web": "co",
}


class Officer:
    """One officer's chat; each message is sent some seconds after the previous one."""

    def __init__(self, chat: Chat, clock: FakeClock) -> None:
        self.chat = chat
        self.clock = clock

    async def say(self, text: str) -> str:
        """Send `text` (20 s after the last message anyone sent); the replies as one string."""
        self.clock.advance(seconds=20)
        return await self.chat.say(text)


async def _two(service: ConversationService, clock: FakeClock) -> tuple[Officer, Officer]:
    """The Women's Union's seeded officer (A) and a colleague, Trần Thị Bình (B), both shown
    Câu 5 of this year's report after A's opening answers."""
    unit = await Unit.get(code="hoiphunu")
    person = await Person.create(name="Trần Thị Bình", unit=unit, role="officer")
    await Identity.create(platform="console", external_id="u-binh", chat_id="u-binh", person=person)
    first = Officer(Chat(service, "u-hoiphunu"), clock)
    second = Officer(Chat(service, "u-binh"), clock)
    await first.say("/baocao")
    await first.say("2")  # this year's report (after the overdue first half)
    for line in OPENING:
        await first.say(line)
    await second.say("/baocao")
    opened = await second.say("2")  # the same report
    assert "Câu 5/27" in opened  # B continues where the report is: the question A is at
    assert await stored_answers() == STORED_OPENING
    return first, second


async def test_same_question_the_later_is_told_and_nothing_overwritten(
    service: ConversationService, clock: FakeClock
) -> None:
    first, second = await _two(service, clock)
    assert "Câu 6/27" in await first.say("10")
    told = await second.say("12")  # B was shown Câu 5 before A's answer
    assert "Cán bộ hoiphunu cũng đang sửa báo cáo này" in told
    assert "câu 5 vừa được sửa thành “10”" in told
    assert "chưa được lưu" in told
    assert await stored_answers() == {**STORED_OPENING, "so_tin_bai_web": 10}
    # B has now seen A's 10: sending 12 again is a deliberate change, stored.
    again = await second.say("12")
    assert "cũng đang sửa" not in again and "Câu 6/27" in again
    assert await stored_answers() == {**STORED_OPENING, "so_tin_bai_web": 12}


async def test_different_questions_both_kept(
    service: ConversationService, clock: FakeClock
) -> None:
    first, second = await _two(service, clock)
    assert "Câu 6/27" in await first.say("10")
    told = await second.say("/quaylai")  # B goes back to Câu 4 and changes it
    assert "Câu 4/27" in told
    changed = await second.say("2")
    assert "cũng đang sửa" not in changed
    assert await stored_answers() == {
        **STORED_OPENING,
        "chuyen_muc_web": "chua_co",
        "so_tin_bai_web": 10,
    }


class Platform:
    """Collects what the reply redelivery job sends, by chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def deliver(self, address: Address, messages: list[Outgoing]) -> None:
        """The connector's send path, as `ConversationService.redeliver` calls it."""
        self.sent.extend((address.chat_id, m.text) for m in messages)


async def test_the_later_change_is_shown_to_the_colleague_once(
    service: ConversationService, clock: FakeClock
) -> None:
    first, second = await _two(service, clock)
    await first.say("10")
    await second.say("12")  # told, not stored
    platform = Platform()
    assert await service.redeliver(platform.deliver) == Redelivered(
        notices=0
    )  # nothing stored: nobody to tell
    await second.say("12")  # B confirms: stored
    assert await service.redeliver(platform.deliver) == Redelivered(notices=1)
    assert platform.sent == [("u-hoiphunu", "ℹ️ Câu 5 vừa được Trần Thị Bình sửa thành “12”.")]
    await second.say("/quaylai")
    await second.say("15")  # B again: the answer is B's own now, A is not told twice
    assert await service.redeliver(platform.deliver) == Redelivered(notices=0)
    assert len(platform.sent) == 1
    assert await stored_answers() == {**STORED_OPENING, "so_tin_bai_web": 15}


async def test_an_old_answer_changed_tells_nobody(
    service: ConversationService, clock: FakeClock
) -> None:
    _first, second = await _two(service, clock)
    clock.advance(minutes=31)  # A answered Câu 4 more than half an hour ago
    await second.say("/quaylai")
    await second.say("2")
    platform = Platform()
    assert await service.redeliver(platform.deliver) == Redelivered(notices=0)
    assert platform.sent == []
    assert (await stored_answers())["chuyen_muc_web"] == "chua_co"


async def test_interleaved_answers_to_different_questions_both_kept(
    service: ConversationService, clock: FakeClock
) -> None:
    first, second = await _two(service, clock)
    assert "Câu 2/27" in await second.say("/sua 2")  # B goes to correct the plan number
    assert "Câu 6/27" in await first.say("10")  # A answers Câu 5 meanwhile
    changed = await second.say("KH-13/HPN")  # B's question was not touched by A: stored
    assert "cũng đang sửa" not in changed
    assert await stored_answers() == {
        **STORED_OPENING,
        "so_ke_hoach": "KH-13/HPN",
        "so_tin_bai_web": 10,
    }
    platform = Platform()
    assert await service.redeliver(platform.deliver) == Redelivered(
        notices=1
    )  # A gave Câu 2 minutes ago
    assert platform.sent == [
        ("u-hoiphunu", "ℹ️ Câu 2 vừa được Trần Thị Bình sửa thành “KH-13/HPN”.")
    ]
