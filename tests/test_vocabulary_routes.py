"""The modules that used to format by hand now agree with the vocabulary, shape for shape."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from reportbot.conversation.values import format_number
from reportbot.coordination.people.fields import parse_unit_type
from reportbot.forms.schema import PeriodSpec
from reportbot.mirror.records import UNIT_TYPE_VI, format_date, format_datetime
from reportbot.office_xlsx import parse_display_date
from reportbot.period_spec import validate_period_spec
from reportbot.vocabulary.format import number_text
from reportbot.vocabulary.kinds import UNIT_TYPE_CODES

HCM = ZoneInfo("Asia/Ho_Chi_Minh")

numbers = st.integers(-(10**15), 10**15) | st.decimals(
    min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False
)


@given(numbers, st.sampled_from(["vi", "en"]))
def test_engine_numbers_are_the_vocabulary_numbers(value: int | Decimal, locale: str) -> None:
    assert format_number(value, locale) == number_text(value, locale)


def test_engine_numbers_hand_written() -> None:
    table = [
        (43000000, "vi", "43.000.000"),
        (43000000, "en", "43,000,000"),
        (Decimal("1234.50"), "vi", "1.234,5"),
        (Decimal("1234.50"), "en", "1,234.5"),
        (Decimal("7.000"), "vi", "7"),
    ]
    for value, locale, expected in table:
        assert format_number(value, locale) == expected


@given(
    st.datetimes(
        min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30), timezones=st.just(UTC)
    )
)
def test_sheet_moments_read_back_as_the_same_local_minute(moment: datetime) -> None:
    # office_xlsx turns the mirror's cells back into real dates: the shape must round-trip.
    local = moment.astimezone(HCM).replace(second=0, microsecond=0, tzinfo=None)
    assert parse_display_date(format_datetime(moment, "Asia/Ho_Chi_Minh")) == local


def test_sheet_dates_hand_written() -> None:
    assert format_date(date(2026, 6, 5)) == "05/06/2026"
    assert format_datetime(datetime(2026, 6, 19, 17, 5, tzinfo=UTC)) == "20/06/2026 00:05"
    assert format_datetime(None) == ""


def test_sheet_unit_types_are_the_vocabulary_kinds_and_import_back() -> None:
    assert set(UNIT_TYPE_VI) == set(UNIT_TYPE_CODES)
    assert UNIT_TYPE_VI["to_cns"] == "Tổ công nghệ số cộng đồng"
    for code, name in UNIT_TYPE_VI.items():
        assert name[0].isupper()
        # What the sheet shows, typed back into a people file, names the same unit type.
        assert parse_unit_type(name, UNIT_TYPE_CODES) == code


def test_one_off_spec_problem_names_its_dates_day_first() -> None:
    spec = PeriodSpec(kind="one_off", deadlines=("05/03/2026",), start="20/03/2026")
    assert validate_period_spec(spec) == [
        "one_off start 20/03/2026 is after its deadline 05/03/2026"
    ]
