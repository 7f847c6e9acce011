"""SQLite: a whole group-writer transaction in one trip to the database thread.

tortoise talks to SQLite through aiosqlite, which runs every statement in a thread of its own
and wakes the event loop with the result: a transaction of ten statements needs ten turns of
the event loop. Under load a turn takes milliseconds (it runs every ready callback first), so
a batch of webhook accepts waited on the loop far longer than on SQLite itself, and every
webhook's answer with it. Here the whole transaction (BEGIN, the writer's statements, COMMIT)
runs in that thread as one function call: the loop is free meanwhile and the transaction
lasts what SQLite needs.

The writer's code is shared with PostgreSQL: it is written against the transaction client's
`execute_query_dict` / `execute_query` / `execute_many` coroutines. `_Direct` offers the same
coroutines but runs each statement at once on the sqlite3 connection, so the writer's
coroutine never suspends and is driven to its end by `_drive` inside the database thread.

This reaches into tortoise's SQLite client (its connection and lock) and aiosqlite's queue
(`_execute`); `run` answers `UNSUPPORTED` when those are not found, and the writer then uses
an ordinary tortoise transaction.
"""

from __future__ import annotations

import asyncio
import collections
import sqlite3
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from tortoise import connections
from tortoise.exceptions import IntegrityError, OperationalError

T = TypeVar("T")
UNSUPPORTED: Any = object()
Body = Callable[[Any], Coroutine[Any, Any, T]]


class _Direct:
    """The transaction client's query methods, run at once on a sqlite3 connection (only
    ever inside the aiosqlite thread that owns it)."""

    def __init__(self, connection: sqlite3.Connection, capabilities: Any) -> None:
        self._connection = connection
        self.capabilities = capabilities

    async def execute_query_dict(self, query: str, values: list[Any] | None = None) -> list[dict]:
        """Rows as dicts, as tortoise's SQLite client returns them."""
        cursor = self._connection.execute(_clean(query), values or [])
        return [dict(row) for row in cursor.fetchall()]

    async def execute_query(
        self, query: str, values: list[Any] | None = None
    ) -> tuple[int, list[Any]]:
        """(rows changed, or rows read), and the rows, as tortoise's SQLite client returns."""
        before = self._connection.total_changes
        rows = self._connection.execute(_clean(query), values or []).fetchall()
        return (self._connection.total_changes - before) or len(rows), rows

    async def execute_many(self, query: str, values: list[list[Any]]) -> None:
        """One statement for each row of values."""
        self._connection.executemany(query, values)


def _clean(query: str) -> str:
    # What tortoise's SQLite client does to a NUL character in a statement.
    return query.replace("\x00", "'||CHAR(0)||'")


def _drive(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits (its awaits are `_Direct` calls) to its end."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("a SQLite batch waited on something other than the database")


def _transaction(connection: sqlite3.Connection, capabilities: Any, body: Body[T]) -> T:
    """In the database thread: BEGIN IMMEDIATE, the body, COMMIT (ROLLBACK if it raised).

    IMMEDIATE takes the write lock at once: a deferred transaction that reads first could
    fail to upgrade if another process (a CLI command) wrote meanwhile.
    """
    if connection.in_transaction:  # as tortoise's begin: end what is left open
        connection.commit()
    try:
        connection.execute("BEGIN IMMEDIATE")
        result = _drive(body(_Direct(connection, capabilities)))
        connection.commit()
    except sqlite3.IntegrityError as error:
        _rollback(connection)
        raise IntegrityError(error) from error
    except sqlite3.OperationalError as error:
        _rollback(connection)
        raise OperationalError(error) from error
    except BaseException:
        _rollback(connection)
        raise
    return result


def _rollback(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        connection.rollback()


async def run(connection_name: str, body: Body[T]) -> T:
    """Run `body(client)` in one SQLite transaction in the database thread; `UNSUPPORTED`
    when the connection is not tortoise's SQLite client as this module knows it."""
    client = connections.get(connection_name)
    if client.capabilities.dialect != "sqlite":
        return UNSUPPORTED  # type: ignore[no-any-return]
    lock = getattr(client, "_lock", None)
    if lock is None or not hasattr(client, "create_connection"):
        return UNSUPPORTED  # type: ignore[no-any-return]
    # The lock of every tortoise statement and transaction on SQLite, taken ahead of the
    # statements queued for it (first-contact reads, a registration's transaction): the
    # webhooks' accepts wait on the writer, and a hundred reads queued before it each cost a
    # turn of the event loop.
    await acquire_first(lock)
    try:
        await client.create_connection(with_db=True)  # (nothing when connected)
        threaded = getattr(client, "_connection", None)
        execute = getattr(threaded, "_execute", None)
        connection = getattr(threaded, "_connection", None)
        if execute is None or not isinstance(connection, sqlite3.Connection):
            return UNSUPPORTED  # type: ignore[no-any-return]
        return await execute(_transaction, connection, client.capabilities, body)  # type: ignore[no-any-return]
    finally:
        lock.release()


async def acquire_first(lock: asyncio.Lock) -> None:
    """Take `lock` ahead of the coroutines already waiting for it.

    asyncio.Lock wakes its waiters in arrival order; this waiter is put first. A lock that is
    free with nobody woken is taken at once. Written against asyncio.Lock's waiter deque
    (the same in Python 3.11 to 3.13); any other lock is acquired plainly.
    """
    waiters = getattr(lock, "_waiters", False)
    if type(lock) is not asyncio.Lock or waiters is False or not hasattr(lock, "_locked"):
        await lock.acquire()
        return
    if not lock.locked() and not any(not w.cancelled() for w in waiters or ()):
        await lock.acquire()  # free: taken without waiting
        return
    if waiters is None:
        waiters = lock._waiters = collections.deque()
    future = asyncio.get_running_loop().create_future()
    # First in line, yet behind a waiter already woken (it takes the lock when it runs).
    waiters.appendleft(future)
    try:
        try:
            await future
        finally:
            waiters.remove(future)
    except asyncio.CancelledError:
        if not lock.locked():
            lock._wake_up_first()  # type: ignore[attr-defined]
        raise
    lock._locked = True  # type: ignore[attr-defined]
