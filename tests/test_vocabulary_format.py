"""The one formatting module: hand-written expected tables, and round trips through the parser."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportbot.conversation.parsing import AnswerError, parse_date, parse_decimal, parse_integer
from reportbot.vocabulary.format import (
    date_text,
    datetime_text,
    day_month_text,
    deadline_text,
    number_text,
    percent_text,
    time_text,
)

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")

NUMBERS = [
    # value, vi, en — written by hand as a reader expects them
    (43_000_000, "43.000.000", "43,000,000"),
    (Decimal("43000000.00"), "43.000.000", "43,000,000"),
    (Decimal("1234.5"), "1.234,5", "1,234.5"),
    (Decimal("-1234.56"), "-1.234,56", "-1,234.56"),
    (Decimal("0.5"), "0,5", "0.5"),
    (Decimal("1E+5"), "100.000", "100,000"),
    (Decimal("0.0000001"), "0,0000001", "0.0000001"),
    (999, "999", "999"),
    (2.5, "2,5", "2.5"),
    (0, "0", "0"),
]


@pytest.mark.parametrize(("value", "vi", "en"), NUMBERS)
def test_numbers_are_grouped_the_way_each_reader_writes_them(value: object, vi: str, en: str):
    assert number_text(value, "vi") == vi  # type: ignore[arg-type]
    assert number_text(value, "en") == en  # type: ignore[arg-type]


PLACES = [
    (Decimal("62.25"), 1, "62,3"),  # half-up, as people round by hand (not half-even)
    (Decimal("62.35"), 1, "62,4"),
    (Decimal("100"), 1, "100,0"),
    (Decimal("2.004"), 2, "2,00"),
    (Decimal("1234.5"), 0, "1.235"),
]


@pytest.mark.parametrize(("value", "places", "vi"), PLACES)
def test_fixed_places_round_half_up_and_keep_their_zeros(value: Decimal, places: int, vi: str):
    assert number_text(value, "vi", places=places) == vi


def test_percentages_and_missing_figures():
    assert percent_text(Decimal("62.5")) == "62,5%"
    assert percent_text(Decimal("62.5"), "en") == "62.5%"
    assert percent_text(Decimal("91.666"), places=1) == "91,7%"
    assert percent_text(None) == "—"
    assert number_text(None) == "—"
    assert percent_text(None, missing="chưa có số liệu") == "chưa có số liệu"


def test_dates_times_and_deadlines_on_the_local_clock():
    # 17:30 UTC on 19/06 is already 00:30 on 20/06 in Hà Nội (UTC+7)
    moment = datetime(2026, 6, 19, 17, 30, tzinfo=UTC)
    assert date_text(moment, HANOI) == "20/06/2026"
    assert date_text(moment) == "19/06/2026"  # no zone given: the moment's own clock
    assert date_text(date(2026, 1, 5)) == "05/01/2026"
    assert day_month_text(moment, HANOI) == "20/06"
    assert time_text(moment, HANOI) == "00:30"
    assert time_text(moment, HANOI, seconds=True) == "00:30:00"
    assert datetime_text(moment, HANOI) == "00:30 20/06/2026"
    assert datetime_text(None, HANOI) == ""
    assert deadline_text(moment, HANOI) == "hạn 20/06/2026"
    assert deadline_text(moment, HANOI, "en") == "due 20/06/2026"
    assert deadline_text(date(2026, 12, 20), locale="fr") == "hạn 20/12/2026"


decimals = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False
)


@given(decimals)
def test_a_number_read_back_is_the_number_written_or_refused_never_misread(value: Decimal):
    # The parser refuses "12,345" (a Vietnamese 12.345 or an English 12345?) rather than guess;
    # whatever it accepts must be the value that was written. Only Vietnamese: the parser takes
    # no locale and reads "1.876" as 1876, as a Vietnamese writes it.
    text = number_text(value, "vi")
    try:
        read = parse_decimal(text)
    except AnswerError as error:
        assert error.code == "number.ambiguous", text
        return
    assert read == value, text


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_an_integer_written_in_vietnamese_reads_back(value: int):
    assert parse_integer(number_text(value, "vi")) == value


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_a_date_written_reads_back(day: date):
    assert parse_date(date_text(day)) == day


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
    st.integers(min_value=-12, max_value=14),
)
def test_a_moment_is_written_on_the_local_clock(naive: datetime, offset: int):
    moment = naive.replace(tzinfo=UTC) + timedelta(hours=offset)
    local = moment.astimezone(HANOI)
    shown = datetime_text(moment, HANOI)
    assert (
        shown
        == f"{local.hour:02d}:{local.minute:02d} {local.day:02d}/{local.month:02d}/{local.year}"
    )
    assert parse_date(shown.split(" ")[1]) == local.date()
