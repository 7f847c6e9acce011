"""The store's side of the mirror worker: outbox entries in, sheet rows and status out.

The conversation writer queues one outbox entry per submission (topic "sheet", key = the
submission id) in the same transaction as the answer; an edit bumps the entry's sequence.
This source reads those entries, builds the rows (answers decoded with the exact template
version they were given against, columns as the union of every version), computes the
status of the current period of every active form, and deletes an entry only if its
sequence did not move while the rows were being written.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from reportbot.conversation.stored_values import stored_values
from reportbot.conversation.values import format_value
from reportbot.forms.loader import template_from_definition
from reportbot.forms.repeats import sheet_cells, typed_entries
from reportbot.forms.schema import FormTemplate, Question, pick
from reportbot.mirror.calculated import calculation_columns
from reportbot.mirror.records import (
    ColumnSpec,
    FormLayout,
    MirrorBatch,
    RepeatLayout,
    SheetTarget,
    StatusRow,
    StatusSheet,
    SubmissionRecord,
)
from reportbot.mirror.repeat_sheets import count_column, record_entries, repeat_label
from reportbot.mirror.worker import PendingChange
from reportbot.owed import previous_owed
from reportbot.periods import Period, PeriodKeyError, current_period, period_by_key
from reportbot.store import outbox
from reportbot.store.forms import first_publications
from reportbot.store.kv import KeyValueStore
from reportbot.store.outbox import SHEET_TOPIC
from reportbot.store.queries import mirror as queries
from reportbot.store.queries.mirror import TemplateRow, UnitRow
from reportbot.store.queries.organisations import form_units
from reportbot.store.queries.reports import stored_answers
from reportbot.store.standing import standing

log = logging.getLogger(__name__)

MAILBOX = "sheet-mirror"  # key-value namespace of rebuild requests and their answers
REQUEST_KEY = "resync-request"
FILED = frozenset({"on_time", "late"})  # a status row's standings that count as filed


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StoreMirrorSource:
    """`MirrorSource` over the store (the database must be open)."""

    def __init__(
        self,
        tz: tzinfo | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.tz = tz or ZoneInfo("Asia/Ho_Chi_Minh")
        self.clock = clock
        self._templates: dict[int, FormTemplate] = {}

    # -- outbox ------------------------------------------------------------------------------

    async def pending(self, limit: int) -> list[PendingChange]:
        """The oldest due sheet entries; entries with a key that is not an id are dropped."""
        changes: list[PendingChange] = []
        for item in await outbox.pending(SHEET_TOPIC, self.clock(), limit):
            if item.key.isdigit():
                changes.append(PendingChange(item.entry_id, item.seq, int(item.key)))
            else:
                log.warning(
                    "sheet outbox entry %s has a bad key %r; dropped", item.entry_id, item.key
                )
                await outbox.drop(item.entry_id)
        return changes

    async def done(self, changes: Sequence[PendingChange]) -> None:
        """Delete delivered entries whose sequence is still the one that was delivered."""
        await outbox.done([(c.entry_id, c.seq) for c in changes])

    async def failed(
        self, changes: Sequence[PendingChange], error: str, retry_in: timedelta | None = None
    ) -> None:
        """Keep the entries; count the attempt and remember the (already safe) error; with
        `retry_in`, they are not taken again before that long on this source's clock."""
        retry_at = None if retry_in is None else self.clock() + retry_in
        await outbox.failed([c.entry_id for c in changes], error, retry_at)

    async def failures(self) -> list[tuple[str, int, int]]:
        """Each distinct error of the waiting entries: (error, entries, most attempts)."""
        return await outbox.failures(SHEET_TOPIC)

    async def backlog(self) -> int:
        """How many sheet changes wait."""
        return await outbox.backlog(SHEET_TOPIC)

    async def oldest(self) -> datetime | None:
        """When the oldest waiting change was queued."""
        return await outbox.oldest(SHEET_TOPIC)

    async def last_error(self) -> tuple[str, int] | None:
        """The error of the most-tried waiting entry and its attempt count, if any failed."""
        return await outbox.last_error(SHEET_TOPIC)

    # -- rows ----------------------------------------------------------------------------------

    async def _template(self, record: TemplateRow) -> FormTemplate:
        if record.id not in self._templates:
            self._templates[record.id] = template_from_definition(record.definition)
        return self._templates[record.id]

    async def _layouts(self, form_keys: set[str]) -> dict[str, FormLayout]:
        """Each form's columns: every version's questions, first version's order first."""
        records = await queries.template_versions(form_keys)
        columns: dict[str, dict[str, ColumnSpec]] = {}
        calcs: dict[str, dict[str, ColumnSpec]] = {}
        repeats: dict[str, dict[str, dict[str, ColumnSpec]]] = {}
        labels: dict[str, dict[str, str]] = {}
        titles: dict[str, str] = {}
        for record in records:
            template = await self._template(record)
            titles[record.key] = pick(template.title, "vi") or record.key
            known = columns.setdefault(record.key, {})
            for question in template.questions:
                if not question.answerable:
                    continue
                if question.repeat:  # its own worksheet, and a count column beside the cells
                    label = repeat_label(template, question.repeat)
                    labels.setdefault(record.key, {}).setdefault(question.repeat, label)
                    known.setdefault(question.repeat, count_column(question.repeat, label))
                    owned = repeats.setdefault(record.key, {}).setdefault(question.repeat, {})
                    _learn(owned, question, question.type)
                _learn(known, question, "text" if question.repeat else question.type)
            for spec in calculation_columns(template):  # after every question, see below
                calcs.setdefault(record.key, {}).setdefault(spec.question_id, spec)
        return {
            key: FormLayout(
                key,
                titles[key],
                _after(specs, calcs.get(key, {})),
                tuple(
                    RepeatLayout(name, labels[key][name], tuple(owned.values()))
                    for name, owned in repeats.get(key, {}).items()
                ),
            )
            for key, specs in columns.items()
        }

    def _period_label(self, template: FormTemplate, key: str) -> str:
        try:
            return period_by_key(template.period, key, self.tz).label_vi
        except (PeriodKeyError, ValueError):
            return key

    def _late(self, template: FormTemplate, submission: Any) -> bool:
        """Whether the report was first sent after its period's deadline (store.standing,
        the status tab's rule); False for a period key the form no longer reads."""
        try:
            deadline = period_by_key(template.period, submission.period_key, self.tz).deadline
        except (PeriodKeyError, ValueError):
            return False
        return standing(submission.status, submission.submitted_at, deadline) == "late"

    async def build_batch(self, submission_ids: Sequence[int]) -> MirrorBatch:
        """Rows of these submissions (those still existing), their layouts, current status."""
        ids = sorted(set(submission_ids))
        targets, sheet_of = await self._targets()
        submissions = await queries.submissions(ids)
        answers = await stored_answers(ids)
        records = []
        for submission in submissions:
            template = await self._template(submission.template)
            values = stored_values(
                template,
                answers.get(submission.id, {}),
                unit_code=submission.unit.code,
                unit_type=submission.unit.type,
                period_key=submission.period_key,
                sent=submission.submitted_at or submission.updated_at,
                tz=self.tz,
            )
            decoded, computed = values.answers, values.calculated
            entries = record_entries(template, decoded)  # each repeat's own worksheet
            if template.repeats:  # each repeated question: one cell joining its entries
                decoded = sheet_cells(template, typed_entries(template, decoded), _shown)
                decoded |= {name: len(rows) for name, rows in entries.items()}  # counts
            decoded = {**computed, **decoded}  # an answer wins over a same-named calculation
            records.append(
                SubmissionRecord(
                    submission_id=submission.id,
                    form_key=submission.form_key,
                    unit_code=submission.unit.code,
                    unit_name=submission.unit.name,
                    unit_type=submission.unit.type,
                    period_key=submission.period_key,
                    period_label=self._period_label(template, submission.period_key),
                    status=submission.status,
                    submitted_by=submission.submitted_by,
                    submitted_at=submission.submitted_at,
                    updated_at=submission.updated_at,
                    revision=submission.revision,
                    template_version=submission.template.version,
                    answers=decoded,
                    entries=entries,
                    sheet=sheet_of.get(submission.unit.organisation_id or 0, ""),
                    late=self._late(template, submission),
                )
            )
        layouts = await self._layouts({record.form_key for record in records})
        return MirrorBatch(
            tuple(layouts[key] for key in sorted(layouts)),
            tuple(records),
            await self.status(sheet_of),
            targets,
        )

    async def _targets(self) -> tuple[tuple[SheetTarget, ...], dict[int, str]]:
        """The communes with their own spreadsheet, and the key of each one's rows by
        organisation id (a unit of any other commune goes to the deployment's, key "")."""
        found = await queries.commune_sheets()
        targets = tuple(SheetTarget(c.code, c.name, c.sheet_id, c.workbook) for c in found)
        return targets, {c.organisation_id: c.code for c in found}

    async def full_batch(self) -> MirrorBatch:
        """Every submission, for `reportbot sheets resync`."""
        return await self.build_batch(await queries.all_submission_ids())

    # -- status -------------------------------------------------------------------------------

    async def status(self, sheet_of: dict[int, str] | None = None) -> tuple[StatusSheet, ...]:
        """The current period of every active form, and the previous one while a unit still
        owes it (as /tinhhinh shows them): each unit that must file, and how (`sheet_of`: the
        spreadsheet key of each commune with its own, by organisation id)."""
        now = self.clock()
        latest = await queries.latest_active_templates()
        units = await queries.all_units()
        published = await first_publications(sorted(latest))
        sheets = []
        for form_key, record in sorted(latest.items()):
            template = await self._template(record)
            for period in self._periods(template, published.get(form_key), now):
                sheet = await self._status_sheet(form_key, template, period, units, sheet_of or {})
                if period.deadline < now and all(r.status in FILED for r in sheet.rows):
                    continue  # a past period nobody owes any more
                sheets.append(sheet)
        return tuple(sheets)

    def _periods(
        self, template: FormTemplate, published_at: datetime | None, now: datetime
    ) -> list[Period]:
        """The current period, then the previous one if it is owed (reportbot.owed); none
        when there is no current period (a one-off form that is over), as in /tinhhinh."""
        try:
            current = current_period(template.period, now, self.tz)
            previous = previous_owed(template.period, published_at, now, self.tz)
        except ValueError:
            return []
        if current is None:
            return []
        return [current] if previous is None else [current, previous]

    async def _status_sheet(
        self,
        form_key: str,
        template: FormTemplate,
        period: Period,
        units: list[UnitRow],
        sheet_of: dict[int, str],
    ) -> StatusSheet:
        """Every unit that must file one period (active, of the form's types and
        publication), and any unit that reported on it whatever it has become since."""
        filed = await queries.period_filings(form_key, period.key)
        published = await form_units(form_key)  # None: every unit
        rows = []
        for unit in units:
            must = unit.active and template.applies_to(unit.type)
            if unit.id not in filed and not (must and (published is None or unit.id in published)):
                continue
            row = self._status_row(unit, filed.get(unit.id), period.deadline)
            sheet = sheet_of.get(unit.organisation_id or 0, "")
            rows.append(replace(row, sheet=sheet) if sheet else row)
        title = pick(template.title, "vi") or form_key
        return StatusSheet(
            form_key, title, period.key, period.label_vi, period.deadline, tuple(rows)
        )

    @staticmethod
    def _status_row(
        unit: UnitRow,
        filing: tuple[str, datetime | None, str | None] | None,
        deadline: datetime,
    ) -> StatusRow:
        if filing is None:
            return StatusRow(unit.code, unit.name, unit.type, "missing")
        status_name, submitted_at, who = filing
        status = standing(status_name, submitted_at, deadline)
        if status in ("on_time", "late"):
            return StatusRow(unit.code, unit.name, unit.type, status, submitted_at, who)
        return StatusRow(unit.code, unit.name, unit.type, "draft")


