"""The outbox: the only reader and writer of `outbox` rows.

Work that leaves the process later (a sheet row to rewrite) is queued in the same transaction
as the change that caused it, one row per (topic, key): queuing again bumps the row's sequence
number, so a worker that delivered an older sequence deletes the row only if nothing changed
meanwhile (`done`), and keeps it, counting the attempt, when delivery failed (`failed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from reportbot.store import sql
from reportbot.store.models import OutboxEntry

SHEET_TOPIC = "sheet"
MAX_ERROR_CHARS = 500

UPSERT_OUTBOX = (
    "INSERT INTO outbox (topic, key, payload, seq, attempts, due_at, created_at) "
    "VALUES (?, ?, '{}', 1, 0, ?, ?) ON CONFLICT (topic, key) DO UPDATE SET "
    "seq = outbox.seq + 1, due_at = excluded.due_at"
)
DELETE_DONE = "DELETE FROM outbox WHERE id = ? AND seq = ?"
MARK_FAILED = "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?"
MARK_FAILED_UNTIL = (
    "UPDATE outbox SET attempts = attempts + 1, last_error = ?, due_at = ? WHERE id = ?"
)


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One waiting row: its id, its sequence number when read, and its key."""

    entry_id: int
    seq: int
    key: str


def enqueue_row(topic: str, key: str, now: datetime | str) -> list[object]:
    """The parameters of UPSERT_OUTBOX for one entry (for `enqueue_many`; `now` may be the
    moment's parameter form, `SqlDialect.stamp`)."""
    return [topic, key, now, now]


async def enqueue_many(client: BaseDBAsyncClient, rows: Sequence[Sequence[object]]) -> None:
    """Queue several entries inside the caller's transaction `client` (the group writer)."""
    await sql.execute_many(UPSERT_OUTBOX, rows, client=client)


async def enqueue(
    topic: str, key: str, now: datetime, *, client: BaseDBAsyncClient | None = None
) -> None:
    """Queue (or bump) one entry; pass the transaction to queue it atomically with a change.

    Example, for a report reopened by a coordinator:
    `await outbox.enqueue(outbox.SHEET_TOPIC, str(submission_id), now, client=tx)`.
    """
    await sql.execute(UPSERT_OUTBOX, enqueue_row(topic, key, now), client=client)


async def pending(topic: str, now: datetime, limit: int) -> list[OutboxItem]:
    """The oldest entries of a topic that are due at `now`."""
    found = (
        await OutboxEntry.filter(topic=topic, due_at__lte=now)
        .order_by("id")
        .limit(limit)
        .values_list("id", "seq", "key")
    )
    return [OutboxItem(int(entry_id), int(seq), str(key)) for entry_id, seq, key in found]


async def drop(entry_id: int) -> None:
    """Delete one entry whatever its sequence (an entry that can never be delivered)."""
    await OutboxEntry.filter(id=entry_id).delete()


async def done(entries: Sequence[tuple[int, int]]) -> None:
    """Delete delivered entries (id, seq) whose sequence did not move since they were read."""
    await sql.execute_many(DELETE_DONE, [[entry_id, seq] for entry_id, seq in entries])


async def failed(entry_ids: Sequence[int], error: str, retry_at: datetime | None = None) -> None:
    """Keep these entries; count one more attempt and remember the (already safe) error.

    With `retry_at` they are not due again before then (one commune's failing spreadsheet
    waits out its pause while the other communes' entries are taken).
    """
    message = error[:MAX_ERROR_CHARS]
    if retry_at is None:
        await sql.execute_many(MARK_FAILED, [[message, entry_id] for entry_id in entry_ids])
        return
    rows = [[message, retry_at, entry_id] for entry_id in entry_ids]
    await sql.execute_many(MARK_FAILED_UNTIL, rows)


async def backlog(topic: str) -> int:
    """How many entries of a topic wait."""
    return await OutboxEntry.filter(topic=topic).count()


async def oldest(topic: str) -> datetime | None:
    """When the oldest waiting entry of a topic was first queued."""
    entry = await OutboxEntry.filter(topic=topic).order_by("created_at").first()
    return entry.created_at if entry else None


async def last_error(topic: str) -> tuple[str, int] | None:
    """The error of the most-tried waiting entry and its attempt count, if any failed."""
    entry = (
        await OutboxEntry.filter(topic=topic, attempts__gt=0).order_by("-attempts", "-id").first()
    )
    return (entry.last_error or "", entry.attempts) if entry else None


async def totals() -> tuple[int, datetime | None]:
    """Rows waiting in every topic, and when the oldest was first queued."""
    count = await OutboxEntry.all().count()
    entry = await OutboxEntry.all().order_by("created_at").first()
    return count, (entry.created_at if entry else None)


async def failures(topic: str) -> list[tuple[str, int, int]]:
    """The errors of a topic's waiting entries that failed: (error, entries, most attempts),
    the most tried first (one line per failing spreadsheet of the mirror)."""
    rows = await OutboxEntry.filter(topic=topic, attempts__gt=0).values_list(
        "last_error", "attempts"
    )
    found: dict[str, list[int]] = {}
    for error, attempts in rows:
        seen = found.setdefault(error or "", [0, 0])
        seen[0] += 1
        seen[1] = max(seen[1], int(attempts))
    ordered = sorted(found.items(), key=lambda item: (-item[1][1], item[0]))
    return [(error, count, attempts) for error, (count, attempts) in ordered]
