"""Review of the officer's typed dates, numbers and times.

A date typed without its year is refused with a full date as the example: before, the example
always took today's year, so "29/2" suggested 29/2/2026 (no such day) and "31/12" typed in
January suggested next December. Polite words before a number were matched without their
accents: "thừa 12" (too many 12) and "đã 12" (already 12) lost their first word and were read
as 12. "lúc 9" was refused while "vào 9h" was read.
"""

from __future__ import annotations

from datetime import date

import pytest

from reportbot.conversation.parsing import AnswerError, parse_date, parse_decimal
from reportbot.conversation.parsing_types import parse_time


# Each example worked out by hand: the latest day with that day and month, today or before.
@pytest.mark.parametrize(
    ("typed", "today", "example"),
    [
        ("29/2", date(2026, 11, 26), "29/2/2024"),
        ("31/12", date(2027, 1, 10), "31/12/2026"),
        ("26/11", date(2026, 11, 26), "26/11/2026"),
        ("27/11", date(2026, 11, 26), "27/11/2025"),
        ("29-02", date(2028, 2, 28), "29-02-2024"),
        ("29.2", date(2028, 2, 29), "29.2.2028"),
        ("20/6", date(2026, 11, 26), "20/6/2026"),
    ],
)
def test_the_no_year_example_is_the_latest_such_day(typed: str, today: date, example: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_date(typed, today)
    assert caught.value.code == "date.no_year"
    assert caught.value.params["example"] == example
    assert example in caught.value.message("vi") and example in caught.value.message("en")


@pytest.mark.parametrize("typed", ["thừa 12", "đã 12", "Đã, 12", "thua 12"])
def test_words_that_only_look_polite_without_accents_are_refused(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_decimal(typed)
    assert caught.value.code == "number.invalid"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("dạ 12", 12), ("Dạ, 12 ạ", 12), ("thưa 12", 12), ("vâng, 1.500.000 đ", 1_500_000)],
)
def test_polite_words_with_their_accents_still_come_off(typed: str, value: int) -> None:
    assert parse_decimal(typed) == value


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("lúc 9", "09:00"), ("vào 9", "09:00"), ("vào 9h", "09:00"), ("lúc 14", "14:00")],
)
def test_an_hour_after_luc_or_vao_is_read_alike(typed: str, stored: str) -> None:
    assert parse_time(typed) == stored


def test_a_bare_number_without_luc_is_still_no_time() -> None:
    with pytest.raises(AnswerError):
        parse_time("9")
