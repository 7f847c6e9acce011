"""Which periods a unit owes: the one rule of the officer's menu, /tinhhinh, reminders and
reports.

A period is owed only if the form existed before its deadline: a form published today does
not make every unit late ("quá hạn") for the period that ended last month. The previous
period stays owed (and overdue) in every view until the unit files it.

"Existed" is the form's first publication (`store.forms.first_publications`: its first
version, stored with the application's clock, or its first report if earlier). The callers:
the officer's menu (`conversation/opening.py`, through `FormOffer.published_at`), reminder
slots (`reminders/schedule.py`), `/tinhhinh` and the report files
(`coordination/reporting/status.py`).
The current period is always owed (it is published by now and its deadline is not yet
past), so views of the current period only, such as the sheet's status tab, agree as well.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from reportbot.periods import Period, Shift, current_period, period_at

if TYPE_CHECKING:
    from reportbot.forms.schema import PeriodSpec


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a naive datetime was given; pass an aware one (with a time zone)")
    return moment.astimezone(UTC)


def is_owed(period: Period, published_at: datetime | None) -> bool:
    """Whether units owe `period` of a form first published at `published_at` (None: a form
    whose publication time is unknown owes every period)."""
    if published_at is None:
        return True
    return _utc(published_at) <= _utc(period.deadline)


def is_overdue(period: Period, now: datetime) -> bool:
    """Whether the period's deadline has passed ("quá hạn") at `now`."""
    return _utc(now) > _utc(period.deadline)


def owed_periods(
    spec: PeriodSpec,
    published_at: datetime | None,
    now: datetime,
    tz: tzinfo,
    shift: Shift | None = None,
) -> list[Period]:
    """The periods a unit may file at `now`, oldest first: the previous period (overdue) when
    it is owed, then the current one. Whether the unit already filed is for the caller."""
    periods = [period_at(spec, now, tz, -1, shift), current_period(spec, now, tz, shift)]
    return [p for p in periods if p is not None and is_owed(p, published_at)]


def previous_owed(
    spec: PeriodSpec, published_at: datetime | None, now: datetime, tz: tzinfo
) -> Period | None:
    """The previous period if it is owed (the one a unit can still file late), else None."""
    period = period_at(spec, now, tz, -1)
    return period if period is not None and is_owed(period, published_at) else None