class ResyncMailbox:
    """Rebuild requests between processes, through the store's key-value state.

    `reportbot sheets resync`, finding the mirror lease held by the running bot, leaves a
    request; the bot's mirror takes it at its next flush, rebuilds, and leaves the answer
    under the request's id, which the command waits for.
    """

    def __init__(self) -> None:
        self.kv = KeyValueStore(MAILBOX)

    async def request(self) -> str:
        """Leave a request (replacing an unanswered one); return its id."""
        request_id = uuid.uuid4().hex
        await self.kv.set(REQUEST_KEY, json.dumps({"id": request_id}))
        return request_id

    async def take(self) -> str | None:
        """Claim the waiting request, if any; return its id."""
        text = await self.kv.get(REQUEST_KEY)
        if text is None or not await self.kv.delete(REQUEST_KEY):
            return None
        return str(json.loads(text).get("id", ""))[:40] or None

    async def answer(self, request_id: str, count: int | None, error: str | None) -> None:
        """Leave the outcome of a request for the process that asked."""
        await self.kv.set(
            f"resync-answer:{request_id}", json.dumps({"count": count, "error": error})
        )

    async def wait(
        self, request_id: str, timeout_s: float, poll_s: float = 0.25
    ) -> tuple[int | None, str | None] | None:
        """The (count, error) answer to a request, or None if none came within `timeout_s`."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        key = f"resync-answer:{request_id}"
        while True:
            text = await self.kv.get(key)
            if text is not None:
                await self.kv.delete(key)
                data = json.loads(text)
                return data.get("count"), data.get("error")
            if loop.time() >= deadline:
                return None
            await asyncio.sleep(poll_s)


def _shown(question: Question, value: Any) -> str:
    """One entry of a repeated question as officers read it (for the joined cell)."""
    return format_value(question, value, "vi")


def _learn(known: dict[str, ColumnSpec], question: Question, kind: str) -> None:
    """Add a question's column, or keep the first header (the column never moves) and learn
    the choices a later version added."""
    labels = {c.value: pick(c.label, "vi") for c in question.choices}
    old = known.get(question.id)
    if old is None:
        known[question.id] = ColumnSpec(
            question.id, pick(question.label, "vi") or question.id, kind, labels
        )
    else:
        known[question.id] = ColumnSpec(
            old.question_id, old.header_vi, kind, {**old.choice_labels, **labels}
        )


def _after(
    questions: dict[str, ColumnSpec], calculations: dict[str, ColumnSpec]
) -> tuple[ColumnSpec, ...]:
    """Question columns, then calculation columns (a name that is also a question keeps the
    question's column): a fresh sheet reads answers first, computed figures after."""
    extra = [spec for name, spec in calculations.items() if name not in questions]
    return (*questions.values(), *extra)
