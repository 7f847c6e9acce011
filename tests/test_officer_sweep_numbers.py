"""Amounts as an officer types them on a phone, where a word after the number changes it.

Found filing the Resolution 57 report: "2 triệu rưỡi" (two and a half million) was stored as
2.000.000, the "rưỡi" taken for a word naming what is counted ("12 người"). A word that
changes the value is read (rưỡi: and a half of the unit) or the answer is refused with the
usual sentence; it is never dropped.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from reportbot.conversation.parsing import AnswerError, parse_decimal, parse_integer
from reportbot.service import ConversationService
from tests.support import Chat, stored_answers


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("2 triệu rưỡi", 2_500_000),
        ("2tr rưỡi", 2_500_000),
        ("2 TRIỆU RƯỠI", 2_500_000),
        ("2 trieu ruoi", 2_500_000),
        ("10 triệu rưởi", 10_500_000),  # the spelling with hỏi is as common
        ("5 nghìn rưỡi", 5_500),
        ("1 tỷ rưỡi đồng", 1_500_000_000),
        ("2 triệu rưỡi.", 2_500_000),
    ],
)
def test_ruoi_after_a_unit_is_half_of_that_unit(typed: str, value: int) -> None:
    assert parse_integer(typed) == value


def test_ruoi_after_a_bare_number_is_a_half() -> None:
    assert parse_decimal("2 rưỡi") == Decimal("2.5")
    with pytest.raises(AnswerError) as caught:
        parse_integer("2 rưỡi")  # "Số buổi": two and a half sessions is no count
    assert caught.value.code == "number.not_integer"


@pytest.mark.parametrize(
    "typed",
    [
        "2tr5 rưỡi",  # a fraction twice
        "1,5 triệu rưỡi",
        "10 người rưỡi",  # rưỡi belongs right after the number or its unit
        "1 triệu hai",  # "1 triệu 2" in words: refused rather than read as 1.000.000
        "2 triệu ba",
        "1 tỷ năm",
        "3 nghìn tám",
        "10 mấy",  # "mười mấy": ten-something, not ten
        "10 mấy người",
    ],
)
def test_a_word_that_changes_the_amount_is_never_dropped(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_decimal(typed)
    assert caught.value.code == "number.invalid"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("30 bà", 30),  # a word after a plain number still names what is counted
        ("10 máy tính", 10),  # máy (machine) is not mấy
        ("10 may tinh", 10),
        ("5 nghìn người", 5_000),
        ("12 bài", 12),
    ],
)
def test_words_naming_what_is_counted_are_still_taken(typed: str, value: int) -> None:
    assert parse_integer(typed) == value


async def test_budget_typed_as_two_and_a_half_million_is_stored_so(
    service: ConversationService,
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.answer_until("kinh_phi")
    await chat.say("2 triệu rưỡi")
    assert (await stored_answers())["kinh_phi"] == 2_500_000
    review = await chat.say("/xemlai")
    assert "2.500.000" in review
