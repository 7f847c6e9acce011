"""The reminder schedule as pure functions: due moments, delivery hours, usefulness, the plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from reportbot.forms.loader import load_yaml_template
from reportbot.forms.schema import FormTemplate, PeriodSpec
from reportbot.periods import period_by_key
from reportbot.reminders.schedule import (
    ACTIVE,
    COORDINATORS,
    DIGEST_AFTER,
    DIGEST_BEFORE,
    EXPIRED,
    FAILED,
    OFFICERS,
    SENT,
    WAITING,
    DeliveryRow,
    Policy,
    Recipient,
    is_deliverable,
    next_deliverable,
    plan,
    slots_for,
    slots_in_view,
)
from tests.conftest import NQ57

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = Policy()


def local(*args: int) -> datetime:
    """A Vietnam wall-clock moment as an aware UTC datetime."""
    return datetime(*args, tzinfo=TZ).astimezone(UTC)


def nq57() -> FormTemplate:
    template, issues = load_yaml_template(NQ57)
    assert template is not None, issues
    return template


def shown(slots) -> dict[str, str]:
    return {s.kind: s.due_at.astimezone(TZ).strftime("%a %d/%m %H:%M") for s in slots}


def test_default_schedule_of_the_first_half_of_2026() -> None:
    template = replace(nq57(), reminders=None)  # the defaults: 7, 3, 1 and 0 days before
    period = period_by_key(template.period, "2026-H1", TZ)
    slots = slots_for(template, period, POLICY, TZ)
    assert shown(slots) == {
        "d-7": "Sat 13/06 07:30",
        "d-3": "Wed 17/06 07:30",
        "d-1": "Fri 19/06 07:30",
        "d-0": "Sat 20/06 07:30",
        "late-1": "Mon 22/06 07:30",
        "late-2": "Wed 24/06 07:30",
        "late-3": "Fri 26/06 07:30",
        "late-4": "Mon 29/06 07:30",  # 28/06 is a Sunday
        "late-5": "Tue 30/06 07:30",
        DIGEST_BEFORE: "Fri 19/06 07:30",
        DIGEST_AFTER: "Mon 22/06 07:30",  # 21/06 is a Sunday
    }
    by_kind = {s.kind: s for s in slots}
    # Each pre-deadline reminder is useful until the next one is due; the last until the deadline.
    assert by_kind["d-7"].expires_at == by_kind["d-3"].due_at
    assert by_kind["d-0"].expires_at == period.deadline.astimezone(UTC)
    assert by_kind["late-1"].expires_at == by_kind["late-2"].due_at
    assert {s.audience for s in slots if s.kind.startswith("digest")} == {COORDINATORS}
    assert {s.audience for s in slots if not s.kind.startswith("digest")} == {OFFICERS}


def test_a_sunday_deadline_drops_the_deadline_day_reminder() -> None:
    template = nq57()
    period = period_by_key(template.period, "2026-H2", TZ)  # 20/12/2026 is a Sunday
    by_kind = {s.kind: s for s in slots_for(template, period, POLICY, TZ)}
    assert shown([by_kind["d-7"]]) == {"d-7": "Mon 14/12 07:30"}  # 13/12 is a Sunday too
    d0 = by_kind["d-0"]
    # Monday morning is after the deadline: never useful, so it is never sent.
    assert d0.due_at >= d0.expires_at
    assert d0.state(local(2026, 12, 21, 9, 0)) == EXPIRED
    assert by_kind["d-1"].expires_at == period.deadline.astimezone(UTC)


def test_the_template_reminder_days_override_the_defaults() -> None:
    template = replace(nq57(), reminders=(10, 2))
    period = period_by_key(template.period, "2026-H1", TZ)
    kinds = [s.kind for s in slots_for(template, period, POLICY, TZ) if s.audience == OFFICERS]
    assert kinds[:2] == ["d-10", "d-2"]
    assert "d-7" not in kinds and "d-0" not in kinds


def test_a_one_off_form_gets_no_reminder_before_it_opens() -> None:
    template = replace(
        nq57(), period=PeriodSpec("one_off", ("20/06/2026",), start="15/06/2026"), reminders=None
    )
    period = period_by_key(template.period, "once-20260620", TZ)
    kinds = {s.kind for s in slots_for(template, period, POLICY, TZ)}
    assert "d-7" not in kinds
    assert {"d-3", "d-1", "d-0", "late-1"} <= kinds


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 6, 19, 7, 29), local(2026, 6, 19, 7, 30)),  # Friday, too early
        (local(2026, 6, 19, 12, 0), local(2026, 6, 19, 12, 0)),  # Friday noon: now
        (local(2026, 6, 19, 20, 0), local(2026, 6, 20, 7, 30)),  # Friday 20:00: Saturday
        (local(2026, 6, 20, 21, 0), local(2026, 6, 22, 7, 30)),  # Saturday night: Monday
        (local(2026, 6, 21, 10, 0), local(2026, 6, 22, 7, 30)),  # Sunday: Monday
    ],
)
def test_next_deliverable_moment(moment: datetime, expected: datetime) -> None:
    assert next_deliverable(moment, POLICY, TZ) == expected
    assert is_deliverable(expected, POLICY, TZ)


def test_configured_delivery_hours_move_the_reminders() -> None:
    policy = Policy(
        delivery_start=time(8, 15), delivery_end=time(17, 0), rest_weekdays=frozenset({5, 6})
    )
    template = replace(nq57(), reminders=None)
    period = period_by_key(template.period, "2026-H1", TZ)
    assert shown(slots_for(template, period, policy, TZ))["d-7"] == "Mon 15/06 08:15"
    assert not is_deliverable(local(2026, 6, 15, 17, 0), policy, TZ)
    with pytest.raises(ValueError):
        Policy(delivery_start=time(20, 0), delivery_end=time(7, 30))


def test_slots_in_view_follow_the_clock() -> None:
    template = nq57()
    assert slots_in_view([template], local(2026, 6, 1, 9, 0), POLICY, TZ) == []
    states = {
        s.kind: s.state(local(2026, 6, 19, 9, 0))
        for s in slots_in_view([template], local(2026, 6, 19, 9, 0), POLICY, TZ)
    }
    assert states == {"d-7": EXPIRED, "d-3": EXPIRED, "d-1": ACTIVE, DIGEST_BEFORE: ACTIVE}
    assert WAITING not in states.values()


def test_plan_sends_what_is_due_and_skips_what_expired() -> None:
    template = nq57()
    now = local(2026, 6, 19, 9, 0)
    slots = slots_in_view([template], now, POLICY, TZ)
    a, b, c = Recipient(1, 10), Recipient(2, 20), Recipient(3, 30)
    boss = Recipient(9, None)
    audiences = {
        (template.key, "2026-H1", OFFICERS): [a, b, c],
        (template.key, "2026-H1", COORDINATORS): [boss],
    }
    deliveries = {
        (template.key, "2026-H1"): {
            (1, "d-7"): DeliveryRow(1, SENT, 1),
            (1, "d-3"): DeliveryRow(2, SENT, 1),
            (2, "d-1"): DeliveryRow(3, SENT, 1),
            (3, "d-1"): DeliveryRow(4, FAILED, 1),
        }
    }
    result = plan(slots, audiences, deliveries, now, POLICY, TZ)
    sent = {(d.recipient.person_id, d.slot.kind, d.retry is not None) for d in result.send}
    assert sent == {(1, "d-1", False), (3, "d-1", True), (9, DIGEST_BEFORE, False)}
    skipped = {(d.recipient.person_id, d.slot.kind) for d in result.skip}
    assert skipped == {(2, "d-7"), (2, "d-3"), (3, "d-7"), (3, "d-3")}


def test_plan_sends_nothing_at_night_or_on_sunday_but_still_skips() -> None:
    template = nq57()
    audiences = {(template.key, "2026-H1", OFFICERS): [Recipient(1, 10)]}
    night = local(2026, 6, 19, 21, 0)
    result = plan(slots_in_view([template], night, POLICY, TZ), audiences, {}, night, POLICY, TZ)
    assert result.send == []
    assert {d.slot.kind for d in result.skip} == {"d-7", "d-3"}
    sunday = local(2026, 6, 21, 10, 0)
    result = plan(slots_in_view([template], sunday, POLICY, TZ), audiences, {}, sunday, POLICY, TZ)
    assert result.send == []


def test_plan_gives_up_retrying_after_the_attempt_limit() -> None:
    template = nq57()
    now = local(2026, 6, 19, 9, 0)
    slots = [s for s in slots_in_view([template], now, POLICY, TZ) if s.kind == "d-1"]
    audiences = {(template.key, "2026-H1", OFFICERS): [Recipient(1, 10)]}
    rows = {(template.key, "2026-H1"): {(1, "d-1"): DeliveryRow(1, FAILED, POLICY.max_attempts)}}
    assert plan(slots, audiences, rows, now, POLICY, TZ).send == []
