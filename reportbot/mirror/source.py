"""The store's side of the mirror worker: outbox entries in, sheet rows and status out.

The conversation writer queues one outbox entry per submission (topic "sheet", key = the
submission id) in the same transaction as the answer; an edit bumps the entry's sequence.
This source reads those entries, builds the rows (answers decoded with the exact template
version they were given against, columns as the union of every version), computes the
status of the current period of every active form, and deletes an entry only if its
sequence did not move while the rows were being written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import connections

from reportbot.conversation.values import decode_value
from reportbot.forms.loader import template_from_definition
from reportbot.forms.schema import FormTemplate, pick
from reportbot.mirror.records import (
    ColumnSpec,
    FormLayout,
    MirrorBatch,
    StatusRow,
    StatusSheet,
    SubmissionRecord,
)
from reportbot.mirror.worker import PendingChange
from reportbot.periods import PeriodKeyError, current_period, period_by_key
from reportbot.store.models import (
    Answer,
    FormTemplateRecord,
    OutboxEntry,
    Submission,
    Unit,
)
from reportbot.store.standing import standing
from reportbot.store.writer import SHEET_TOPIC, SqlDialect

log = logging.getLogger(__name__)

DELETE_DONE = "DELETE FROM outbox WHERE id = ? AND seq = ?"
MARK_FAILED = "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?"
MAX_ERROR_CHARS = 500


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StoreMirrorSource:
    """`MirrorSource` over the database (tortoise must be initialised)."""

    def __init__(
        self,
        tz: tzinfo | None = None,
        *,
        clock: Callable[[], datetime] = _utc_now,
        connection_name: str = "default",
    ) -> None:
        self.tz = tz or ZoneInfo("Asia/Ho_Chi_Minh")
        self.clock = clock
        self._connection_name = connection_name
        self._templates: dict[int, tuple[FormTemplateRecord, FormTemplate]] = {}

    # -- outbox ------------------------------------------------------------------------------

    async def pending(self, limit: int) -> list[PendingChange]:
        """The oldest due sheet entries; entries with a key that is not an id are dropped."""
        rows = (
            await OutboxEntry.filter(topic=SHEET_TOPIC, due_at__lte=self.clock())
            .order_by("id")
            .limit(limit)
            .values_list("id", "seq", "key")
        )
        changes: list[PendingChange] = []
        for entry_id, seq, key in rows:
            if str(key).isdigit():
                changes.append(PendingChange(entry_id, seq, int(key)))
            else:
                log.warning("sheet outbox entry %s has a bad key %r; dropped", entry_id, key)
                await OutboxEntry.filter(id=entry_id).delete()
        return changes

    async def _execute_many(self, statement: str, rows: list[list[Any]]) -> None:
        connection = connections.get(self._connection_name)
        dialect = SqlDialect(connection.capabilities.dialect)
        await connection.execute_many(dialect.sql(statement), rows)

    async def done(self, changes: Sequence[PendingChange]) -> None:
        """Delete delivered entries whose sequence is still the one that was delivered."""
        if changes:
            await self._execute_many(DELETE_DONE, [[c.entry_id, c.seq] for c in changes])

    async def failed(self, changes: Sequence[PendingChange], error: str) -> None:
        """Keep the entries; count the attempt and remember the (already safe) error."""
        if changes:
            message = error[:MAX_ERROR_CHARS]
            await self._execute_many(MARK_FAILED, [[message, c.entry_id] for c in changes])

    async def backlog(self) -> int:
        """How many sheet changes wait."""
        return await OutboxEntry.filter(topic=SHEET_TOPIC).count()

    async def oldest(self) -> datetime | None:
        """When the oldest waiting change was queued."""
        entry = await OutboxEntry.filter(topic=SHEET_TOPIC).order_by("created_at").first()
        return entry.created_at if entry else None

    async def last_error(self) -> tuple[str, int] | None:
        """The error of the most-tried waiting entry and its attempt count, if any failed."""
        entry = (
            await OutboxEntry.filter(topic=SHEET_TOPIC, attempts__gt=0)
            .order_by("-attempts", "-id")
            .first()
        )
        return (entry.last_error or "", entry.attempts) if entry else None

    # -- rows ----------------------------------------------------------------------------------

    async def _template(self, record: FormTemplateRecord) -> FormTemplate:
        if record.id not in self._templates:
            self._templates[record.id] = (record, template_from_definition(record.definition))
        return self._templates[record.id][1]

    async def _layouts(self, form_keys: set[str]) -> dict[str, FormLayout]:
        """Each form's columns: every version's questions, first version's order first."""
        records = await FormTemplateRecord.filter(key__in=form_keys).order_by("key", "version")
        columns: dict[str, dict[str, ColumnSpec]] = {}
        titles: dict[str, str] = {}
        for record in records:
            template = await self._template(record)
            titles[record.key] = pick(template.title, "vi") or record.key
            known = columns.setdefault(record.key, {})
            for question in template.questions:
                if not question.answerable:
                    continue
                labels = {c.value: pick(c.label, "vi") for c in question.choices}
                old = known.get(question.id)
                if old is None:
                    header = pick(question.label, "vi") or question.id
                    known[question.id] = ColumnSpec(question.id, header, question.type, labels)
                else:  # keep the first header (the column never moves), learn new choices
                    merged = {**old.choice_labels, **labels}
                    known[question.id] = ColumnSpec(
                        old.question_id, old.header_vi, question.type, merged
                    )
        return {
            key: FormLayout(key, titles[key], tuple(specs.values()))
            for key, specs in columns.items()
        }

    def _period_label(self, template: FormTemplate, key: str) -> str:
        try:
            return period_by_key(template.period, key, self.tz).label_vi
        except (PeriodKeyError, ValueError):
            return key

    async def build_batch(self, submission_ids: Sequence[int]) -> MirrorBatch:
        """Rows of these submissions (those still existing), their layouts, current status."""
        ids = sorted(set(submission_ids))
        submissions = (
            await Submission.filter(id__in=ids).select_related("unit", "template", "submitted_by")
            if ids
            else []
        )
        answers: dict[int, list[tuple[str, str]]] = {}
        if ids:
            rows = await Answer.filter(submission_id__in=ids).values_list(
                "submission_id", "question_id", "value"
            )
            for submission_id, question_id, value in rows:
                answers.setdefault(submission_id, []).append((question_id, value))
        records = []
        for submission in submissions:
            template = await self._template(submission.template)
            decoded = {
                question_id: decode_value(template.question(question_id), value)
                for question_id, value in answers.get(submission.id, [])
            }
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
                    submitted_by=submission.submitted_by.name if submission.submitted_by else None,
                    submitted_at=submission.submitted_at,
                    updated_at=submission.updated_at,
                    revision=submission.revision,
                    template_version=submission.template.version,
                    answers=decoded,
                )
            )
        layouts = await self._layouts({record.form_key for record in records})
        return MirrorBatch(
            tuple(layouts[key] for key in sorted(layouts)),
            tuple(records),
            await self.status(),
        )

    async def full_batch(self) -> MirrorBatch:
        """Every submission, for `reportbot sheets resync`."""
        ids = await Submission.all().order_by("id").values_list("id", flat=True)
        return await self.build_batch(list(ids))

    # -- status -------------------------------------------------------------------------------

    async def status(self) -> tuple[StatusSheet, ...]:
        """The current period of every active form: each unit that must file, and how."""
        now = self.clock()
        latest: dict[str, FormTemplateRecord] = {}
        for record in await FormTemplateRecord.filter(active=True).order_by("key", "-version"):
            latest.setdefault(record.key, record)
        units = await Unit.filter(active=True).order_by("code")
        sheets = []
        for key, record in sorted(latest.items()):
            template = await self._template(record)
            try:
                period = current_period(template.period, now, self.tz)
            except ValueError:
                period = None
            if period is None:
                continue
            filed = {
                submission.unit_id: submission
                for submission in await Submission.filter(
                    form_key=key, period_key=period.key
                ).select_related("submitted_by")
            }
            rows = []
            for unit in units:
                if not template.applies_to(unit.type):
                    continue
                submission = filed.get(unit.id)
                rows.append(self._status_row(unit, submission, period.deadline))
            title = pick(template.title, "vi") or key
            sheets.append(
                StatusSheet(key, title, period.key, period.label_vi, period.deadline, tuple(rows))
            )
        return tuple(sheets)

    @staticmethod
    def _status_row(unit: Unit, submission: Submission | None, deadline: datetime) -> StatusRow:
        if submission is None:
            return StatusRow(unit.code, unit.name, unit.type, "missing")
        status = standing(submission.status, submission.submitted_at, deadline)
        if status in ("on_time", "late"):
            who = submission.submitted_by.name if submission.submitted_by else None
            return StatusRow(unit.code, unit.name, unit.type, status, submission.submitted_at, who)
        return StatusRow(unit.code, unit.name, unit.type, "draft")
