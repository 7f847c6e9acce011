"""current_period / period_at are cached per local day: the cache moves on at local midnight,
per zone, per form version (its period spec), and for one-off periods too."""

from __future__ import annotations

from datetime import UTC, datetime

from reportbot.forms.schema import PeriodSpec
from reportbot.periods import current_period, period_at
from tests.test_periods import BERLIN, HCM, SIX, US, at, end_of, must


def test_cached_current_period_moves_on_at_local_midnight() -> None:
    # Warm the cache on the deadline day, then ask on the next day and back again.
    last = end_of(HCM, 2027, 6, 20)
    assert must(current_period(SIX, last, HCM)).key == "2027-H1"
    assert must(current_period(SIX, last + US, HCM)).key == "2027-H2"
    assert must(current_period(SIX, at(HCM, 2027, 6, 20, 8), HCM)).key == "2027-H1"
    assert must(period_at(SIX, last + US, HCM, -1)).key == "2027-H1"
    assert must(period_at(SIX, last, HCM, -1)).key == "2026-H2"


def test_cached_current_period_is_per_zone() -> None:
    # One instant, two local days: 17:30 UTC on 20/12 is still 20/12 in Berlin.
    moment = datetime(2027, 12, 20, 17, 30, tzinfo=UTC)
    assert must(current_period(SIX, moment, HCM)).key == "2028-H1"
    assert must(current_period(SIX, moment, BERLIN)).key == "2027-H2"


def test_cached_current_period_is_per_form_version() -> None:
    # A new version of the form moves the deadline: the same day falls in another period.
    later = PeriodSpec(kind="six_monthly", deadlines=("30/06", "31/12"))
    day = at(HCM, 2027, 6, 25, 9)
    assert must(current_period(SIX, day, HCM)).key == "2027-H2"
    assert must(current_period(later, day, HCM)).key == "2027-H1"
    assert must(current_period(SIX, day, HCM)).key == "2027-H2"


def test_cached_one_off_period_opens_and_closes_with_the_day() -> None:
    once = PeriodSpec(kind="one_off", deadlines=("20/03/2028",), start="01/03/2028")
    assert current_period(once, end_of(HCM, 2028, 2, 29), HCM) is None
    assert must(current_period(once, at(HCM, 2028, 3, 1), HCM)).key == "once-20280320"
    assert must(current_period(once, end_of(HCM, 2028, 3, 20), HCM)).key == "once-20280320"
    assert current_period(once, end_of(HCM, 2028, 3, 20) + US, HCM) is None
