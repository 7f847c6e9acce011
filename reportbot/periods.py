"""Reporting periods of a form: keys, labels, opening moments, deadlines and data cut-offs.

Pure functions over a form's `PeriodSpec`. The periods of a recurring form tile time: a period
opens the instant after the previous period's deadline and closes at the very end of its own
deadline day, on the local wall clock of the given time zone, so every instant belongs to
exactly one current period and filing on the deadline day is on time. Data cut-off windows
follow Decree 09/2019/NĐ-CP, art. 12 (see REFERENCE.md).

Deadlines are kept as configured. A `shift` callable (date -> date) can move each deadline day,
for example to the next working day; it must keep deadlines in order.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING

from reportbot.period_spec import KINDS, Rule, rule_of, validate_period_spec
from reportbot.vocabulary.format import date_text

if TYPE_CHECKING:
    from reportbot.forms.schema import PeriodSpec

# Kept importable from here: the loader and the tests name them as `reportbot.periods.*`.
__all__ = [
    "KINDS",
    "Period",
    "PeriodKeyError",
    "Shift",
    "current_period",
    "cutoff_gap_warnings",
    "is_weekday",
    "period_at",
    "period_by_key",
    "periods_between",
    "validate_period_spec",
]

Shift = Callable[[date], date]
"""Moves a configured deadline day, e.g. to the next working day."""

_ONE_DAY = timedelta(days=1)
_ONE_MICROSECOND = timedelta(microseconds=1)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ROMAN = ("I", "II", "III", "IV")
_KEY_RES = {
    "monthly": re.compile(r"(\d{4})-(\d{2})"),
    "quarterly": re.compile(r"(\d{4})-Q([1-4])"),
    "six_monthly": re.compile(r"(\d{4})-H([12])"),
    "annual": re.compile(r"(\d{4})"),
}
_MIN_YEAR, _MAX_YEAR = 2, 9998  # leaves room for the neighbouring periods' dates


class PeriodKeyError(KeyError, ValueError):
    """A period key that is malformed or does not name a period of the given form."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class Period:
    """One reporting period of a form: its stable key, labels, window and data cut-off."""

    key: str
    label_vi: str
    label_en: str
    opens_at: datetime
    deadline: datetime
    cutoff_start: date
    cutoff_end: date

    def label(self, locale: str) -> str:
        """Return the label in `locale` ('vi' or 'en'), Vietnamese for any other locale."""
        return self.label_en if locale == "en" else self.label_vi

    def contains(self, moment: datetime) -> bool:
        """Whether an aware moment lies in the period's window [opens_at, deadline]."""
        return _utc(self.opens_at) <= _utc(_aware(moment)) <= _utc(self.deadline)


# ---------------------------------------------------------------------------------------------
# Period arithmetic: recurring periods are numbered by an integer index n.


def _index_of(rule: Rule, day: date) -> int:
    if rule.kind == "monthly":
        return day.year * 12 + day.month - 1
    if rule.kind == "quarterly":
        return day.year * 4 + (day.month - 1) // 3
    if rule.kind == "six_monthly":
        return day.year * 2 + (0 if day.month <= 6 else 1)
    return day.year


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _deadline_day(rule: Rule, n: int) -> date:
    if rule.kind == "monthly":
        year, month0 = divmod(n, 12)
        return _clamped(year, month0 + 1, rule.days[0][0])
    if rule.kind == "quarterly":
        year, quarter0 = divmod(n, 4)
        return _clamped(year, quarter0 * 3 + 3, rule.days[0][0])
    if rule.kind == "six_monthly":
        year, half = divmod(n, 2)
        day, month = rule.days[half]
        return _clamped(year, month, day)
    day, month = rule.days[0]
    return _clamped(n, month, day)


def _cutoff(rule: Rule, n: int) -> tuple[date, date]:
    if rule.kind in ("monthly", "quarterly"):
        if rule.kind == "monthly":
            year, last0 = divmod(n, 12)
            span = 1
        else:
            year, quarter0 = divmod(n, 4)
            last0, span = quarter0 * 3 + 2, 3
        first_year, first0 = divmod(year * 12 + last0 - span, 12)
        return date(first_year, first0 + 1, 15), date(year, last0 + 1, 14)
    year, half = divmod(n, 2) if rule.kind == "six_monthly" else (n, 1)
    return date(year - 1, 12, 15), date(year, 6 if half == 0 else 12, 14)


def _key(rule: Rule, n: int) -> str:
    if rule.kind == "monthly":
        year, month0 = divmod(n, 12)
        return f"{year:04d}-{month0 + 1:02d}"
    if rule.kind == "quarterly":
        year, quarter0 = divmod(n, 4)
        return f"{year:04d}-Q{quarter0 + 1}"
    if rule.kind == "six_monthly":
        year, half = divmod(n, 2)
        return f"{year:04d}-H{half + 1}"
    return f"{n:04d}"


