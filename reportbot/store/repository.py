"""What the conversation service reads, with the in-process caches that keep answers fast.

One bot process serves a given chat identity, so it can keep people, conversation states and
each unit's reports in memory after the first read: the group committer writes every change,
and the service applies the same change to these caches only after the commit succeeded.
Unit caches expire after `UNIT_TTL` seconds so that changes made by another process (a
coordinator reopening a report from the command line) are seen soon.

With several worker processes (`shared=True`, `reportbot run --role worker`) a person's
messages may be handled by a different process each time, so conversation states are not
cached at all, and a unit's cached reports are checked against the stored row versions on
every read (one small query). The group writer's version check (`store.versions`) refuses a
step decided on an older report in any case: caches only save reads, they never decide.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from reportbot.conversation.session import (
    FormOffer,
    PersonInfo,
    SubmissionChange,
    SubmissionView,
    UnitInfo,
)
from reportbot.conversation.state import ConversationState as TypedState
from reportbot.conversation.state import as_state
from reportbot.conversation.values import decode_value
from reportbot.forms.calculation_types import calculations_of, decode_calculated
from reportbot.forms.schema import FormTemplate
from reportbot.store import forms as form_store
from reportbot.store import inbox, sql
from reportbot.store.models import (
    Person,
    PersonUnit,
    Unit,
)
from reportbot.store.person_rows import assemble_person, person_and_state
from reportbot.store.publication_watch import RECHECK_S, PublicationWatch
from reportbot.store.queries.organisations import publication_units
from reportbot.store.read_connection import FirstReads

UNIT_TTL = 30.0
UNIT_FORMS_LIMIT = 100_000  # cached form lists per unit (a province has a few thousand units)
PERSON_TTL = 60.0  # a role or unit changed from the command line is seen within a minute
RECENT_UPDATES = timedelta(days=2)
# Plain SQL for the reads of a step: a worker makes the first two on every step, one process
# on a person's first message and a unit's first report (the ORM costs more than the query).
STATE_DATA = "SELECT data FROM conversation_states WHERE person_id = ?"
UNIT_VERSIONS = "SELECT id, version FROM submissions WHERE unit_id = ?"
UNIT_SUBMISSIONS = (
    "SELECT id, form_key, period_key, template_id, status, revision, submitted_at, "
    "submitted_by_id, version, updated_at FROM submissions WHERE unit_id = ?"
)
# The same in one statement, for the read connection (a row per answer, or one for a report
# without answers).
UNIT_REPORTS = (
    "SELECT s.id, s.form_key, s.period_key, s.template_id, s.status, s.revision, "
    "s.submitted_at, s.submitted_by_id, s.version, s.updated_at, a.question_id, a.value "
    "FROM submissions s LEFT JOIN answers a ON a.submission_id = s.id "
    "WHERE s.unit_id = ? ORDER BY s.id"
)
SUBMISSION_ANSWERS = (
    "SELECT submission_id, question_id, value FROM answers WHERE submission_id IN ({})"
)


@dataclass(slots=True)
class _UnitReports:
    views: dict[tuple[str, str], SubmissionView]
    loaded_at: float
    writing: int = 0


class Repository:
    """Cached reads for the conversation path (forms published elsewhere are looked for at
    most every `recheck_s` seconds)."""

    def __init__(self, *, shared: bool = False, recheck_s: float = RECHECK_S) -> None:
        self.shared = shared
        self._people: dict[tuple[str, str], tuple[PersonInfo, float]] = {}
        self._states: dict[int, TypedState] = {}
        self._units: dict[int, _UnitReports] = {}
        self._templates: dict[int, FormTemplate] = {}
        self._forms: dict[str, FormOffer] | None = None
        self._warm_changes: int | None = None  # `form_store.changes()` of a set loaded at start
        self._published: dict[str, set[int]] = {}  # forms published for some communes only
        self._forms_lock = asyncio.Lock()
        # Forms published elsewhere (CLI, another worker); on the read connection on SQLite.
        self._watch = PublicationWatch(recheck_s, rows=self._rows)
        # (unit id, unit type) -> (the forms it was taken from, the unit's forms): valid while
        # `_forms` is that very dict (a reload after `forget_forms` makes a new one).
        self._unit_forms: dict[tuple[int, str], tuple[dict[str, FormOffer], dict[str, FormOffer]]]
        self._unit_forms = {}
        # First-contact reads on SQLite go through a connection of their own, so that they
        # never queue behind the group writer's batches (`store.read_connection`).
        self._first_reads = FirstReads()
        # Steps in flight per unit, and steps ended per unit: kept apart from the unit cache
        # (a unit dropped by `forget_unit` may still have a step in flight).
        self._in_flight: dict[int, int] = {}
        self._writes_ended: dict[int, int] = {}
        # forget_person calls so far (one counter for all: forgets are rare, it never grows)
        self._people_forgotten = 0

    async def start(self) -> None:
        """Open the read connection and load the forms before the first wave of messages."""
        await self._first_reads.get()
        changes = form_store.changes()  # before the load: a template stored during it counts
        # Not shared: `changes` counts this process's stores only (not another worker's).
        if self._forms is None and not self.shared:
            await self.forms()
            self._warm_changes = changes

    async def close(self) -> None:
        """Close the read connection (the repository opens it again if used after)."""
        await self._first_reads.close()

    async def _rows(self, statement: str, values: Sequence[object]) -> list[Sequence[Any]]:
        """A first-contact read: on the read connection when there is one."""
        reader = await self._first_reads.get()
        if reader is None:
            return await sql.rows(statement, values)
        return await reader.rows(statement, values)

    async def forms(self) -> dict[str, FormOffer]:
        """Latest active template of every form."""
        if self._warm_changes is not None:  # the set loaded at start, on its first use: loaded
            self._forms = self._forms if self._warm_changes == form_store.changes() else None
            self._warm_changes = None  # again if a template was stored since; then kept, as ever
        if self._forms is not None and await self._watch.changed():
            self._forms = None
        if self._forms is None:
            async with self._forms_lock:  # many officers arriving at once load it once
                if self._forms is None:
                    await self._watch.loading()
                    latest = await form_store.latest_templates()
                    since = await form_store.first_publications(list(latest))  # periods owed
                    forms = {k: FormOffer(t, rid, since.get(k)) for k, (rid, t) in latest.items()}
                    for offer in forms.values():
                        self._templates[offer.record_id] = offer.template
                    self._published = await publication_units()
                    self._forms = forms
        return self._forms

    def forget_forms(self) -> None:
        """Drop the form cache (after a template was stored)."""
        self._forms, self._warm_changes = None, None

    async def forms_for(self, unit: UnitInfo | None) -> dict[str, FormOffer]:
        """The forms a unit must file (a shared dict: do not change it)."""
        if unit is None:
            return {}
        forms = await self.forms()
        key = (unit.id, unit.type)
        known = self._unit_forms.get(key)
        if known is not None and known[0] is forms:
            return known[1]
        published = self._published
        mine = {
            form: offer
            for form, offer in forms.items()
            if offer.template.applies_to(unit.type)
            and (form not in published or unit.id in published[form])
        }
        if len(self._unit_forms) > UNIT_FORMS_LIMIT:  # units of stale loads
            self._unit_forms.clear()
        self._unit_forms[key] = (forms, mine)
        return mine

    async def template(self, record_id: int) -> FormTemplate:
        """A template version by record id (cached: versions never change)."""
        template = self._templates.get(record_id)
        if template is None:
            template = self._templates[record_id] = await form_store.template_by_record(record_id)
        return template

    async def person(self, platform: str, external_id: str) -> PersonInfo | None:
        """The person behind a platform identity, or None if not registered."""
        key = (platform, external_id)
        cached = self._people.get(key)
        if cached is not None and time.monotonic() - cached[1] < PERSON_TTL:
            return cached[0]
        # On SQLite this reads on the read connection, which sees every committed step but
        # none in flight. The state read is kept only for a person absent from `_states`, who
        # has no step in flight in this process: a step begins with `conversation()`, which
        # leaves the state in `_states`, and nothing removes it; whatever this process
        # committed for them is in `_states` too (`remember_state`). Several reads of one new
        # person keep the first to come back (the reader answers in arrival order). With
        # several workers (`shared`) the state is not read here: each step reads it again
        # (`conversation`), after the per-person claim that orders a person's steps across
        # processes; on PostgreSQL the pool gives every read its own connection anyway.
        forgotten = self._people_forgotten
        info, state = await person_and_state(
            platform, external_id, with_state=not self.shared, rows=self._rows
        )
        if info is None:
            return None
        if self._people_forgotten == forgotten:  # else it may predate the change
            self._people[key] = (info, time.monotonic())
        if not self.shared and info.id not in self._states:
            # Read with the person: their first step needs it (no second trip). A state
            # cached already is the newer one (this process writes every state it holds).
            self._states[info.id] = TypedState.from_dict(json.loads(state) if state else None)
        return info

    def forget_person(self, platform: str, external_id: str) -> None:
        """Drop a cached identity (after a role or unit change)."""
        self._people.pop((platform, external_id), None)
        self._people_forgotten += 1

    async def conversation(self, person_id: int) -> TypedState:
        """A person's typed conversation state (idle when they never talked)."""
        if not self.shared:  # a worker reads on every step: another may have moved it on
            cached = self._states.get(person_id)
            if cached is not None:
                return cached
        found = await sql.rows(STATE_DATA, [person_id])
        state = TypedState.from_dict(json.loads(found[0][0]) if found else None)
        if not self.shared:
            self._states[person_id] = state
        return state

    async def state(self, person_id: int) -> dict[str, Any]:
        """A person's conversation state in its stored dict shape (prefer `conversation`)."""
        return (await self.conversation(person_id)).to_dict()

    def remember_state(self, person_id: int, state: TypedState | dict[str, Any]) -> None:
        """Record a committed state."""
        self._states[person_id] = as_state(state)

    async def reports(self, unit_id: int) -> dict[tuple[str, str], SubmissionView]:
        """Every report of a unit, keyed by (form key, period key), with decoded answers."""
        entry = self._units.get(unit_id)
        fresh = entry is not None and (
            entry.writing > 0 or time.monotonic() - entry.loaded_at < UNIT_TTL
        )
        if entry is not None and fresh and self.shared and entry.writing == 0:
            fresh = await self._versions_match(unit_id, entry.views)
        if entry is not None and fresh:
            return entry.views
        writes = self._writes(unit_id)
        views = await self._load_reports(unit_id)
        if unit_id in self._units and self._units[unit_id].writing > 0:
            return self._units[unit_id].views  # a write began while loading: keep its view
        if writes[0] or self._writes(unit_id) != writes:
            # A step of this unit was in flight (a unit forgotten meanwhile), began or ended
            # while loading: the load may lack it (the read connection does not wait for the
            # writer). Not cached; a step decided on it is refused by the version check.
            return views
        self._units[unit_id] = _UnitReports(views, time.monotonic())
        return views

    def _writes(self, unit_id: int) -> tuple[int, int]:
        """(steps of the unit in flight, steps of the unit ended so far)."""
        return self._in_flight.get(unit_id, 0), self._writes_ended.get(unit_id, 0)

    async def _versions_match(
        self, unit_id: int, views: dict[tuple[str, str], SubmissionView]
    ) -> bool:
        """Whether the cached reports are those stored (same rows, same versions)."""
        stored = {(int(i), int(v)) for i, v in await sql.rows(UNIT_VERSIONS, [unit_id])}
        return stored == {(view.id, view.version) for view in views.values()}

    async def _report_rows(self, unit_id: int) -> tuple[list[Sequence[Any]], list[Sequence[Any]]]:
        """A unit's submission rows and their answer rows: on the read connection in one
        statement (one trip, one snapshot), else two statements on tortoise's connection."""
        reader = await self._first_reads.get()
        if reader is not None:
            joined = await reader.rows(UNIT_REPORTS, [unit_id])
            submissions = {row[0]: row[:10] for row in joined}  # in order, once each
            answers = [(row[0], row[10], row[11]) for row in joined if row[10] is not None]
            return list(submissions.values()), answers
        submissions = await sql.rows(UNIT_SUBMISSIONS, [unit_id])
        ids = [int(row[0]) for row in submissions]
        if not ids:
            return submissions, []
        return submissions, await sql.rows(SUBMISSION_ANSWERS.format(sql.marks(len(ids))), ids)

    async def _load_reports(self, unit_id: int) -> dict[tuple[str, str], SubmissionView]:
        views: dict[tuple[str, str], SubmissionView] = {}
        by_id: dict[int, SubmissionView] = {}
        submissions, answers = await self._report_rows(unit_id)
        for row in submissions:
            submission_id, form_key, period_key, template_id, status, revision = row[:6]
            submitted_at, submitted_by, version, updated_at = row[6:]
            view = SubmissionView(
                form_key=form_key,
                period_key=period_key,
                template=await self.template(int(template_id)),
                template_record_id=int(template_id),
                status=status,
                revision=int(revision),
                submitted_at=_utc(sql.moment(submitted_at)),
                submitted_by=None if submitted_by is None else int(submitted_by),
                id=int(submission_id),
                version=int(version),
                updated_at=_utc(sql.moment(updated_at)),
            )
            views[view.key] = view
            by_id[view.id] = view  # type: ignore[index]
        if by_id:
            for submission_id, question_id, value in answers:
                _load_answer(by_id[int(submission_id)], question_id, value)
        return views

    def begin_write(self, unit_id: int | None) -> None:
        """Mark a unit as having a write in flight (its cache must not be replaced)."""
        if unit_id is None:
            return
        self._in_flight[unit_id] = self._in_flight.get(unit_id, 0) + 1
        if unit_id in self._units:
            self._units[unit_id].writing += 1

    def end_write(self, unit_id: int | None) -> None:
        """Clear the in-flight mark set by begin_write."""
        if unit_id is None:
            return
        left = self._in_flight.pop(unit_id, 1) - 1
        if left > 0:
            self._in_flight[unit_id] = left
        self._writes_ended[unit_id] = self._writes_ended.get(unit_id, 0) + 1
        if unit_id in self._units:
            self._units[unit_id].writing -= 1

    def apply(
        self, unit_id: int | None, change: SubmissionChange, created_id: int | None, now: datetime
    ) -> None:
        """Apply a change committed at `now` to the cached view."""
        view = change.view
        if change.create:
            view.id = created_id
            if unit_id is not None and unit_id in self._units:
                self._units[unit_id].views[view.key] = view
        view.version += 1  # the writer bumped the stored row's version with this change
        view.answers.update(change.set_answers)
        view.calculated.update(change.set_calculated)
        for qid in change.clear_answers:
            view.answers.pop(qid, None)
        view.status = change.status or view.status
        view.revision = view.revision if change.revision is None else change.revision
        view.submitted_at = change.submitted_at or view.submitted_at
        view.submitted_by = change.submitted_by or view.submitted_by
        view.updated_at = now

    def forget_unit(self, unit_id: int | None) -> None:
        """Drop a unit's cached reports (after a failed write or an outside change)."""
        if unit_id is not None:
            self._units.pop(unit_id, None)
            # As a write that ended: a load overlapping the change is not cached (`reports`).
            self._writes_ended[unit_id] = self._writes_ended.get(unit_id, 0) + 1

    async def recent_updates(self, now: datetime) -> set[tuple[str, str]]:
        """Update ids processed recently, to recognise redeliveries after a restart."""
        return await inbox.recent_done(now - RECENT_UPDATES)


