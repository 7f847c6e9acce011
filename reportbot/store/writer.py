"""Group commit: the conversation steps of every concurrent officer in one transaction.

SQLite serialises transactions, so one transaction per answer caps the bot at about a
thousand answers a second with long queues behind it. Here each step waits in a queue; one
writer task takes everything queued, writes it in a single transaction with a few
`executemany` statements, and only then releases the callers, so every reply still follows
the durable commit of its own answer. On PostgreSQL the same batching saves round trips.

A batch that fails is retried one step at a time, so one bad step fails alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from reportbot.conversation.session import SubmissionChange
from reportbot.conversation.state import ConversationState
from reportbot.conversation.values import encode_value
from reportbot.store import inbox
from reportbot.store import outbox as outbox_rows
from reportbot.store import replies as reply_rows
from reportbot.store.outbox import SHEET_TOPIC, UPSERT_OUTBOX
from reportbot.store.sql import SqlDialect
from reportbot.store.versions import stale_writes

# SHEET_TOPIC, UPSERT_OUTBOX and SqlDialect stay importable from here until every caller uses
# reportbot.store.outbox / reportbot.store.sql (coordination/reporting/reopen.py, owned by
# another change).
__all__ = ["SHEET_TOPIC", "UPSERT_OUTBOX", "GroupCommitter", "SqlDialect", "StepWrite"]

log = logging.getLogger(__name__)

MAX_BATCH = 2000


@dataclass(slots=True)
class StepWrite:
    """Everything one message changes, ready to be written."""

    person_id: int
    unit_id: int | None
    state: ConversationState | dict[str, Any] | None
    change: SubmissionChange | None
    update: tuple[str, str] | None
    now: datetime
    created_id: int | None = None
    done: asyncio.Future[None] | None = field(default=None, repr=False)
    replies: list[object] | None = None  # `replies.reply_row(...)`: kept until confirmed


INSERT_SUBMISSION = (
    "INSERT INTO submissions (form_key, template_id, unit_id, period_key, status, revision, "
    "version, created_by_id, created_at, updated_at) VALUES (?, ?, ?, ?, 'draft', 0, 0, ?, ?, ?) "
    "RETURNING id"
)
UPSERT_ANSWER = (
    "INSERT INTO answers (submission_id, question_id, value, answered_by_id, updated_at) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (submission_id, question_id) DO UPDATE SET "
    "value = excluded.value, answered_by_id = excluded.answered_by_id, "
    "updated_at = excluded.updated_at"
)
DELETE_ANSWER = "DELETE FROM answers WHERE submission_id = ? AND question_id = ?"
UPDATE_SUBMISSION = (
    "UPDATE submissions SET status = ?, revision = ?, submitted_at = ?, submitted_by_id = ?, "
    "updated_at = ?, version = version + 1 WHERE id = ?"
)
UPSERT_STATE = (
    "INSERT INTO conversation_states (person_id, data, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT (person_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at"
)


class GroupCommitter:
    """Writes steps in batches; `commit` returns once the step is durable."""

    def __init__(self, connection_name: str = "default", *, max_batch: int = MAX_BATCH) -> None:
        self._connection_name = connection_name
        self._max_batch = max_batch
        self._queue: asyncio.Queue[StepWrite] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.steps = 0

    def _connection(self) -> BaseDBAsyncClient:
        return connections.get(self._connection_name)

    async def commit(self, write: StepWrite) -> None:
        """Queue a step and wait until its transaction has committed (or failed)."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="reportbot-group-commit")
        write.done = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(write)
        await write.done

    async def close(self) -> None:
        """Finish queued work, then stop the writer task."""
        while not self._queue.empty() and self._task and not self._task.done():
            await asyncio.sleep(0)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                stale = await self._write(batch)
            except Exception:
                log.warning("group commit of %d steps failed; retrying one by one", len(batch))
                for write in batch:
                    try:
                        stale = await self._write([write])
                    except Exception as exc:
                        _settle(write, exc)
                    else:
                        _settle(write, stale.get(id(write)))
            else:
                for write in batch:
                    _settle(write, stale.get(id(write)))
            self.batches += 1
            self.steps += len(batch)

    async def _write(self, batch: list[StepWrite]) -> dict[int, Exception]:
        """Write a batch in one transaction; return the steps refused (by `id()`), which
        wrote nothing: an update another process committed first, or a step decided on an
        older report (to be decided again on fresh data)."""
        dialect = SqlDialect(self._connection().capabilities.dialect)
        async with in_transaction(self._connection_name) as tx:
            done = await inbox.handled_already(tx, [w.update for w in batch if w.update])
            refused: dict[int, Exception] = {
                id(w): inbox.AlreadyHandled(w.update) for w in batch if w.update in done
            }
            rest = [w for w in batch if id(w) not in refused]
            refused.update(await stale_writes(tx, dialect, rest))
            await self._write_in(tx, dialect, [w for w in rest if id(w) not in refused])
        return refused

    async def _write_in(
        self, tx: BaseDBAsyncClient, dialect: SqlDialect, batch: list[StepWrite]
    ) -> None:
        rows = _BatchRows()
        for write in batch:
            if write.change is not None:
                await _change_rows(tx, dialect, write, write.change, rows)
            if write.state is not None:
                data = write.state
                data = data.to_dict() if isinstance(data, ConversationState) else data
                rows.states.append([write.person_id, json.dumps(data), write.now])
            if write.update is not None:
                rows.updates.append(inbox.mark_done_row(write.update, write.now))
            if write.replies is not None:
                rows.owed.append(write.replies)
        for statement, values in rows.statements():
            if values:
                await tx.execute_many(dialect.sql(statement), values)
        await outbox_rows.enqueue_many(tx, rows.outbox)


