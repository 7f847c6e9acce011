"""Dates and times as officers type them on Vietnamese phones: polite words and "lúc" around a
time, "rưỡi", a part of the day that agrees with a 24-hour time, full-width digits, a date
without its year (asked for, never guessed), and date-time answers too long to be one."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from reportbot.conversation.parsing import AnswerError, parse_date, parse_integer
from reportbot.conversation.parsing_choices import parse_choice, parse_choices
from reportbot.conversation.parsing_types import parse_datetime, parse_time

NOW = datetime(2026, 11, 26, 10, 0)
TODAY = date(2026, 11, 26)


# Each expected value written by hand from the words typed.
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("lúc 14h30", "14:30"),
        ("14h30 ạ", "14:30"),
        ("dạ 14h30", "14:30"),
        ("vào lúc 9 giờ", "09:00"),
        ("2 giờ rưỡi", "02:30"),
        ("2 giờ rưỡi chiều", "14:30"),
        ("2h rưỡi chiều", "14:30"),
        ("14h30 chiều", "14:30"),
        ("14 giờ chiều", "14:00"),
        ("19h tối", "19:00"),
        ("13h trưa", "13:00"),
        ("23 giờ đêm", "23:00"),
        ("2pm", "14:00"),
        ("2:30pm", "14:30"),
        ("9am", "09:00"),
        ("１４:３０", "14:30"),
        ("14：30", "14:30"),
        ("１４h３０", "14:30"),
        ("14h30", "14:30"),
        ("2 giờ chiều", "14:00"),
    ],
)
def test_times_as_typed_on_phones(typed: str, stored: str) -> None:
    assert parse_time(typed, NOW) == stored


@pytest.mark.parametrize(
    "typed",
    ["14h sáng", "15 giờ sáng", "13h am", "14h30 đêm", "lúc", "2 giờ rưỡi 30", "rưỡi"],
)
def test_a_contradictory_time_is_refused(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_time(typed, NOW)
    assert caught.value.code in ("time.invalid", "time.format")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("２０/６/２０２６", date(2026, 6, 20)),
        ("２０／０６／２０２６", date(2026, 6, 20)),
        ("20-06-2026", date(2026, 6, 20)),
        ("20.6.2026", date(2026, 6, 20)),
        ("ngày 20 tháng 6 năm 2026", date(2026, 6, 20)),
        ("20/6/2026 ạ", date(2026, 6, 20)),
    ],
)
def test_dates_as_typed_on_phones(typed: str, stored: date) -> None:
    assert parse_date(typed, TODAY) == stored


@pytest.mark.parametrize(
    ("typed", "example"),
    [
        ("20/6", "20/6/2026"),
        ("20/06", "20/06/2026"),
        ("20-6", "20-6-2026"),
        ("20.6", "20.6.2026"),
        ("ngày 20 tháng 6", "20/6/2026"),
        ("20 tháng 6", "20/6/2026"),
        ("２０/６", "20/6/2026"),
    ],
)
def test_a_date_without_its_year_is_asked_for_in_full(typed: str, example: str) -> None:
    # Never guessed: in January 2027 a late report's "20/12" is December 2026, not 2027.
    with pytest.raises(AnswerError) as caught:
        parse_date(typed, TODAY)
    assert caught.value.code == "date.no_year"
    vi, en = caught.value.message("vi"), caught.value.message("en")
    assert example in vi and example in en, (vi, en)
    assert "năm" in vi and "year" in en


def test_a_day_and_month_that_cannot_be_gets_the_date_format() -> None:
    # "31/2" (or "14.30", a time) is no day and month: not "add the year" but the format.
    for typed in ("31/2", "14.30"):
        with pytest.raises(AnswerError) as caught:
            parse_date(typed, TODAY)
        assert caught.value.code == "date.format"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("20/6/2026 lúc 14h30", "2026-06-20T14:30"),
        ("ngày 20 tháng 6 năm 2026 lúc 2 giờ rưỡi chiều", "2026-06-20T14:30"),
        ("２０/６/２０２６ １４:３０", "2026-06-20T14:30"),
    ],
)
def test_date_times_as_typed_on_phones(typed: str, stored: str) -> None:
    assert parse_datetime(typed, NOW, TODAY) == stored


def test_a_date_time_without_a_year_is_asked_for_in_full() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_datetime("20/6 14h30", NOW, TODAY)
    assert caught.value.code == "date.no_year"


@pytest.mark.parametrize("typed", ["1 " * 999 + "1", "a " * 999 + "a", "20/6/2026 " * 3 + "14h30"])
def test_a_date_time_of_too_many_words_is_refused_as_a_whole(typed: str) -> None:
    # A date and a time are at most a dozen words ("ngày 20 tháng 6 năm 2026 lúc 2 giờ 30
    # phút chiều"); the pieces of a longer message are not tried two by two.
    with pytest.raises(AnswerError) as caught:
        parse_datetime(typed, NOW, TODAY)
    assert caught.value.code == "datetime.format"


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("dạ 12", 12),
        ("Dạ, 12 ạ", 12),
        ("vâng 1.500.000 đ", 1_500_000),
        ("1.500.000 đ", 1_500_000),
        ("1,5 triệu", 1_500_000),
        ("１２", 12),
        ("1\u00a0500", 1500),
    ],
)
def test_numbers_as_typed_on_phones(typed: str, value: int) -> None:
    assert parse_integer(typed) == value


@pytest.mark.parametrize("typed", ["dạ", "dạ 12 hoặc 13", "dạ khoảng 12", "vâng ạ"])
def test_polite_words_alone_or_around_a_vague_number_are_refused(typed: str) -> None:
    with pytest.raises(AnswerError):
        parse_integer(typed)


# --- choices ---------------------------------------------------------------------------

OPTIONS = [(f"v{n}", [f"Thôn {n} xã Đăk Pxi", f"Village {n}"]) for n in range(1, 301)]


def test_a_long_run_of_repeated_numbers_names_each_option_once() -> None:
    assert parse_choices("1 2 " * 5_000, OPTIONS) == ["v1", "v2"]
    assert parse_choices("2 1 2 1 3", OPTIONS) == ["v1", "v2", "v3"]


def test_a_number_past_the_list_in_a_long_run_is_refused() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_choices("1 2 " * 5_000 + "301", OPTIONS)
    assert caught.value.code == "choice.out_of_range"


@pytest.mark.parametrize("typed", ["thon " * 4_000, "Thôn 1 xã Đăk Pxi và còn nhiều nữa " * 500])
def test_an_answer_longer_than_every_label_names_no_option(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_choice(typed, OPTIONS)
    assert caught.value.code == "choice.unknown"
    assert parse_choice("thôn 12 xã", OPTIONS) == "v12"  # a label's start is still one
