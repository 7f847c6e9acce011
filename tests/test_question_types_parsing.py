"""Times, date-times, positions and their defaults, read as officers type them (pure parsers)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportbot.conversation.parsing import AnswerError
from reportbot.conversation.parsing_types import (
    parse_datetime,
    parse_geopoint,
    parse_geopoints,
    parse_time,
    point_of,
)
from reportbot.conversation.texts_types import TYPE_MESSAGES
from reportbot.conversation.values import fits_type, format_value
from reportbot.forms.defaults import DefaultError, parse_default
from reportbot.forms.expressions import parse_expression
from reportbot.forms.loader import parse_yaml_template
from reportbot.forms.schema import Question
from reportbot.forms.xpath_geo import area, distance

NOW = datetime(2026, 6, 20, 14, 5)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("14:30", "14:30"),
        ("14h30", "14:30"),
        ("14H30", "14:30"),
        ("14 h 30", "14:30"),
        ("14g30", "14:30"),
        ("14 giờ 30 phút", "14:30"),
        ("9 gio 5", "09:05"),
        ("7h", "07:00"),
        ("9.05", "09:05"),
        ("09:30:00", "09:30"),  # ODK writes defaults with seconds
        ("0:00", "00:00"),
        ("23:59", "23:59"),
        ("bây giờ", "14:05"),
        ("now", "14:05"),
        ("2 giờ chiều", "14:00"),
        ("2h30 chiều", "14:30"),
        ("8h sáng", "08:00"),
        ("12 giờ trưa", "12:00"),
        ("1 giờ trưa", "13:00"),
        ("7 giờ tối", "19:00"),
        ("11 giờ đêm", "23:00"),
        ("2 giờ đêm", "02:00"),
        ("12 giờ đêm", "00:00"),
        ("3:15 pm", "15:15"),
    ],
)
def test_times_as_typed(typed: str, stored: str) -> None:
    assert parse_time(typed, NOW) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("24:00", "time.invalid"),
        ("14:60", "time.invalid"),
        ("chiều", "time.format"),
        ("1430", "time.format"),
        ("", "time.format"),
        ("14:30 15:00", "time.format"),
    ],
)
def test_impossible_or_unclear_times_are_refused(typed: str, code: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_time(typed, NOW)
    assert caught.value.code == code
    assert caught.value.message("vi") and caught.value.message("en")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("20/06/2025 14:30", "2025-06-20T14:30"),
        ("14h30 20/6/2025", "2025-06-20T14:30"),
        ("20/06/2025 lúc 8h", "2025-06-20T08:00"),
        ("hôm nay 8h", "2026-06-20T08:00"),
        ("hôm qua 23:15", "2026-06-19T23:15"),
        ("2025-06-20T14:30", "2025-06-20T14:30"),
        ("2025-06-20 14:30", "2025-06-20T14:30"),
        ("bây giờ", "2026-06-20T14:05"),
    ],
)
def test_datetimes_as_typed(typed: str, stored: str) -> None:
    assert parse_datetime(typed, NOW, date(2026, 6, 20)) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("20/06/2025", "datetime.format"),
        ("31/06/2025 10:00", "date.invalid"),
        ("20/06/2025 25:00", "time.invalid"),
        ("sáng nay", "datetime.format"),
    ],
)
def test_a_datetime_needs_a_real_date_and_time(typed: str, code: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_datetime(typed, NOW, date(2026, 6, 20))
    assert caught.value.code == code


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_the_datetime_example_is_typed_as_shown_and_never_goes_stale(locale: str) -> None:
    # The example officers copy is relative ("hôm nay 14:30"): it parses on any day, to that
    # day, and names no fixed year (a past date such as 20/06/2025 read as a wrong hint).
    today = date(2026, 11, 30)
    for text in (
        TYPE_MESSAGES["datetime_hint"][locale],
        AnswerError("datetime.format").message(locale),
    ):
        example = re.search(r"“([^”]+ 14:30)”", text)
        assert example is not None, text
        assert parse_datetime(example[1], NOW, today) == "2026-11-30T14:30"
        assert not re.search(r"\b(19|20)[0-9]{2}\b", text), text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("21.0285, 105.8542", "21.0285 105.8542 0 0"),
        ("21.0285,105.8542", "21.0285 105.8542 0 0"),
        ("21,0285 105,8542", "21.0285 105.8542 0 0"),  # decimal commas, a space between
        ("21.0285 105.8542 12.5 5", "21.0285 105.8542 12.5 5"),  # ODK's own notation
        ("-33.8688, 151.2093", "-33.8688 151.2093 0 0"),
        ("90 180", "90 180 0 0"),
    ],
)
def test_positions_are_stored_as_odk_stores_them(typed: str, stored: str) -> None:
    assert parse_geopoint(typed) == stored


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("91, 105", "geo.range"),
        ("21, 181", "geo.range"),
        ("21 105 0 -1", "geo.range"),
        ("21", "geo.format"),
        ("Hà Nội", "geo.format"),
        ("21 105 1 2 3", "geo.format"),
    ],
)
def test_impossible_positions_are_refused(typed: str, code: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_geopoint(typed)
    assert caught.value.code == code


def test_a_shared_location_keeps_its_accuracy() -> None:
    assert point_of(21.0285, 105.8542, 12.5) == "21.0285 105.8542 0 12.5"
    assert point_of(21.0285, 105.8542, None) == "21.0285 105.8542 0 0"


def test_lines_and_areas_take_several_points() -> None:
    trace = parse_geopoints("21 105\n21.1, 105.1", closed=False)
    assert trace == "21 105 0 0;21.1 105.1 0 0"
    shape = parse_geopoints("21 105; 21.1 105.1; 21.1 105", closed=True)
    assert shape == "21 105 0 0;21.1 105.1 0 0;21.1 105 0 0;21 105 0 0"  # closed, as ODK
    # closed by hand: the same shape, not a fourth corner
    assert parse_geopoints("21 105; 21.1 105.1; 21.1 105; 21 105", closed=True) == shape
    for text, closed, needed in (("21 105", False, 2), ("21 105; 21 105", False, 2)):
        with pytest.raises(AnswerError) as caught:
            parse_geopoints(text, closed=closed)
        assert caught.value.params == {"min": needed}
    with pytest.raises(AnswerError):
        parse_geopoints("21 105; 21.1 105.1; 21 105", closed=True)  # 2 distinct corners


@given(
    st.decimals(min_value=-90, max_value=90, places=6),
    st.decimals(min_value=-180, max_value=180, places=6),
)
def test_any_typed_position_reads_back_to_itself(lat, lon) -> None:
    stored = parse_geopoint(f"{lat}, {lon}")
    question = Question("p", "geopoint", {"vi": "Vị trí"})
    assert fits_type(question, stored)
    assert parse_geopoint(stored) == stored  # ODK's notation is itself a valid answer
    read_lat, read_lon, alt, acc = (float(part) for part in stored.split())
    assert (read_lat, read_lon, alt, acc) == (float(lat), float(lon), 0, 0)


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from(["{h}:{m:02d}", "{h}h{m:02d}"]))
def test_any_time_reads_back_to_itself(hour: int, minute: int, form: str) -> None:
    stored = parse_time(form.format(h=hour, m=minute), NOW)
    assert stored == f"{hour:02d}:{minute:02d}"
    assert parse_time(stored, NOW) == stored


@pytest.mark.parametrize(
    ("kind", "value", "vi", "en"),
    [
        ("time", "07:05", "07:05", "07:05"),
        ("datetime", "2025-06-20T14:30", "20/06/2025 14:30", "20/06/2025 14:30"),
        ("geopoint", "21.0285 105.8542 0 0", "21.0285, 105.8542", "21.0285, 105.8542"),
        ("geopoint", "21.0285 105.8542 0 12.5", "21.0285, 105.8542 (± 12.5 m)", None),
        ("geotrace", "21 105 0 0;21.1 105.1 0 0", "2 điểm: 21, 105; …", "2 points: 21, 105; …"),
        (
            "geoshape",
            "21 105 0 0;21.1 105 0 0;21.1 105.1 0 0;21 105 0 0",
            "3 điểm: 21, 105; …",
            None,
        ),
        ("barcode", "8934563 138165", "8934563 138165", None),
    ],
)
def test_shown_vietnamese_style(kind: str, value: str, vi: str, en: str | None) -> None:
    question = Question("q", kind, {"vi": "Câu hỏi"})
    assert fits_type(question, value)
    assert format_value(question, value, "vi") == vi
    if en is not None:
        assert format_value(question, value, "en") == en


def test_stored_text_of_another_shape_does_not_fit() -> None:
    for kind, value in (("time", "25:00"), ("datetime", "20/06/2025"), ("geopoint", "21,105")):
        assert not fits_type(Question("q", kind, {"vi": "x"}), value)


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("time", "09:30:00", "09:30"),
        ("time", "now()", "now()"),  # read when the question is skipped: that moment
        ("datetime", "2025-06-20 08:00", "2025-06-20T08:00"),
        ("datetime", datetime(2025, 6, 20, 8, 0), "2025-06-20T08:00"),
        ("geopoint", "21.0285 105.8542", "21.0285 105.8542 0 0"),
        ("barcode", "ABC-123", "ABC-123"),
    ],
)
def test_defaults_are_read_like_answers(kind: str, raw: object, value: str) -> None:
    assert parse_default(kind, raw) == value


def test_a_default_that_is_not_a_time_is_a_template_error() -> None:
    with pytest.raises(DefaultError, match="not a valid time answer"):
        parse_default("time", "sáng")


def test_an_unquoted_yaml_time_is_explained() -> None:
    template, issues = parse_yaml_template(
        "key: k\ntitle: T\nperiod: {kind: monthly, deadlines: ['20']}\nquestions:\n"
        "  - {id: gio, type: time, label: Giờ, default: 14:30}\n"
    )
    assert template is None
    assert [issue.line for issue in issues] == [5]
    assert 'write it in quotes, e.g. default: "14:30"' in issues[0].message


def test_geo_functions_measure_on_the_wgs84_ellipsoid() -> None:
    # One degree of longitude along the equator is 111,319.49 m on WGS84 (a = 6,378,137 m).
    assert round(float(distance("0 0 0 0;0 1 0 0"))) == 111_319
    assert round(float(distance("0 0 0 0", "0 1 0 0")), 2) == 111_319.49
    # A 0.01° square at the equator: about 1,113 m × 1,106 m (meridian degree 110,574 m).
    square = "0 0 0 0;0 0.01 0 0;0.01 0.01 0 0;0.01 0 0 0;0 0 0 0"
    assert 1_230_000 < float(area(square)) < 1_232_000
    assert area("0 0 0 0;0 1 0 0") == 0  # not an area
    assert distance("Hà Nội") == "" and area("x y") == ""


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("${a} < ${b}", {"a": "2026-11-20T08:00", "b": "2026-11-20T09:00"}, True),
        ("${a} < ${b}", {"a": "2026-11-20T10:00", "b": "2026-11-20T09:00"}, False),
        (". >= '08:00' and . <= '17:00'", {}, True),  # office hours, as forms write them
        ("format-date-time(${a}, '%d/%m/%Y %H:%M')", {"a": "2026-11-20T08:05"}, "20/11/2026 08:05"),
        # 20/11/2026 is day 20,777 after 1970-01-01; noon is half a day
        ("decimal-date-time(${a})", {"a": "2026-11-20T12:00"}, Decimal("20777.5")),
    ],
)
def test_expressions_read_times_and_datetimes(source: str, answers: dict, expected: object) -> None:
    result = parse_expression(source).evaluate(answers, current="14:30")
    assert result == expected


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=-80, max_value=80, places=4),
            st.decimals(min_value=-170, max_value=170, places=4),
        ),
        min_size=3,
        max_size=12,
        unique=True,
    )
)
def test_any_typed_area_is_stored_closed_and_reads_back(corners) -> None:
    typed = "\n".join(f"{lat}, {lon}" for lat, lon in corners)
    stored = parse_geopoints(typed, closed=True)
    points = stored.split(";")
    assert points[0] == points[-1] and len(points) == len(corners) + 1
    assert fits_type(Question("v", "geoshape", {"vi": "Vùng"}), stored)
    assert parse_geopoints(stored, closed=True) == stored  # ODK's notation reads back
