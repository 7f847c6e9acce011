"""Who has filed: for one form and period, every unit that must file and where it stands.

Only units that owe the period are listed as missing: a period is owed only if the form was
published before its deadline (`reportbot.owed`, the same rule as the officer's menu and the
reminders); for a period that is not owed only the units that reported anyway are listed.

A unit is in one of four buckets: filed on time, filed late (first submitted after the end of
the deadline day), drafting (a draft never sent), not started. A report reopened for changes
stays filed, with its last submitted answers, until it is sent again (marked "mở lại"). The
same rule (store.standing) as the coordinators' status sheet and the reminders' digest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from reportbot.conversation.parsing import fold
from reportbot.coordination.names import commune_labels
from reportbot.coordination.reporting.forms_seen import forms_seen
from reportbot.forms.schema import FormTemplate
from reportbot.owed import is_overdue, is_owed, previous_owed
from reportbot.periods import Period, current_period
from reportbot.store.forms import first_publications, first_published
from reportbot.store.queries.organisations import EVERYTHING, Scope, form_units
from reportbot.store.queries.reports import all_units, period_submissions
from reportbot.store.standing import standing
from reportbot.vocabulary.format import unit_in_commune

BUCKETS = ("on_time", "late", "drafting", "not_started")
FILED = frozenset({"on_time", "late"})

if TYPE_CHECKING:
    from reportbot.store.models import Submission


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """One unit's standing for one form and period."""

    unit_id: int
    code: str
    name: str
    type: str
    bucket: str
    submitted_at: datetime | None = None
    reopened: bool = False
    submission_id: int | None = None
    commune: str = ""  # named when the status spans several communes (a province's)

    @property
    def label(self) -> str:
        """The unit's name as lists show it: with its commune's at province level."""
        return unit_in_commune(self.name, self.commune)


@dataclass(slots=True)
class PeriodStatus:
    """Every unit that must file one form for one period, with its bucket."""

    form_key: str
    template: FormTemplate
    period: Period
    units: list[UnitStatus]  # in name order, diacritics aside (the same on every database)
    owed: bool = True  # False: the form was published after the deadline (nobody is missing)

    def counts(self) -> dict[str, int]:
        """Units per bucket, every bucket present."""
        found = Counter(unit.bucket for unit in self.units)
        return {bucket: found[bucket] for bucket in BUCKETS}

    def in_bucket(self, bucket: str) -> list[UnitStatus]:
        """The units of one bucket, in name order."""
        return [unit for unit in self.units if unit.bucket == bucket]

    @property
    def filed(self) -> int:
        """Units that submitted, on time or late (a reopened report included)."""
        return sum(1 for unit in self.units if unit.bucket in FILED)

    def filed_units(self) -> list[UnitStatus]:
        """The units whose report the figures are computed over, in name order."""
        return [unit for unit in self.units if unit.bucket in FILED]

    def by_type(self) -> dict[str, dict[str, int]]:
        """Bucket counts per unit type, in the order types first appear."""
        result: dict[str, dict[str, int]] = {}
        for unit in self.units:
            result.setdefault(unit.type, dict.fromkeys(BUCKETS, 0))[unit.bucket] += 1
        return result

    def overdue(self, now: datetime) -> bool:
        """Whether the deadline has passed."""
        return is_overdue(self.period, now)


_BUCKET_OF_STANDING = {
    "missing": "not_started",
    "draft": "drafting",
    "on_time": "on_time",
    "late": "late",
}


def bucket_of(submission: Submission | None, deadline: datetime) -> str:
    """The bucket of a unit given its submission (None: never started)."""
    if submission is None:
        return "not_started"
    return _BUCKET_OF_STANDING[standing(submission.status, submission.submitted_at, deadline)]


async def period_status(
    form_key: str,
    template: FormTemplate,
    period: Period,
    published_at: datetime | None = None,
    scope: Scope = EVERYTHING,
) -> PeriodStatus:
    """The standing of every active unit of `scope` the form applies to (and any unit of it
    that started it).

    When the period is not owed (the form's first publication, `published_at` or read from the
    store, came after its deadline) only the units that started a report are listed.
    """
    if published_at is None:
        published_at = await first_published(form_key)
    owed = is_owed(period, published_at)
    submissions = await period_submissions(form_key, period.key)
    published = await form_units(form_key)  # None: for every commune
    units: list[UnitStatus] = []
    for unit in sorted(await all_units(scope), key=lambda u: (fold(u.name), u.name)):
        submission = submissions.get(unit.id)
        must = owed and unit.active and template.applies_to(unit.type)
        if submission is None and not (must and (published is None or unit.id in published)):
            continue
        units.append(
            UnitStatus(
                unit_id=unit.id,
                code=unit.code,
                name=unit.name,
                type=unit.type,
                bucket=bucket_of(submission, period.deadline),
                submitted_at=submission.submitted_at if submission else None,
                reopened=submission is not None and submission.status == "reopened",
                submission_id=submission.id if submission else None,
            )
        )
    communes = await commune_labels((unit.unit_id for unit in units), scope)
    if communes:
        units = [replace(unit, commune=communes[unit.unit_id]) for unit in units]
        units.sort(key=lambda unit: (fold(unit.label), unit.label))
    return PeriodStatus(form_key, template, period, units, owed)


async def current_statuses(
    now: datetime, tz: tzinfo, scope: Scope = EVERYTHING
) -> list[tuple[PeriodStatus, PeriodStatus | None]]:
    """For each form: the current period's standing, and the previous period's when units owe
    it (the form was published before its deadline) and some unit has still not filed it;
    over the units of `scope`. Only forms published for a commune of `scope` are listed, and
    of those only the ones a unit of `scope` must file or has filed (never a "0/0")."""
    result: list[tuple[PeriodStatus, PeriodStatus | None]] = []
    forms = await forms_seen(scope)
    published = await first_publications(list(forms))
    for key, template in sorted(forms.items()):
        period = current_period(template.period, now, tz)
        if period is None:
            continue
        current = await period_status(key, template, period, published.get(key), scope)
        previous_period = previous_owed(template.period, published.get(key), now, tz)
        previous = None
        if previous_period is not None:
            previous = await period_status(
                key, template, previous_period, published.get(key), scope
            )
            if previous.filed == len(previous.units):
                previous = None
        if current.units or previous is not None:
            result.append((current, previous))
    return result
