"""When each reminder of a period is due and who it is due for: pure computation, no I/O.

Every reminder of a period is a *slot*: a kind (`d-7`, `d-0`, `late-2`, `digest-before`...),
the moment it becomes due and the moment it stops being useful. A slot is *waiting* before it
is due, *active* while it is useful, and *expired* after. An active slot goes to whoever it is
still due for; an expired one that was never sent is recorded as skipped, so it is never sent
late (a bot that was down for days does not announce "3 days left" after the deadline).

Usefulness chains the slots of a period: a pre-deadline reminder stops being useful when the
next one is due or at the deadline, whichever comes first, so a bot that catches up sends only
the most recent reminder; an overdue reminder stops when the next overdue one is due.

Due moments are the morning (delivery start) of the day, moved to the next allowed time when
that falls on a rest day (Sunday by default), an official day off (Tết, 30/4, 1/5, 2/9...,
see `days_off`) or outside the delivery hours.

Only periods units owe have slots (`reportbot.owed`: the form was published before the
period's deadline), so a form published today reminds nobody of a period that ended before
it existed: the same rule as the officer's menu and /tinhhinh.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from reportbot.forms.schema import FormTemplate
from reportbot.owed import is_owed
from reportbot.periods import Period, periods_between
from reportbot.reminders.days_off import DaysOff
from reportbot.vocabulary.format import date_text, day_month_text

OFFICERS = "officers"
COORDINATORS = "coordinators"
DIGEST_BEFORE = "digest-before"
DIGEST_AFTER = "digest-after"

WAITING, ACTIVE, EXPIRED = "waiting", "active", "expired"

# Delivery row statuses (reminder_deliveries.status).
SENDING = "sending"  # claimed: the message may be on its way; never sent again
SENT = "sent"
FAILED = "failed"  # the connector reported a failure that may pass: retried while useful
UNDELIVERABLE = "undeliverable"  # refused for good (blocked bot, no reachable account)
SKIPPED = "skipped"  # no longer useful when it could have been sent: never sent

# No sane calendar has a year without a working day; past this the settings are wrong.
MAX_DAYS_SEARCHED = 366


def before_kind(days: int) -> str:
    """The kind of the reminder `days` days before the deadline ('d-0': the deadline day)."""
    return f"d-{days}"


def late_kind(number: int) -> str:
    """The kind of the `number`-th overdue reminder (1-based)."""
    return f"late-{number}"


@dataclass(frozen=True, slots=True)
class Policy:
    """When reminders go out. Defaults follow the plan; a template may override `days_before`."""

    days_before: tuple[int, ...] = (7, 3, 1, 0)
    overdue_every_days: int = 2
    overdue_limit: int = 5
    digest_before_days: int = 1
    digest_after_days: int = 1
    digest_after_useful: timedelta = timedelta(days=7)
    delivery_start: time = time(7, 30)
    delivery_end: time = time(20, 0)
    rest_weekdays: frozenset[int] = frozenset({6})  # Monday is 0: Sunday
    days_off: DaysOff = field(default_factory=DaysOff)  # official VN calendar + extra days
    catch_up_horizon: timedelta = timedelta(days=7)
    max_attempts: int = 3

    def __post_init__(self) -> None:
        if self.delivery_start >= self.delivery_end:
            raise ValueError("the delivery window must start before it ends")
        if len(self.rest_weekdays) >= 7:
            raise ValueError("at least one weekday must allow deliveries")


@dataclass(frozen=True, slots=True)
class Slot:
    """One reminder of one period of one form, for one audience."""

    form_key: str
    period: Period
    kind: str
    audience: str
    due_at: datetime
    expires_at: datetime

    def state(self, now: datetime) -> str:
        """'waiting', 'active' or 'expired' at `now`."""
        if now < self.due_at:
            return WAITING
        return ACTIVE if now < self.expires_at else EXPIRED

    @property
    def overdue(self) -> bool:
        """Whether the slot is an overdue reminder (sent after the deadline)."""
        return self.kind.startswith("late-")


@dataclass(frozen=True, slots=True)
class Recipient:
    """Someone a slot may go to: a person, their unit (officers) and locale."""

    person_id: int
    unit_id: int | None
    locale: str = "vi"
    # An officer of several units that all still owe the period: the others (one reminder
    # names every unit, since a reminder is sent once per person, form, period and kind).
    also: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """What reminder_deliveries already holds for (person, form, period, kind)."""

    id: int
    status: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Due:
    """One reminder to one person: to send now, or to record as skipped."""

    slot: Slot
    recipient: Recipient
    retry: DeliveryRow | None = None  # a failed row to claim again


@dataclass
class Plan:
    """What a run does: reminders to send now and expired ones to record as skipped."""

    send: list[Due] = field(default_factory=list)
    skip: list[Due] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Delivery hours


def is_rest_day(day: date, policy: Policy) -> bool:
    """Whether nothing is sent on `day`: a rest weekday or a day off."""
    return day.weekday() in policy.rest_weekdays or policy.days_off.is_off(day)


def is_deliverable(moment: datetime, policy: Policy, tz: tzinfo) -> bool:
    """Whether a message may be sent at `moment` (delivery hours, not a rest day or day off)."""
    local = moment.astimezone(tz)
    if is_rest_day(local.date(), policy):
        return False
    return policy.delivery_start <= local.time() < policy.delivery_end


def next_deliverable(moment: datetime, policy: Policy, tz: tzinfo) -> datetime:
    """`moment` if a message may be sent then, else the next moment one may (UTC)."""
    if is_deliverable(moment, policy, tz):
        return moment.astimezone(UTC)
    local = moment.astimezone(tz)
    day = local.date()
    if local.time() >= policy.delivery_end:
        day += timedelta(days=1)
    for _ in range(MAX_DAYS_SEARCHED):
        if not is_rest_day(day, policy):
            return _local(day, policy.delivery_start, tz)
        day += timedelta(days=1)
    raise ValueError(f"no working day in the {MAX_DAYS_SEARCHED} days after {date_text(local)}")


def _local(day: date, at: time, tz: tzinfo) -> datetime:
    # Normalising through UTC gives a real instant even where the wall clock skips an hour.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


# ---------------------------------------------------------------------------------------------
# Slots


def slots_for(template: FormTemplate, period: Period, policy: Policy, tz: tzinfo) -> list[Slot]:
    """Every reminder slot of one period of a form, in due order per audience."""
    deadline = period.deadline.astimezone(UTC)
    opens = period.opens_at.astimezone(UTC)
    day = period.deadline.astimezone(tz).date()

    def morning(offset_days: int) -> datetime:
        return next_deliverable(
            _local(day + timedelta(days=offset_days), policy.delivery_start, tz), policy, tz
        )

    days = template.reminders if template.reminders is not None else policy.days_before
    before = [
        (before_kind(n), due)
        for n in sorted(set(days), reverse=True)
        if (due := morning(-n)) >= opens  # nothing before the period opens (one-off forms)
    ]
    late = [
        (late_kind(k), morning(k * policy.overdue_every_days))
        for k in range(1, 1 + policy.overdue_limit)
    ]
    slots: list[Slot] = []
    for index, (kind, due) in enumerate(before):
        following = before[index + 1][1] if index + 1 < len(before) else deadline
        slots.append(_slot(template, period, kind, OFFICERS, due, min(following, deadline)))
    every = timedelta(days=policy.overdue_every_days)
    for index, (kind, due) in enumerate(late):
        following = late[index + 1][1] if index + 1 < len(late) else due + every
        slots.append(_slot(template, period, kind, OFFICERS, due, following))
    digest_before = morning(-policy.digest_before_days)
    if digest_before >= opens:
        slots.append(_slot(template, period, DIGEST_BEFORE, COORDINATORS, digest_before, deadline))
    digest_after = morning(policy.digest_after_days)
    slots.append(
        _slot(
            template,
            period,
            DIGEST_AFTER,
            COORDINATORS,
            digest_after,
            digest_after + policy.digest_after_useful,
        )
    )
    return slots


def _slot(
    template: FormTemplate,
    period: Period,
    kind: str,
    audience: str,
    due: datetime,
    expires: datetime,
) -> Slot:
    return Slot(template.key, period, kind, audience, due, expires)


def reach(template: FormTemplate, policy: Policy) -> tuple[timedelta, timedelta]:
    """How long before and after a deadline the slots of a period can matter."""
    days = template.reminders if template.reminders is not None else policy.days_before
    ahead = max([*days, policy.digest_before_days, 0]) + 2
    behind = (
        max(
            policy.overdue_every_days * (policy.overdue_limit + 1),
            policy.digest_after_days + policy.digest_after_useful.days + 1,
        )
        + 3
    )
    return timedelta(days=ahead), timedelta(days=behind) + policy.catch_up_horizon


def slots_in_view(
    templates: Iterable[FormTemplate],
    now: datetime,
    policy: Policy,
    tz: tzinfo,
    published: Mapping[str, datetime] | None = None,
) -> list[Slot]:
    """The slots a run at `now` must look at: due, and not expired before the horizon.

    `published` maps a form key to its first publication: periods not owed have no slots
    (a form missing from it, or None given, owes every period)."""
    slots: list[Slot] = []
    for template in templates:
        ahead, behind = reach(template, policy)
        for period in periods_between(template.period, now - behind, now + ahead, tz):
            if not _owed(template, period, published):
                continue
            for slot in slots_for(template, period, policy, tz):
                if slot.state(now) == WAITING:
                    continue
                if slot.expires_at < now - policy.catch_up_horizon:
                    continue
                slots.append(slot)
    return slots


def upcoming_slots(
    templates: Iterable[FormTemplate],
    now: datetime,
    policy: Policy,
    tz: tzinfo,
    periods: int = 2,
    published: Mapping[str, datetime] | None = None,
) -> list[Slot]:
    """Every slot of the owed periods still in view at `now` and of the next `periods` ones."""
    slots: list[Slot] = []
    for template in templates:
        _, behind = reach(template, policy)
        found = periods_between(template.period, now - behind, now + timedelta(days=800), tz)
        found = [p for p in found if _owed(template, p, published)]
        recent = [p for p in found if p.deadline < now]
        later = [p for p in found if p.deadline >= now][:periods]
        for period in [*recent, *later]:
            slots.extend(slots_for(template, period, policy, tz))
    return sorted(slots, key=lambda s: (s.due_at, s.form_key, s.kind))


def _owed(template: FormTemplate, period: Period, published: Mapping[str, datetime] | None) -> bool:
    return is_owed(period, None if published is None else published.get(template.key))


# ---------------------------------------------------------------------------------------------
# Who


def plan(
    slots: Sequence[Slot],
    audiences: Mapping[tuple[str, str, str], Sequence[Recipient]],
    deliveries: Mapping[tuple[str, str], Mapping[tuple[int, str], DeliveryRow]],
    now: datetime,
    policy: Policy,
    tz: tzinfo,
) -> Plan:
    """Decide which reminders to send now and which to record as skipped.

    `audiences[(form, period, audience)]` lists who a slot of that audience is for right now
    (the officers of units that must file and have not filed; the coordinators).
    `deliveries[(form, period)][(person, kind)]` is what was already claimed. Nothing is sent
    outside the delivery hours; expired slots are recorded as skipped at any hour.
    """
    result = Plan()
    open_now = is_deliverable(now, policy, tz)
    for slot in slots:
        state = slot.state(now)
        if state == WAITING or (state == ACTIVE and not open_now):
            continue
        recipients = audiences.get((slot.form_key, slot.period.key, slot.audience), ())
        rows = deliveries.get((slot.form_key, slot.period.key), {})
        for recipient in recipients:
            row = rows.get((recipient.person_id, slot.kind))
            if row is None:
                (result.send if state == ACTIVE else result.skip).append(Due(slot, recipient))
            elif row.status == FAILED and state == ACTIVE and row.attempts < policy.max_attempts:
                result.send.append(Due(slot, recipient, retry=row))
    return result


# ---------------------------------------------------------------------------------------------
# Shown to admins


def days_off_lines(
    slots: Sequence[Slot], policy: Policy, tz: tzinfo, locale: str = "vi"
) -> list[str]:
    """One line listing the days off inside a period's reminder window, if any.

    The window runs from the first reminder's planned day (before a day off moved it) to the
    last reminder's due day: the days off that explain why a reminder is later than planned.
    """
    if not slots:
        return []
    deadline_day = slots[0].period.deadline.astimezone(tz).date()
    starts = [slot.due_at.astimezone(tz).date() for slot in slots]
    for slot in slots:
        if slot.kind.startswith("d-") and slot.kind[2:].isdigit():
            starts.append(deadline_day - timedelta(days=int(slot.kind[2:])))
    last = max(slot.due_at for slot in slots).astimezone(tz).date()
    found = policy.days_off.between(min(starts), last)
    if not found:
        return []
    shown = ", ".join(f"{day_month_text(day)} {name}" for day, name in found)
    label = "days off" if locale == "en" else "ngày nghỉ"  # one language, like the CLI
    return [f"    {label.ljust(14)}{shown}"]
