"""Group commit: the conversation steps of every concurrent officer in one transaction.

SQLite serialises transactions, so one transaction per answer caps the bot at about a
thousand answers a second with long queues behind it. Here each step waits in a queue; one
writer task takes everything queued, writes it in a single transaction with a few
`executemany` statements, and only then releases the callers, so every reply still follows
the durable commit of its own answer. On PostgreSQL the same batching saves round trips.

The same transaction carries the other small writes of a burst: the inbox accepts of the
webhooks waiting for their answer (`accept`: the caller is released, and may acknowledge the
update, only after the commit) and plain rows such as delivery confirmations and "done" marks
(`execute`). One commit (one fsync on SQLite) then serves a whole burst instead of one per
webhook and one per confirmed reply.

Accepts have a lane of their own: the next batch is every queued accept alone, in a short
transaction, before any queued step work. A webhook then waits for at most the batch being
written and its own small commit, never behind a long batch of steps (the answer Zalo times).

A batch that fails is retried without mixing: the accepts together (a database that refuses
them fails them all: not stored, not acknowledged), then each step and row alone, so one bad
step fails alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from connectors.base import Incoming
from reportbot.conversation.session import SubmissionChange
from reportbot.conversation.state import ConversationState
from reportbot.conversation.values import encode_value
from reportbot.store import inbox, sql, sqlite_batch, storage_health
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
CLOSE_TIMEOUT_S = 30.0  # a stop waits this long for queued writes (confirmations, steps)


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


@dataclass(slots=True)
class _Accept:
    """An update to store in the inbox; `done` gets its status ('new' or the stored one)."""

    message: Incoming
    now: datetime
    done: asyncio.Future[str] = field(repr=False)


@dataclass(slots=True)
class _Rows:
    """One statement run for each of `rows` (a confirmation, a "done" mark)."""

    statement: str
    rows: list[list[Any]]
    done: asyncio.Future[None] = field(repr=False)


Item = StepWrite | _Accept | _Rows


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
    """Writes steps, inbox accepts and small rows in batches; each call returns once durable."""

    def __init__(self, connection_name: str = "default", *, max_batch: int = MAX_BATCH) -> None:
        self._connection_name = connection_name
        self._max_batch = max_batch
        self._accepts: deque[_Accept] = deque()  # the priority lane
        self._work: deque[StepWrite | _Rows] = deque()
        self._accepted_last = False  # the last batch was accepts: queued work goes next
        self._ready = asyncio.Event()  # something is queued
        self._idle = asyncio.Event()  # nothing queued and no batch being written
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.steps = 0

    async def commit(self, write: StepWrite) -> None:
        """Queue a step and wait until its transaction has committed (or failed)."""
        write.done = asyncio.get_running_loop().create_future()
        await self._submit(write)

    async def accept(self, message: Incoming, now: datetime) -> str:
        """Store an update in the inbox; return 'new', or its status when stored before.

        Raises `inbox.InboxUnavailable` when the database cannot take it (then it must not be
        acknowledged).
        """
        if not message.update_id:
            raise ValueError("only an update with an id can be accepted")
        return await self._submit(_Accept(message, now, asyncio.get_running_loop().create_future()))

    async def execute(self, statement: str, rows: list[list[Any]]) -> None:
        """Run `statement` (with '?' placeholders) for each row, in the next batch."""
        if rows:
            await self._submit(_Rows(statement, rows, asyncio.get_running_loop().create_future()))

    async def _submit(self, item: Item) -> Any:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="reportbot-group-commit")
        assert item.done is not None
        if isinstance(item, _Accept):
            self._accepts.append(item)
        else:
            self._work.append(item)
        self._idle.clear()
        self._ready.set()
        return await item.done

    async def close(self, timeout: float = CLOSE_TIMEOUT_S) -> None:
        """Finish queued work (the batch being written too), then stop the writer task."""
        if self._task is not None and not self._task.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), timeout)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        # Whatever is still queued was not written: its callers learn so, and a later use of
        # this writer starts from an empty queue.
        left = [*self._accepts, *self._work]
        self._accepts.clear()
        self._work.clear()
        self._ready, self._idle = asyncio.Event(), asyncio.Event()
        self._idle.set()
        for item in left:
            _settle(item, RuntimeError("the group writer was closed"))

    def _take(self) -> list[Item]:
        """The next batch: the queued accepts alone when there are any (a webhook waits on
        them), else the queued steps and rows; at most `max_batch` items. The lanes take
        turns when both wait, so a steady stream of webhooks never starves the steps."""
        accepts_first = self._accepts and not (self._accepted_last and self._work)
        lane: deque[Any] = self._accepts if accepts_first else self._work
        self._accepted_last = lane is self._accepts
        batch: list[Item] = []
        while lane and len(batch) < self._max_batch:
            batch.append(lane.popleft())
        return batch

    async def _run(self) -> None:
        while True:
            batch = self._take()
            if not batch:
                self._idle.set()
                self._ready.clear()
                await self._ready.wait()
                continue
            results: dict[int, object] | None = None
            try:
                results = await self._write(batch)
            except Exception:
                log.warning("group commit of %d items failed; retrying them apart", len(batch))
                results = await self._write_apart(batch)
            finally:  # closed in the middle (cancelled): nothing is known to be written
                closed = RuntimeError("the group writer was closed")
                for item in batch:
                    _settle(item, closed if results is None else results.get(id(item)))
            self.batches += 1
            self.steps += sum(isinstance(item, StepWrite) for item in batch)

    async def _write_apart(self, batch: list[Item]) -> dict[int, object]:
        """After a failed batch: the accepts together, then every other item alone."""
        results: dict[int, object] = {}
        accepts = [item for item in batch if isinstance(item, _Accept)]
        if accepts:
            try:
                results.update(await self._write(list(accepts)))
            except Exception as error:  # not stored: not acknowledged, the platform retries
                failure = inbox.InboxUnavailable(str(error) or type(error).__name__)
                results.update({id(item): failure for item in accepts})
        for item in batch:
            if isinstance(item, _Accept):
                continue
            try:
                results.update(await self._write([item]))
            except Exception as error:
                results[id(item)] = error
        return results

    async def _write(self, batch: list[Item]) -> dict[int, object]:
        """Write a batch in one transaction; return what each item gets (by `id()`): an
        accept its status; a refused step its exception (it wrote nothing: an update another
        process committed first, or a step decided on an older report, to be decided again
        on fresh data)."""
        body = functools.partial(self._write_body, batch)
        try:
            results = await sqlite_batch.run(self._connection_name, body)
            if results is sqlite_batch.UNSUPPORTED:  # PostgreSQL
                async with sql.transaction(self._connection_name) as tx:
                    results = await body(tx)
        except Exception as error:  # a full disk, a read-only file: /readyz says it
            storage_health.failed(error)
            raise
        storage_health.succeeded()
        return results  # type: ignore[no-any-return]

    async def _write_body(self, batch: list[Item], tx: BaseDBAsyncClient) -> dict[int, object]:
        """The statements of a batch inside transaction `tx` (awaiting nothing but `tx`: on
        SQLite it runs in the database's thread, see `sqlite_batch`)."""
        dialect = sql.dialect_of(tx)
        steps = [item for item in batch if isinstance(item, StepWrite)]
        accepts = [item for item in batch if isinstance(item, _Accept)]
        results: dict[int, object] = {}
        if accepts:
            found = await inbox.store_accepts(tx, [(a.message, a.now) for a in accepts])
            for item in accepts:
                key = (item.message.platform, item.message.update_id or "")
                results[id(item)] = found.get(key, "new")
        done = await inbox.handled_already(tx, [w.update for w in steps if w.update])
        for write in steps:
            if write.update in done:
                results[id(write)] = inbox.AlreadyHandled(write.update)
        rest = [w for w in steps if id(w) not in results]
        results.update(await stale_writes(tx, dialect, rest))
        await self._write_in(tx, dialect, [w for w in rest if id(w) not in results])
        for item in batch:
            if isinstance(item, _Rows):
                await tx.execute_many(dialect.sql(item.statement), item.rows)
        return results

    async def _write_in(
        self, tx: BaseDBAsyncClient, dialect: SqlDialect, batch: list[StepWrite]
    ) -> None:
        rows = _BatchRows()
        for write in batch:
            now = dialect.stamp(write.now)  # once per step, not once per row
            if write.change is not None:
                await _change_rows(tx, dialect, write, write.change, rows, now)
            if write.state is not None:
                data = write.state
                data = data.to_dict() if isinstance(data, ConversationState) else data
                rows.states.append([write.person_id, json.dumps(data), now])
            if write.update is not None:
                rows.updates.append(inbox.mark_done_row(write.update, now))
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
    now: datetime | str,
) -> None:
    """The rows of one report change; a new report is inserted now, for its id. `now` is the
    step's moment as a parameter (`SqlDialect.stamp`)."""
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
                now,
                now,
            ],
        )
        submission_id = write.created_id = inserted[0]["id"]
    # a calculation's value is an answer row under its name (names are unique across a
    # template's questions and calculations; its template says which)
    for qid, value in (*change.set_answers.items(), *change.set_calculated.items()):
        rows.upserts.append([submission_id, qid, encode_value(value), write.person_id, now])
    for qid in change.clear_answers:
        rows.deletes.append([submission_id, qid])
    rows.submissions.append(
        [
            change.status or view.status,
            change.revision if change.revision is not None else view.revision,
            change.submitted_at or view.submitted_at,
            change.submitted_by or view.submitted_by,
            now,
            submission_id,
        ]
    )
    rows.outbox.append(outbox_rows.enqueue_row(SHEET_TOPIC, str(submission_id), now))


def _settle(item: Item, result: object) -> None:
    if item.done is None or item.done.done():
        return
    if isinstance(result, BaseException):
        item.done.set_exception(result)
    elif isinstance(item, _Accept):
        item.done.set_result(str(result or "new"))
    else:
        item.done.set_result(None)
