"""Reporting periods: windows that tile time, local end-of-day deadlines, Decree 09 cut-offs."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reportbot.forms.schema import PERIOD_KINDS, PeriodSpec
from reportbot.periods import (
    KINDS,
    Period,
    PeriodKeyError,
    current_period,
    cutoff_gap_warnings,
    period_at,
    period_by_key,
    periods_between,
    validate_period_spec,
)

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
SANTIAGO = ZoneInfo("America/Santiago")  # skips local midnight when DST starts

SIX = PeriodSpec(kind="six_monthly", deadlines=("20/06", "20/12"))
MONTHLY_20 = PeriodSpec(kind="monthly", deadlines=("20",))
MONTHLY_31 = PeriodSpec(kind="monthly", deadlines=("31",))
QUARTERLY = PeriodSpec(kind="quarterly", deadlines=("20",))
ANNUAL = PeriodSpec(kind="annual", deadlines=("20/12",))
ONCE = PeriodSpec(kind="one_off", deadlines=("20/03/2026",), start="01/03/2026")
US = timedelta(microseconds=1)


def at(tz: ZoneInfo, *parts: int) -> datetime:
    """An aware local moment."""
    return datetime(*parts, tzinfo=tz)


def end_of(tz: ZoneInfo, year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=tz)


def wall(moment: datetime, tz: ZoneInfo) -> datetime:
    """The local wall-clock reading of a moment, without zone."""
    return moment.astimezone(tz).replace(tzinfo=None)


def gap(later: datetime, earlier: datetime) -> timedelta:
    """Absolute time between two moments (same-zone subtraction would use the wall clock)."""
    return later.astimezone(UTC) - earlier.astimezone(UTC)


def must(period: Period | None) -> Period:
    assert period is not None
    return period


def next_working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_kinds_match_schema() -> None:
    assert set(KINDS) == PERIOD_KINDS


# --- six-monthly: the plan's form -----------------------------------------------------------


def test_six_monthly_late_november_is_second_half_due_20_december() -> None:
    period = must(current_period(SIX, at(HCM, 2026, 11, 26, 10), HCM))
    assert period.key == "2026-H2"
    assert period.label_vi == "năm 2026"
    assert period.label_en == "year 2026"
    assert period.label("vi") == "năm 2026"
    assert period.label("en") == "year 2026"
    assert period.label("fr") == "năm 2026"
    assert period.deadline == end_of(HCM, 2026, 12, 20)
    assert wall(period.deadline, HCM) == datetime(2026, 12, 20, 23, 59, 59, 999999)
    assert period.opens_at == at(HCM, 2026, 6, 21)
    assert (period.cutoff_start, period.cutoff_end) == (date(2025, 12, 15), date(2026, 12, 14))


def test_six_monthly_day_after_december_deadline_is_next_first_half() -> None:
    period = must(current_period(SIX, at(HCM, 2026, 12, 21), HCM))
    assert period.key == "2027-H1"
    assert period.label_vi == "6 tháng đầu năm 2027"
    assert period.label_en == "first half of 2027"
    assert period.opens_at == at(HCM, 2026, 12, 21)
    assert period.deadline == end_of(HCM, 2027, 6, 20)
    assert (period.cutoff_start, period.cutoff_end) == (date(2026, 12, 15), date(2027, 6, 14))


def test_six_monthly_deadline_day_is_on_time_until_its_last_instant() -> None:
    assert must(current_period(SIX, at(HCM, 2026, 6, 20, 23, 59), HCM)).key == "2026-H1"
    last = end_of(HCM, 2026, 6, 20)
    assert must(current_period(SIX, last, HCM)).key == "2026-H1"
    assert must(current_period(SIX, last + US, HCM)).key == "2026-H2"


def test_six_monthly_now_in_another_zone_is_judged_in_local_time() -> None:
    # 17:30 UTC on 20/12 is 00:30 on 21/12 in Hanoi.
    assert must(current_period(SIX, datetime(2026, 12, 20, 17, 30, tzinfo=UTC), HCM)).key == (
        "2027-H1"
    )
    assert must(current_period(SIX, datetime(2026, 12, 20, 16, 59, tzinfo=UTC), HCM)).key == (
        "2026-H2"
    )


def test_six_monthly_every_hour_of_a_year_has_exactly_one_period() -> None:
    expected = {"2026-H1", "2026-H2", "2027-H1"}
    seen: set[str] = set()
    moment = at(HCM, 2026, 1, 1)
    while moment < at(HCM, 2027, 1, 1):
        period = must(current_period(SIX, moment, HCM))
        assert period.opens_at <= moment <= period.deadline
        assert period.contains(moment)
        seen.add(period.key)
        moment += timedelta(hours=5)
    assert seen == expected


def test_periods_tile_time_without_gap_or_overlap() -> None:
    for spec in (SIX, MONTHLY_20, MONTHLY_31, QUARTERLY, ANNUAL):
        periods = periods_between(spec, at(HCM, 2025, 1, 1), at(HCM, 2028, 1, 1), HCM)
        assert len(periods) >= 3
        for before, after in itertools.pairwise(periods):
            assert gap(after.opens_at, before.deadline) == US
            assert before.opens_at < before.deadline


def test_period_at_steps_back_and_forth() -> None:
    now = at(HCM, 2026, 11, 26, 10)
    assert must(period_at(SIX, now, HCM, 0)).key == "2026-H2"
    assert must(period_at(SIX, now, HCM, -1)).key == "2026-H1"
    assert must(period_at(SIX, now, HCM, 1)).key == "2027-H1"
    assert must(period_at(SIX, now, HCM, -3)).key == "2025-H1"
    assert must(period_at(MONTHLY_20, at(HCM, 2026, 1, 5), HCM, -1)).key == "2025-12"
    assert must(period_at(QUARTERLY, at(HCM, 2026, 12, 25), HCM, 1)).key == "2027-Q2"


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        current_period(SIX, datetime(2026, 1, 1), HCM)


# --- monthly --------------------------------------------------------------------------------


def test_monthly_period_is_due_in_its_own_month() -> None:
    february = must(current_period(MONTHLY_20, at(HCM, 2026, 2, 10), HCM))
    assert february.key == "2026-02"
    assert february.label_vi == "tháng 2 năm 2026"
    assert february.label_en == "February 2026"
    assert february.deadline == end_of(HCM, 2026, 2, 20)
    assert february.opens_at == at(HCM, 2026, 1, 21)
    assert (february.cutoff_start, february.cutoff_end) == (date(2026, 1, 15), date(2026, 2, 14))
    assert must(current_period(MONTHLY_20, at(HCM, 2026, 2, 21), HCM)).key == "2026-03"


def test_monthly_january_cutoff_starts_in_december() -> None:
    january = period_by_key(MONTHLY_20, "2026-01", HCM)
    assert (january.cutoff_start, january.cutoff_end) == (date(2025, 12, 15), date(2026, 1, 14))
    assert period_by_key(MONTHLY_20, "2025-07", HCM).label_vi == "tháng 7 năm 2025"
    assert period_by_key(MONTHLY_20, "2025-07", HCM).label_en == "July 2025"


@pytest.mark.parametrize(
    ("key", "due"),
    [
        ("2026-01", date(2026, 1, 31)),
        ("2026-02", date(2026, 2, 28)),
        ("2028-02", date(2028, 2, 29)),
        ("2026-04", date(2026, 4, 30)),
        ("2026-12", date(2026, 12, 31)),
    ],
)
def test_monthly_day_31_falls_on_the_last_day_of_shorter_months(key: str, due: date) -> None:
    assert period_by_key(MONTHLY_31, key, HCM).deadline == end_of(HCM, due.year, due.month, due.day)


def test_monthly_day_31_march_opens_right_after_february_ends() -> None:
    march = must(current_period(MONTHLY_31, at(HCM, 2026, 3, 1), HCM))
    assert march.key == "2026-03"
    assert march.opens_at == at(HCM, 2026, 3, 1)
    assert must(current_period(MONTHLY_31, end_of(HCM, 2026, 2, 28), HCM)).key == "2026-02"


def test_monthly_day_30_in_february_of_leap_and_common_years() -> None:
    spec = PeriodSpec(kind="monthly", deadlines=("30",))
    assert period_by_key(spec, "2024-02", HCM).deadline == end_of(HCM, 2024, 2, 29)
    assert period_by_key(spec, "2025-02", HCM).deadline == end_of(HCM, 2025, 2, 28)
    assert period_by_key(spec, "2025-03", HCM).opens_at == at(HCM, 2025, 3, 1)


# --- quarterly ------------------------------------------------------------------------------


def test_quarterly_q1_cutoff_and_deadline() -> None:
    q1 = must(current_period(QUARTERLY, at(HCM, 2026, 2, 1), HCM))
    assert q1.key == "2026-Q1"
    assert q1.label_vi == "quý I năm 2026"
    assert q1.label_en == "Q1 2026"
    assert (q1.cutoff_start, q1.cutoff_end) == (date(2025, 12, 15), date(2026, 3, 14))
    assert q1.deadline == end_of(HCM, 2026, 3, 20)
    assert q1.opens_at == at(HCM, 2025, 12, 21)
    assert must(current_period(QUARTERLY, at(HCM, 2026, 3, 21), HCM)).key == "2026-Q2"


def test_quarterly_labels_and_later_cutoffs() -> None:
    q3 = period_by_key(QUARTERLY, "2025-Q3", HCM)
    assert (q3.label_vi, q3.label_en) == ("quý III năm 2025", "Q3 2025")
    assert (q3.cutoff_start, q3.cutoff_end) == (date(2025, 6, 15), date(2025, 9, 14))
    q4 = period_by_key(QUARTERLY, "2025-Q4", HCM)
    assert (q4.cutoff_start, q4.cutoff_end) == (date(2025, 9, 15), date(2025, 12, 14))
    assert period_by_key(QUARTERLY, "2025-Q2", HCM).label_vi == "quý II năm 2025"
    assert period_by_key(QUARTERLY, "2025-Q4", HCM).label_vi == "quý IV năm 2025"
    spec_31 = PeriodSpec(kind="quarterly", deadlines=("31",))
    assert period_by_key(spec_31, "2026-Q2", HCM).deadline == end_of(HCM, 2026, 6, 30)


# --- annual ---------------------------------------------------------------------------------


def test_annual_period() -> None:
    year = must(current_period(ANNUAL, at(HCM, 2026, 12, 21, 8), HCM))
    assert year.key == "2027"
    assert (year.label_vi, year.label_en) == ("năm 2027", "year 2027")
    assert year.opens_at == at(HCM, 2026, 12, 21)
    assert year.deadline == end_of(HCM, 2027, 12, 20)
    assert (year.cutoff_start, year.cutoff_end) == (date(2026, 12, 15), date(2027, 12, 14))


def test_annual_29_february_falls_on_28_in_common_years() -> None:
    spec = PeriodSpec(kind="annual", deadlines=("29/02",))
    assert period_by_key(spec, "2027", HCM).deadline == end_of(HCM, 2027, 2, 28)
    assert period_by_key(spec, "2028", HCM).deadline == end_of(HCM, 2028, 2, 29)


# --- one-off --------------------------------------------------------------------------------


def test_one_off_exists_only_between_start_and_deadline() -> None:
    assert current_period(ONCE, at(HCM, 2026, 2, 28, 23, 59), HCM) is None
    period = must(current_period(ONCE, at(HCM, 2026, 3, 1), HCM))
    assert period.key == "once-20260320"
    assert period.label_vi == "đợt từ 01/03/2026 đến 20/03/2026"
    assert period.label_en == "period from 01/03/2026 to 20/03/2026"
    assert period.opens_at == at(HCM, 2026, 3, 1)
    assert period.deadline == end_of(HCM, 2026, 3, 20)
    assert (period.cutoff_start, period.cutoff_end) == (date(2026, 3, 1), date(2026, 3, 20))
    assert current_period(ONCE, end_of(HCM, 2026, 3, 20), HCM) == period
    assert current_period(ONCE, at(HCM, 2026, 3, 21), HCM) is None


def test_one_off_has_no_neighbours_and_one_key() -> None:
    now = at(HCM, 2026, 3, 10)
    assert must(period_at(ONCE, now, HCM, 0)).key == "once-20260320"
    assert period_at(ONCE, now, HCM, 1) is None
    assert period_at(ONCE, now, HCM, -1) is None
    assert period_by_key(ONCE, "once-20260320", HCM).deadline == end_of(HCM, 2026, 3, 20)
    with pytest.raises(KeyError):
        period_by_key(ONCE, "once-20260321", HCM)
    assert [
        p.key for p in periods_between(ONCE, at(HCM, 2026, 1, 1), at(HCM, 2027, 1, 1), HCM)
    ] == ["once-20260320"]
    assert periods_between(ONCE, at(HCM, 2026, 3, 21), at(HCM, 2027, 1, 1), HCM) == []


def test_one_off_on_a_single_day() -> None:
    spec = PeriodSpec(kind="one_off", deadlines=("05/05/2026",), start="05/05/2026")
    assert validate_period_spec(spec) == []
    assert must(current_period(spec, at(HCM, 2026, 5, 5, 12), HCM)).key == "once-20260505"


# --- keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [SIX, MONTHLY_20, MONTHLY_31, QUARTERLY, ANNUAL, ONCE])
def test_period_by_key_round_trips(spec: PeriodSpec) -> None:
    periods = periods_between(spec, at(HCM, 2025, 1, 1), at(HCM, 2028, 12, 31), HCM)
    assert periods
    for period in periods:
        assert period_by_key(spec, period.key, HCM) == period
        assert current_period(spec, period.deadline, HCM) == period
        assert current_period(spec, period.opens_at, HCM) == period


@pytest.mark.parametrize(
    ("spec", "key"),
    [
        (MONTHLY_20, "2025-13"),
        (MONTHLY_20, "2025-00"),
        (MONTHLY_20, "2025-7"),
        (MONTHLY_20, "2025-Q3"),
        (MONTHLY_20, "0000-01"),
        (QUARTERLY, "2025-Q5"),
        (QUARTERLY, "2025-07"),
        (SIX, "2025-H3"),
        (SIX, "2025"),
        (ANNUAL, "2025-H2"),
        (ANNUAL, "25"),
        (ANNUAL, ""),
        (ONCE, "2026"),
    ],
)
def test_malformed_or_foreign_keys_are_refused(spec: PeriodSpec, key: str) -> None:
    with pytest.raises(KeyError):
        period_by_key(spec, key, HCM)
    with pytest.raises(ValueError):
        period_by_key(spec, key, HCM)
    with pytest.raises(PeriodKeyError):
        period_by_key(spec, key, HCM)


# --- ranges ---------------------------------------------------------------------------------


def test_periods_between_over_two_years() -> None:
    start, end = at(HCM, 2026, 1, 1), end_of(HCM, 2027, 12, 31)
    assert [p.key for p in periods_between(SIX, start, end, HCM)] == [
        "2026-H1",
        "2026-H2",
        "2027-H1",
        "2027-H2",
    ]
    monthly = periods_between(MONTHLY_20, start, end, HCM)
    assert [p.key for p in monthly][:2] == ["2026-01", "2026-02"]
    assert len(monthly) == 24 and monthly[-1].key == "2027-12"
    assert [p.key for p in periods_between(QUARTERLY, start, end, HCM)] == [
        f"{year}-Q{q}" for year in (2026, 2027) for q in range(1, 5)
    ]
    assert [p.key for p in periods_between(ANNUAL, start, end, HCM)] == ["2026", "2027"]


def test_periods_between_bounds_are_inclusive_on_deadlines() -> None:
    deadline = end_of(HCM, 2026, 6, 20)
    assert [p.key for p in periods_between(SIX, deadline, deadline, HCM)] == ["2026-H1"]
    assert periods_between(SIX, deadline + US, end_of(HCM, 2026, 12, 20) - US, HCM) == []
    assert periods_between(SIX, at(HCM, 2027, 1, 1), at(HCM, 2026, 1, 1), HCM) == []


# --- time zones -----------------------------------------------------------------------------


def test_deadlines_are_local_ends_of_day_across_daylight_saving() -> None:
    january = period_by_key(MONTHLY_31, "2026-01", BERLIN)
    march = period_by_key(MONTHLY_31, "2026-03", BERLIN)
    assert wall(january.deadline, BERLIN) == datetime(2026, 1, 31, 23, 59, 59, 999999)
    assert wall(march.deadline, BERLIN) == datetime(2026, 3, 31, 23, 59, 59, 999999)
    assert january.deadline.utcoffset() == timedelta(hours=1)
    assert march.deadline.utcoffset() == timedelta(hours=2)
    assert march.deadline == datetime(2026, 3, 31, 21, 59, 59, 999999, tzinfo=UTC)
    # The same wall-clock deadline is a different instant in Hanoi.
    assert period_by_key(MONTHLY_31, "2026-03", HCM).deadline == datetime(
        2026, 3, 31, 16, 59, 59, 999999, tzinfo=UTC
    )


def test_deadline_on_the_days_clocks_change() -> None:
    spring = period_by_key(PeriodSpec(kind="monthly", deadlines=("29",)), "2026-03", BERLIN)
    assert spring.deadline == datetime(2026, 3, 29, 21, 59, 59, 999999, tzinfo=UTC)
    assert wall(spring.deadline, BERLIN) == datetime(2026, 3, 29, 23, 59, 59, 999999)
    autumn_spec = PeriodSpec(kind="monthly", deadlines=("25",))
    autumn = period_by_key(autumn_spec, "2026-10", BERLIN)
    assert autumn.deadline == datetime(2026, 10, 25, 22, 59, 59, 999999, tzinfo=UTC)
    november = period_by_key(autumn_spec, "2026-11", BERLIN)
    assert november.opens_at == datetime(2026, 10, 26, tzinfo=BERLIN)
    assert gap(november.opens_at, autumn.deadline) == US


def test_six_monthly_in_berlin_spans_the_autumn_change() -> None:
    second = must(current_period(SIX, datetime(2026, 11, 26, 10, tzinfo=BERLIN), BERLIN))
    assert second.key == "2026-H2"
    assert second.opens_at == datetime(2026, 6, 20, 22, tzinfo=UTC)
    assert second.deadline == datetime(2026, 12, 20, 22, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize("tz", [HCM, BERLIN, SANTIAGO, ZoneInfo("UTC")])
def test_local_deadline_days_and_tiling_in_several_zones(tz: ZoneInfo) -> None:
    spec = PeriodSpec(kind="monthly", deadlines=("5",))
    periods = periods_between(spec, at(tz, 2025, 1, 1), at(tz, 2027, 12, 31), tz)
    assert len(periods) == 36
    for period in periods:
        local = period.deadline.astimezone(tz)
        assert (local.day, local.hour, local.minute, local.microsecond) == (5, 23, 59, 999999)
        assert period.opens_at.astimezone(tz).day == 6
    for before, after in itertools.pairwise(periods):
        assert gap(after.opens_at, before.deadline) == US


def test_santiago_day_without_midnight_still_tiles() -> None:
    # Chile moved clocks from 00:00 to 01:00 on 06/09/2026: that day starts at 01:00.
    spec = PeriodSpec(kind="monthly", deadlines=("5",))
    october = period_by_key(spec, "2026-10", SANTIAGO)
    assert wall(october.opens_at, SANTIAGO) == datetime(2026, 9, 6, 1)
    assert gap(october.opens_at, period_by_key(spec, "2026-09", SANTIAGO).deadline) == US


def test_santiago_repeated_last_hour_belongs_to_the_deadline_day() -> None:
    # On 05/04/2025 Chile's clocks went from 24:00 back to 23:00: the day ends at the second
    # 23:59:59.999999, at 04:00 UTC, not an hour earlier. (A moment in a repeated hour never
    # equals one in another zone, so compare in UTC.)
    spec = PeriodSpec(kind="monthly", deadlines=("5",))
    april = period_by_key(spec, "2025-04", SANTIAGO)
    assert april.deadline.astimezone(UTC) == datetime(2025, 4, 6, 3, 59, 59, 999999, tzinfo=UTC)
    second_2330 = datetime(2025, 4, 6, 3, 30, tzinfo=UTC)
    assert wall(second_2330, SANTIAGO) == datetime(2025, 4, 5, 23, 30)
    assert april.contains(second_2330.astimezone(SANTIAGO))
    assert (
        must(current_period(april_spec := PeriodSpec("monthly", ("5",)), second_2330, SANTIAGO)).key
        == "2025-04"
    )
    assert must(current_period(april_spec, april.deadline + US, SANTIAGO)).key == "2025-05"


# --- shifting deadlines ---------------------------------------------------------------------


def test_shift_moves_weekend_deadlines_and_the_next_opening() -> None:
    # 20/06/2026 is a Saturday and 20/12/2026 a Sunday.
    first = period_by_key(SIX, "2026-H1", HCM, shift=next_working_day)
    assert first.deadline == end_of(HCM, 2026, 6, 22)
    second = period_by_key(SIX, "2026-H2", HCM, shift=next_working_day)
    assert second.opens_at == at(HCM, 2026, 6, 23)
    assert second.deadline == end_of(HCM, 2026, 12, 21)
    assert (second.cutoff_start, second.cutoff_end) == (date(2025, 12, 15), date(2026, 12, 14))
    sunday = at(HCM, 2026, 6, 21, 9)
    assert must(current_period(SIX, sunday, HCM)).key == "2026-H2"
    assert must(current_period(SIX, sunday, HCM, shift=next_working_day)).key == "2026-H1"
    assert must(period_at(SIX, sunday, HCM, 1, shift=next_working_day)).key == "2026-H2"
    shifted = periods_between(
        SIX, at(HCM, 2026, 12, 21), end_of(HCM, 2026, 12, 21), HCM, shift=next_working_day
    )
    assert [p.key for p in shifted] == ["2026-H2"]


def test_shift_applies_to_one_off_deadline_but_not_its_key() -> None:
    spec = PeriodSpec(kind="one_off", deadlines=("20/06/2026",), start="01/06/2026")
    period = must(current_period(spec, at(HCM, 2026, 6, 21, 9), HCM, shift=next_working_day))
    assert period.key == "once-20260620"
    assert period.deadline == end_of(HCM, 2026, 6, 22)
    assert current_period(spec, at(HCM, 2026, 6, 21, 9), HCM) is None


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        SIX,
        MONTHLY_20,
        MONTHLY_31,
        QUARTERLY,
        ANNUAL,
        ONCE,
        PeriodSpec(kind="monthly", deadlines=("29",)),
        PeriodSpec(kind="monthly", deadlines=("1",)),
        PeriodSpec(kind="annual", deadlines=("29/02",)),
        PeriodSpec(kind="annual", deadlines=("5/1",)),
    ],
)
def test_valid_specs_have_no_problems(spec: PeriodSpec) -> None:
    assert validate_period_spec(spec) == []


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        (PeriodSpec(kind="weekly", deadlines=("1",)), "unknown period kind 'weekly'"),
        (PeriodSpec(kind="monthly"), "exactly 1 deadline"),
        (PeriodSpec(kind="monthly", deadlines=("20", "25")), "got 2"),
        (PeriodSpec(kind="monthly", deadlines=("32",)), "from 1 to 31"),
        (PeriodSpec(kind="monthly", deadlines=("0",)), "from 1 to 31"),
        (PeriodSpec(kind="monthly", deadlines=("20/06",)), "day of the month"),
        (PeriodSpec(kind="quarterly", deadlines=("x",)), "day of the month"),
        (PeriodSpec(kind="six_monthly", deadlines=("20/06",)), "exactly 2 deadlines"),
        (PeriodSpec(kind="six_monthly", deadlines=("31/02", "20/12")), "'31/02' is not a real"),
        (PeriodSpec(kind="six_monthly", deadlines=("20/12", "20/06")), "calendar order"),
        (PeriodSpec(kind="six_monthly", deadlines=("20/06", "20/13")), "'20/13'"),
        (PeriodSpec(kind="annual", deadlines=("20",)), "(dd/mm)"),
        (PeriodSpec(kind="annual", deadlines=("31/04",)), "not a real day"),
        (PeriodSpec(kind="annual", deadlines=("20/12",), start="01/01/2026"), "'start' is only"),
        (PeriodSpec(kind="one_off", deadlines=("20/03/2026",)), "needs a start date"),
        (
            PeriodSpec(kind="one_off", deadlines=("20/03/2026",), start="2026-03-01"),
            "start '2026-03-01' is not a real date",
        ),
        (
            PeriodSpec(kind="one_off", deadlines=("30/02/2026",), start="01/02/2026"),
            "'30/02/2026' is not a real date",
        ),
        (
            PeriodSpec(kind="one_off", deadlines=("20/03/2026",), start="21/03/2026"),
            "start 21/03/2026 is after its deadline 20/03/2026",
        ),
        (PeriodSpec(kind="one_off", deadlines=(), start="21/03/2026"), "exactly 1 deadline"),
        (PeriodSpec(kind="monthly", deadlines="20"), "a list of texts"),  # type: ignore[arg-type]
        (PeriodSpec(kind="monthly", deadlines=(20,)), "20 must be a day"),  # type: ignore[arg-type]
    ],
)
def test_invalid_specs_are_explained(spec: PeriodSpec, fragment: str) -> None:
    problems = validate_period_spec(spec)
    assert problems
    assert any(fragment in problem for problem in problems), problems


def test_invalid_spec_is_refused_by_every_computation() -> None:
    bad = PeriodSpec(kind="six_monthly", deadlines=("31/02", "20/12"))
    now = at(HCM, 2026, 1, 1)
    with pytest.raises(ValueError, match="invalid period spec"):
        current_period(bad, now, HCM)
    with pytest.raises(ValueError, match="invalid period spec"):
        period_by_key(bad, "2026-H1", HCM)
    with pytest.raises(ValueError, match="invalid period spec"):
        periods_between(bad, now, now, HCM)


# --- cut-off gap ----------------------------------------------------------------------------


def test_plan_deadlines_leave_working_days_after_the_cutoff() -> None:
    assert cutoff_gap_warnings(SIX, 2026, HCM) == []
    assert cutoff_gap_warnings(QUARTERLY, 2026, HCM) == []
    assert cutoff_gap_warnings(ANNUAL, 2026, HCM) == []
    assert cutoff_gap_warnings(ONCE, 2026, HCM) == []


def test_deadline_the_day_after_the_cutoff_leaves_no_working_day() -> None:
    warnings = cutoff_gap_warnings(PeriodSpec(kind="monthly", deadlines=("15",)), 2026, HCM)
    assert len(warnings) == 12
    assert warnings[0].startswith("2026-01: no working day")
    assert "14/01/2026" in warnings[0] and "15/01/2026" in warnings[0]


def test_deadline_before_the_cutoff_end_is_flagged() -> None:
    warnings = cutoff_gap_warnings(PeriodSpec(kind="monthly", deadlines=("10",)), 2026, HCM)
    assert len(warnings) == 12
    assert "not after the end of the data cut-off 14/03/2026" in warnings[2]


def test_only_weekend_gaps_are_flagged() -> None:
    spec = PeriodSpec(kind="monthly", deadlines=("16",))
    # The 15th is a Saturday or Sunday in February, March, August and November 2026.
    flagged = [w.split(":")[0] for w in cutoff_gap_warnings(spec, 2026, HCM)]
    assert flagged == ["2026-02", "2026-03", "2026-08", "2026-11"]


def test_gap_check_uses_the_given_holidays_and_shift() -> None:
    spec = PeriodSpec(kind="six_monthly", deadlines=("16/06", "20/12"))
    assert cutoff_gap_warnings(spec, 2027, HCM) == []  # 15/06/2027 is a Tuesday
    holidays = {date(2027, 6, 15)}
    warnings = cutoff_gap_warnings(
        spec, 2027, HCM, is_working_day=lambda d: d.weekday() < 5 and d not in holidays
    )
    assert [w.split(":")[0] for w in warnings] == ["2027-H1"]
    # 16/06/2026 is a Tuesday and 15/06 a Monday; a shift that moves it a day later still passes.
    assert cutoff_gap_warnings(spec, 2026, HCM, shift=lambda d: d + timedelta(days=1)) == []
