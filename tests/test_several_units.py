"""One person in several units (kiêm nhiệm): a second invite adds a unit, the report chooser
names the unit, and one chat files for both units (issue 13)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from connectors.base import Capabilities, Outgoing, render_plain
from reportbot.conversation.state import ConversationState, Mode
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store.models import Answer, Person, PersonUnit, Submission, Unit
from tests.conftest import FakeClock
from tests.support import Chat


def _buttons(replies: list[Outgoing]) -> list[str]:
    return [choice.label for reply in replies for choice in reply.choices]


def _text(replies: list[Outgoing]) -> str:
    return "\n".join(reply.text for reply in replies)


async def test_a_second_invite_adds_the_unit_and_says_so(
    service: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(service, "u-hoiphunu")
    second = await Unit.get(code="vhxh")
    invite = await create_invite(unit=second, role="officer", now=clock())
    replies = await chat.send(f"/start {invite.code}")
    text = _text(replies)
    assert "đã được thêm vào đơn vị Phòng Văn hóa - Xã hội" in text
    assert "2 đơn vị" in text and "Hội Liên hiệp Phụ nữ xã" in text
    person = await Person.get(name="Cán bộ hoiphunu")
    links = await PersonUnit.filter(person=person).values_list("unit__code", flat=True)
    assert links == ["vhxh"]
    assert person.unit_id == (await Unit.get(code="hoiphunu")).id  # type: ignore[attr-defined]
    again = _text(await chat.send(f"/start {invite.code}"))
    assert "không dùng được" in again  # a code works once, also for a second unit
    assert await PersonUnit.filter(person=person).count() == 1


async def _join(chat: Chat, clock: FakeClock, code: str) -> None:
    invite = await create_invite(unit=await Unit.get(code=code), role="officer", now=clock())
    assert "đã được thêm" in _text(await chat.send(f"/start {invite.code}"))


async def test_one_chat_files_for_both_units(
    service: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await _join(chat, clock, "vhxh")
    menu = await chat.send("/baocao")
    labels = _buttons(menu)
    # Hand-written: each unit owes the overdue first half, then this year's report, the
    # overdue ones of both units first (first unit first); every button ends with its unit's
    # short name.
    women, culture = "Hội Liên hiệp P…", "Phòng Văn hóa -…"
    expected_units = [women, culture, women, culture]
    assert [label.rsplit(" · ", 1)[1] for label in labels] == expected_units
    assert "2 đơn vị" in _text(menu)
    (chooser,) = [reply for reply in menu if reply.choices]
    listed = render_plain(chooser, Capabilities(buttons=False))  # the console: no buttons
    assert "3. năm 2026 · chưa làm · Hội Liên hiệp Phụ nữ xã\n" in listed and "…" not in listed

    opened = _text(await chat.send(choice="#4"))  # this year's report of the second unit
    assert "Câu 1" in opened
    await chat.send("có")
    second = await Submission.get(unit__code="vhxh")
    assert await Answer.filter(submission=second).count() == 1
    assert not await Submission.filter(unit__code="hoiphunu").exists()

    await chat.send("/baocao khac")
    await chat.send(choice="#3")  # this year's report of the first unit
    await chat.send("không")
    first = await Submission.get(unit__code="hoiphunu")
    assert (first.form_key, first.period_key) == (second.form_key, second.period_key)
    assert await Answer.filter(submission=first).values_list("value", flat=True) == ['"no"']
    assert await Answer.filter(submission=second).values_list("value", flat=True) == ['"yes"']

    # The next answer goes on in the first unit's report: the unit sticks to the chat.
    await chat.send("1")  # the plan question is skipped after "không": the web column next
    assert await Answer.filter(submission=first).count() == 2
    assert await Answer.filter(submission=second).count() == 1

    # A reminder's button names a form and period owed by both units: choose among those two.
    await chat.send("/baocao khac")
    both = await chat.send(f"/baocao {first.form_key} {first.period_key}")
    assert [label.rsplit(" · ", 1)[1] for label in _buttons(both)] == [women, culture]
    await chat.send(f"/baocao {first.form_key} {first.period_key} vhxh")  # one unit named
    await chat.send("1")  # the second unit's draft resumes at its next question
    assert await Answer.filter(submission=second).count() == 2
    assert await Answer.filter(submission=first).count() == 2


async def test_one_unit_people_see_no_unit_on_the_buttons(
    service: ConversationService, clock: FakeClock
) -> None:
    labels = _buttons(await Chat(service, "u-hoiphunu").send("/baocao"))
    assert labels == ["6 tháng đầu 2026 · quá hạn", "năm 2026 · chưa làm"]  # no unit part


@given(
    unit=st.none() | st.integers(min_value=1, max_value=2**31),
    option_units=st.lists(st.integers(min_value=1, max_value=2**31), max_size=6),
)
def test_the_conversation_unit_survives_storage(unit: int | None, option_units: list[int]) -> None:
    options = [(f"form{n}", "2026") for n in range(len(option_units))]
    state = ConversationState(
        mode=Mode.CHOOSING, options=options, option_units=option_units, unit=unit
    )
    stored = json.loads(json.dumps(state.to_dict()))
    back = ConversationState.from_dict(stored)
    assert (back.unit, back.option_units, back.options) == (unit, option_units, options)
    assert back.copy().unit == unit


def test_a_damaged_stored_unit_is_dropped() -> None:
    back = ConversationState.from_dict({"mode": "idle", "unit": "7", "option_units": [True, 3]})
    assert back.unit is None and back.option_units == [3]
