"""Small durable values by key (table connector_state), with an update under a lock.

A `KeyValueStore` is scoped to a namespace (the table's `connector` column): a connector gets
its own through `ConnectorContext.kv`, and the bot keeps a few flags of its own ("group told",
an admin's template awaiting confirmation). Values are text (JSON when structured).

`update(key, fn)` reads, transforms and writes one value atomically across processes: inside
one transaction it first writes the row (a no-op UPDATE), which takes the row lock on
PostgreSQL and the database write lock on SQLite (what BEGIN IMMEDIATE would take), then reads
the value, awaits `fn` and writes its result before committing. A second caller, in this
process or another, waits for the first to commit and then sees the new value: this is what
lets exactly one process spend a single-use OAuth refresh token.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from reportbot.store import sql

Clock = Callable[[], datetime]
Transform = Callable[[str | None], Awaitable[str]]

LOCK_ROW = "UPDATE connector_state SET updated_at = updated_at WHERE connector = ? AND key = ?"
SELECT = "SELECT value, updated_at FROM connector_state WHERE connector = ? AND key = ?"
WRITE = "UPDATE connector_state SET value = ?, updated_at = ? WHERE connector = ? AND key = ?"
INSERT_IF_ABSENT = (
    "INSERT INTO connector_state (connector, key, value, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (connector, key) DO NOTHING RETURNING id"
)
UPSERT = (
    "INSERT INTO connector_state (connector, key, value, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (connector, key) DO UPDATE SET value = excluded.value, "
    "updated_at = excluded.updated_at"
)
DELETE = "DELETE FROM connector_state WHERE connector = ? AND key = ?"
MAX_KEY = 64  # the column's width
MAX_ATTEMPTS = 50  # collisions happen only while the key is being created


class _CreatedMeanwhile(Exception):
    """Another caller created the key while `update` found none: run the update again."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A stored value and when it was last written."""

    value: str
    updated_at: datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


class KeyValueStore:
    """Durable text values of one namespace; see the module docstring for `update`."""

    def __init__(self, namespace: str, *, clock: Clock = _utc_now) -> None:
        if not namespace or len(namespace) > 32:
            raise ValueError("namespace must be 1 to 32 characters")
        self.namespace = namespace
        self.clock = clock

    def _key(self, key: str) -> str:
        if not key or len(key) > MAX_KEY:
            raise ValueError(f"key must be 1 to {MAX_KEY} characters")
        return key

    async def entry(self, key: str) -> Entry | None:
        """The value of `key` and when it was written, or None."""
        found = await sql.rows(SELECT, [self.namespace, self._key(key)])
        if not found:
            return None
        value, updated_at = found[0]
        return Entry(str(value), sql.moment(updated_at) or self.clock())

    async def get(self, key: str) -> str | None:
        """The value of `key`, or None."""
        entry = await self.entry(key)
        return entry.value if entry else None

    async def set(self, key: str, value: str) -> None:
        """Write `value` under `key` (created or replaced)."""
        await sql.rows(UPSERT, [self.namespace, self._key(key), value, self.clock()])

    async def delete(self, key: str) -> bool:
        """Remove `key`; return whether it existed."""
        return bool(await sql.execute(DELETE, [self.namespace, self._key(key)]))

    async def claim_once(self, key: str, value: str = "1") -> bool:
        """Create `key` if absent; True for the one caller (in any process) that created it."""
        found = await sql.rows(
            INSERT_IF_ABSENT, [self.namespace, self._key(key), value, self.clock()]
        )
        return bool(found)

    async def update(self, key: str, fn: Transform, *, default: str | None = None) -> str:
        """Replace the value of `key` by `await fn(current)` atomically; return the new value.

        `fn` runs under the lock and gets None when the key is absent. With `default`, an
        absent key is first created with it, so `fn` always runs exactly once; without it, an
        absent key created by another caller at the same moment makes `fn` run again on the
        value that caller wrote. An exception from `fn` leaves the stored value unchanged.
        Give up (RuntimeError) after MAX_ATTEMPTS such collisions.
        """
        self._key(key)
        if default is not None:
            # Created outside the transaction: on PostgreSQL a conflicting INSERT inside it would
            # make the lock wait on the other creator for nothing.
            await self.claim_once(key, default)
        for _ in range(MAX_ATTEMPTS):
            with contextlib.suppress(_CreatedMeanwhile):
                return await self._update_once(key, fn)
        raise RuntimeError(f"key-value update of {self.namespace}/{key} kept conflicting")

    async def _update_once(self, key: str, fn: Transform) -> str:
        params = [self.namespace, key]
        async with in_transaction() as tx:
            locked = await sql.execute(LOCK_ROW, params, client=tx)
            if locked:
                found = await sql.rows(SELECT, params, client=tx)
                new = await fn(str(found[0][0]))
                await sql.execute(WRITE, [new, self.clock(), *params], client=tx)
                return new
            # No row to lock. Whatever a SELECT would see now was not locked by us (another
            # caller may be creating it): decide on "absent", and start again if the INSERT
            # finds that someone else created the key meanwhile.
            new = await fn(None)
            try:
                created = await sql.rows(INSERT_IF_ABSENT, [*params, new, self.clock()], client=tx)
            except IntegrityError as exc:  # pragma: no cover - ON CONFLICT makes this rare
                raise _CreatedMeanwhile from exc
            if not created:
                raise _CreatedMeanwhile
            return new