def _labels(rule: Rule, n: int) -> tuple[str, str]:
    if rule.kind == "monthly":
        year, month0 = divmod(n, 12)
        return f"tháng {month0 + 1} năm {year}", f"{_MONTHS_EN[month0]} {year}"
    if rule.kind == "quarterly":
        year, quarter0 = divmod(n, 4)
        return f"quý {_ROMAN[quarter0]} năm {year}", f"Q{quarter0 + 1} {year}"
    if rule.kind == "six_monthly":
        year, half = divmod(n, 2)
        if half == 0:
            return f"6 tháng đầu năm {year}", f"first half of {year}"
        # The plan's second-half report is its annual report.
        return f"năm {year}", f"year {year}"
    return f"năm {n}", f"year {n}"


def _parse_key(rule: Rule, key: str) -> int:
    pattern = _KEY_RES[rule.kind]
    match = pattern.fullmatch(key) if isinstance(key, str) else None
    if match is None:
        raise PeriodKeyError(f"{key!r} is not a {rule.kind} period key")
    year = int(match[1])
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise PeriodKeyError(f"period key {key!r} has a year out of range")
    if rule.kind == "monthly":
        month = int(match[2])
        if not 1 <= month <= 12:
            raise PeriodKeyError(f"period key {key!r} has no month {month}")
        return year * 12 + month - 1
    if rule.kind == "quarterly":
        return year * 4 + int(match[2]) - 1
    if rule.kind == "six_monthly":
        return year * 2 + int(match[2]) - 1
    return year


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime was given; pass an aware one (with a time zone)")
    return moment


def _utc(moment: datetime) -> datetime:
    # Python compares and subtracts datetimes sharing a tzinfo by wall clock, which is wrong
    # across a repeated or skipped hour; UTC makes every comparison absolute.
    return moment.astimezone(UTC)


def _start_of_day(day: date, tz: tzinfo) -> datetime:
    # Normalising through UTC gives the first real instant even where midnight is skipped.
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC).astimezone(tz)


def _end_of_day(day: date, tz: tzinfo) -> datetime:
    # One microsecond before the next local midnight: the last instant of the day even where
    # the wall clock repeats or skips an hour.
    return (_start_of_day(day + _ONE_DAY, tz).astimezone(UTC) - _ONE_MICROSECOND).astimezone(tz)


def _after(moment: datetime, tz: tzinfo) -> datetime:
    return (moment.astimezone(UTC) + _ONE_MICROSECOND).astimezone(tz)


def _deadline(rule: Rule, n: int, tz: tzinfo, shift: Shift | None) -> datetime:
    day = _deadline_day(rule, n)
    return _end_of_day(shift(day) if shift else day, tz)


def _build(rule: Rule, n: int, tz: tzinfo, shift: Shift | None) -> Period:
    label_vi, label_en = _labels(rule, n)
    cutoff_start, cutoff_end = _cutoff(rule, n)
    return Period(
        key=_key(rule, n),
        label_vi=label_vi,
        label_en=label_en,
        opens_at=_after(_deadline(rule, n - 1, tz, shift), tz),
        deadline=_deadline(rule, n, tz, shift),
        cutoff_start=cutoff_start,
        cutoff_end=cutoff_end,
    )


def _build_once(rule: Rule, tz: tzinfo, shift: Shift | None) -> Period:
    assert rule.start is not None and rule.end is not None
    window = f"từ {date_text(rule.start)} đến {date_text(rule.end)}"
    return Period(
        key=f"once-{rule.end:%Y%m%d}",
        label_vi=f"đợt {window}",
        label_en=f"period from {date_text(rule.start)} to {date_text(rule.end)}",
        opens_at=_start_of_day(rule.start, tz),
        deadline=_end_of_day(shift(rule.end) if shift else rule.end, tz),
        # No decree window for an ad-hoc report: the data run from start to deadline.
        cutoff_start=rule.start,
        cutoff_end=rule.end,
    )


def _current_index(rule: Rule, now: datetime, tz: tzinfo, shift: Shift | None) -> int:
    """The smallest index whose deadline is not before `now` (deadlines only grow with n)."""
    now = _utc(now)
    n = _index_of(rule, now.astimezone(tz).date())
    while _utc(_deadline(rule, n - 1, tz, shift)) >= now:
        n -= 1
    while _utc(_deadline(rule, n, tz, shift)) < now:
        n += 1
    return n


# ---------------------------------------------------------------------------------------------
# Public API


def current_period(
    spec: PeriodSpec, now: datetime, tz: tzinfo, shift: Shift | None = None
) -> Period | None:
    """Return the period whose window [opens_at, deadline] contains `now`.

    Recurring forms always have one; a one-off form has none before its start day or after
    its deadline. Raises ValueError for an invalid spec or a naive `now`.
    """
    return period_at(spec, now, tz, 0, shift)