@dataclass(slots=True)
class _BatchRows:
    """The rows of one batch, one list per statement (written in `statements` order)."""

    upserts: list[list[Any]] = field(default_factory=list)
    deletes: list[list[Any]] = field(default_factory=list)
    submissions: list[list[Any]] = field(default_factory=list)
    states: list[list[Any]] = field(default_factory=list)
    updates: list[list[Any]] = field(default_factory=list)
    owed: list[list[Any]] = field(default_factory=list)
    outbox: list[list[Any]] = field(default_factory=list)

    def statements(self) -> tuple[tuple[str, list[list[Any]]], ...]:
        """Each statement with its rows, in the order they run."""
        return (
            (UPSERT_ANSWER, self.upserts),
            (DELETE_ANSWER, self.deletes),
            (UPDATE_SUBMISSION, self.submissions),
            (UPSERT_STATE, self.states),
            (inbox.MARK_DONE, self.updates),
            (reply_rows.INSERT_REPLY, self.owed),
        )


async def _change_rows(
    tx: BaseDBAsyncClient,
    dialect: SqlDialect,
    write: StepWrite,
    change: SubmissionChange,
    rows: _BatchRows,
) -> None:
    """The rows of one report change; a new report is inserted now, for its id."""
    view = change.view
    submission_id = view.id
    if change.create:
        # execute_query_dict always fetches; execute_query drops RETURNING rows of an INSERT
        # on asyncpg.
        inserted = await tx.execute_query_dict(
            dialect.sql(INSERT_SUBMISSION),
            [
                view.form_key,
                view.template_record_id,
                write.unit_id,
                view.period_key,
                write.person_id,
                write.now,
                write.now,
            ],
        )
        submission_id = write.created_id = inserted[0]["id"]
    # a calculation's value is an answer row under its name (names are unique across a
    # template's questions and calculations; its template says which)
    for qid, value in (*change.set_answers.items(), *change.set_calculated.items()):
        rows.upserts.append([submission_id, qid, encode_value(value), write.person_id, write.now])
    for qid in change.clear_answers:
        rows.deletes.append([submission_id, qid])
    rows.submissions.append(
        [
            change.status or view.status,
            change.revision if change.revision is not None else view.revision,
            change.submitted_at or view.submitted_at,
            change.submitted_by or view.submitted_by,
            write.now,
            submission_id,
        ]
    )
    rows.outbox.append(outbox_rows.enqueue_row(SHEET_TOPIC, str(submission_id), write.now))


def _settle(write: StepWrite, error: BaseException | None) -> None:
    if write.done is None or write.done.done():
        return
    if error is None:
        write.done.set_result(None)
    else:
        write.done.set_exception(error)
