"""Properties of the owed-periods rule, over random publication moments and clocks.

Whatever the moment a form was first published and whatever the clock shows: the current
period is owed, the previous one is owed exactly when the form existed by its deadline, the
officer's menu offers exactly the owed periods (to a unit that has filed nothing), and the
reminder schedule has slots only for owed periods.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.conversation.opening import report_options
from reportbot.conversation.state import ConversationState
from reportbot.conversation.turn import Turn
from reportbot.owed import is_owed, owed_periods
from reportbot.periods import current_period, period_at
from reportbot.reminders.schedule import Policy, slots_in_view
from tests.conftest import TZ
from tests.test_engine import MONTHLY_T, NQ57_T
from tests.test_periods_owed import Published

START = datetime(2025, 1, 1, tzinfo=TZ)
MOMENTS = st.integers(min_value=0, max_value=3 * 365 * 24 * 60).map(
    lambda minutes: START + timedelta(minutes=minutes)
)
POLICY = Policy()


@settings(max_examples=150, deadline=None)
@given(template=st.sampled_from([NQ57_T, MONTHLY_T]), a=MOMENTS, b=MOMENTS)
def test_the_current_period_is_owed_and_the_previous_only_if_the_form_existed(
    template, a: datetime, b: datetime
) -> None:
    published, now = min(a, b), max(a, b)
    spec = template.period
    current = current_period(spec, now, TZ)
    previous = period_at(spec, now, TZ, -1)
    owed = owed_periods(spec, published, now, TZ)
    assert current in owed
    assert (previous in owed) is (published <= previous.deadline)
    assert all(is_owed(period, published) for period in owed)


@settings(max_examples=60, deadline=None)
@given(a=MOMENTS, b=MOMENTS)
def test_the_menu_offers_exactly_the_owed_periods(a: datetime, b: datetime) -> None:
    published, now = min(a, b), max(a, b)
    bot = Published(now=now, published=published)
    options = report_options(Turn(ConversationState(), bot.env()))
    expected = [p.key for p in owed_periods(NQ57_T.period, published, now, TZ)]
    assert sorted(period for _, period in options) == sorted(expected)


@settings(max_examples=60, deadline=None)
@given(template=st.sampled_from([NQ57_T, MONTHLY_T]), a=MOMENTS, b=MOMENTS)
def test_reminders_have_slots_only_for_owed_periods(template, a: datetime, b: datetime) -> None:
    published, now = min(a, b), max(a, b)
    slots = slots_in_view([template], now, POLICY, TZ, {template.key: published})
    assert all(is_owed(slot.period, published) for slot in slots)
    # ...and nothing owed is left out: the same view without the rule, restricted to owed
    # periods, has the same slots.
    unfiltered = slots_in_view([template], now, POLICY, TZ)
    assert slots == [slot for slot in unfiltered if is_owed(slot.period, published)]