def period_at(
    spec: PeriodSpec, now: datetime, tz: tzinfo, offset: int, shift: Shift | None = None
) -> Period | None:
    """Return the period `offset` steps from the current one (-1 previous, +1 next).

    A one-off form has no neighbours: any offset but 0 gives None. Cached per local day:
    periods open and close at local midnight, so every moment of a day has the same one.
    """
    rule = rule_of(spec)
    key = (rule, _aware(now).astimezone(tz).date(), tz, offset, shift)
    period = _ON_DAY.get(key, _UNSEEN)  # None is a result: no one-off period that day
    if period is _UNSEEN:
        if len(_ON_DAY) >= 4096:
            _ON_DAY.clear()
        period = _ON_DAY[key] = _period_from(rule, now, tz, offset, shift)
    return period


_ON_DAY: dict[tuple[Rule, date, tzinfo, int, Shift | None], Period | None] = {}  # period_at's
_UNSEEN = object()  # a key not cached yet (None is a cached result)


def _period_from(
    rule: Rule, now: datetime, tz: tzinfo, offset: int, shift: Shift | None
) -> Period | None:
    if rule.kind == "one_off":
        period = _build_once(rule, tz, shift)
        return period if offset == 0 and period.contains(now) else None
    return _build(rule, _current_index(rule, now, tz, shift) + offset, tz, shift)


def period_by_key(spec: PeriodSpec, key: str, tz: tzinfo, shift: Shift | None = None) -> Period:
    """Return the period a key names ('2025-H1', '2025-07', 'once-20261220', ...).

    Raises PeriodKeyError (both a KeyError and a ValueError) for a malformed key or one that
    belongs to another kind of form, and ValueError for an invalid spec. Cached: the same
    period is looked up on nearly every message.
    """
    return _period_by_key(spec, key, tz, shift)


@lru_cache(maxsize=4096)
def _period_by_key(spec: PeriodSpec, key: str, tz: tzinfo, shift: Shift | None) -> Period:
    rule = rule_of(spec)
    if rule.kind == "one_off":
        period = _build_once(rule, tz, shift)
        if key != period.key:
            raise PeriodKeyError(f"{key!r} is not this one-off form's period ({period.key})")
        return period
    return _build(rule, _parse_key(rule, key), tz, shift)


def periods_between(
    spec: PeriodSpec, start: datetime, end: datetime, tz: tzinfo, shift: Shift | None = None
) -> list[Period]:
    """Return every period whose deadline lies in [start, end], oldest first."""
    rule = rule_of(spec)
    start, end = _utc(_aware(start)), _utc(_aware(end))
    if start > end:
        return []
    if rule.kind == "one_off":
        period = _build_once(rule, tz, shift)
        return [period] if start <= _utc(period.deadline) <= end else []
    periods: list[Period] = []
    n = _current_index(rule, start, tz, shift)
    while _utc(_deadline(rule, n, tz, shift)) <= end:
        periods.append(_build(rule, n, tz, shift))
        n += 1
    return periods


def is_weekday(day: date) -> bool:
    """Monday to Friday: the default notion of a working day (public holidays not included)."""
    return day.weekday() < 5


def cutoff_gap_warnings(
    spec: PeriodSpec,
    year: int,
    tz: tzinfo,
    shift: Shift | None = None,
    is_working_day: Callable[[date], bool] = is_weekday,
) -> list[str]:
    """Warn about periods with a deadline in `year` but no working day after the data cut-off.

    Decree 09/2019 wants at least one working day strictly between the end of the cut-off
    window and the deadline. One-off forms have no decree window and are not checked.
    Raises ValueError for an invalid spec.
    """
    rule = rule_of(spec)
    if rule.kind == "one_off":
        return []
    first = datetime.combine(date(year, 1, 1), time.min, tzinfo=tz)
    last = datetime.combine(date(year, 12, 31), time.max, tzinfo=tz)
    warnings: list[str] = []
    for period in periods_between(spec, first, last, tz, shift):
        due = period.deadline.date()
        if due <= period.cutoff_end:
            warnings.append(
                f"{period.key}: the deadline {date_text(due)} is not after the end of the data "
                f"cut-off {date_text(period.cutoff_end)}"
            )
            continue
        between = range(1, (due - period.cutoff_end).days)
        if not any(is_working_day(period.cutoff_end + timedelta(days=i)) for i in between):
            warnings.append(
                f"{period.key}: no working day between the end of the data cut-off "
                f"{date_text(period.cutoff_end)} and the deadline {date_text(due)}; Decree 09/2019 "
                "asks for at least one"
            )
    return warnings


def only_period(spec: PeriodSpec, tz: tzinfo) -> Period:
    """The single period of a one-off form (the only kind without a current one)."""
    far = datetime(1900, 1, 1, tzinfo=tz), datetime(9000, 1, 1, tzinfo=tz)
    return periods_between(spec, far[0], far[1], tz)[0]