def _load_answer(view: SubmissionView, question_id: str, value: str) -> None:
    """One stored answer row into its report's view (a calculation's value apart)."""
    calculation = calculations_of(view.template).get(question_id)
    if calculation is not None:  # stored with the report, never an answer
        view.calculated[question_id] = decode_calculated(calculation, value)
        return
    question = view.template.question(question_id)
    view.answers[question_id] = decode_value(question, value, strict=False)


def _utc(moment: datetime | None) -> datetime | None:
    """A stored moment as the ORM gives it (aware, in UTC): SQLite's text may be naive."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _unit_info(unit: Unit) -> UnitInfo:
    return UnitInfo(unit.id, unit.code, unit.name, unit.type)


async def extra_units(person_id: int) -> list[Unit]:
    """The active units a person reports for besides the first (people.unit_id), by id."""
    links = await PersonUnit.filter(person_id=person_id, unit__active=True).select_related("unit")
    return sorted((link.unit for link in links), key=lambda unit: unit.id)


def person_info(person: Person, extra: Sequence[Unit] = ()) -> PersonInfo:
    """The engine's view of a person (the unit must be fetched already); `extra` are the
    units the person holds besides the first (`extra_units`)."""
    unit: Unit | None = person.unit
    first = _unit_info(unit) if unit else None
    others = [_unit_info(u) for u in extra]
    return assemble_person(person.id, person.name, person.role, person.locale, first, others)
