"""Raw SQL, written once: the dialect of a connection and its placeholders.

Statements are written with '?' placeholders (SQLite's); PostgreSQL (asyncpg) wants $1, $2...
Every module of the store that writes SQL goes through `SqlDialect.sql` or `rows`/`execute`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connections
from tortoise.transactions import in_transaction

DEFAULT_CONNECTION = "default"
RELEASE_TIMEOUT_S = 5.0


class SqlDialect:
    """The few statements that differ between SQLite and PostgreSQL: placeholders."""

    def __init__(self, name: str) -> None:
        self.name = name

    def sql(self, statement: str) -> str:
        """Turn '?' placeholders into '$1, $2, ...' for PostgreSQL."""
        if self.name != "postgres":
            return statement
        parts = statement.split("?")
        out = [parts[0]]
        for number, part in enumerate(parts[1:], start=1):
            out.append(f"${number}{part}")
        return "".join(out)

    def stamp(self, moment: datetime) -> datetime | str:
        """A moment as a statement's parameter. On SQLite its text, formatted here once: the
        very text tortoise's adapter (`isoformat(" ")`) would write for the datetime, which
        sqlite3 would otherwise call again for every row that repeats it (a step's moment
        goes into four to six rows). PostgreSQL's driver takes the datetime itself."""
        return moment if self.name == "postgres" else moment.isoformat(" ")


def connection(name: str = DEFAULT_CONNECTION) -> BaseDBAsyncClient:
    """The tortoise connection `name` (tortoise must be initialised)."""
    return connections.get(name)


def transaction(name: str = DEFAULT_CONNECTION) -> Any:
    """A transaction on connection `name` (an async context manager giving the client)."""
    return _Transaction(name)


class _Transaction:
    """tortoise's `in_transaction`, except that a failure while opening leaves nothing behind.

    tortoise takes a pooled connection and makes it the task's current one *before* BEGIN; if
    BEGIN fails (a statement timeout while PostgreSQL is frozen) it neither resets that nor
    releases the connection. The task then stays inside a phantom transaction: every later
    transaction of a long-lived task (the inbox batcher, the group writer) became a savepoint in
    it and nothing was committed again after the database came back (drills/crash.py
    --fault pg-freeze).
    """

    __slots__ = ("_inner",)

    def __init__(self, name: str) -> None:
        self._inner = in_transaction(name)

    async def __aenter__(self) -> Any:
        try:
            return await self._inner.__aenter__()
        except BaseException:
            await _abandon(self._inner)
            raise

    async def __aexit__(self, exc_type: Any, exc: Any, traceback: Any) -> Any:
        try:
            return await self._inner.__aexit__(exc_type, exc, traceback)
        except BaseException:
            # tortoise resets the task's connection only after releasing it to the pool; when
            # the release fails (the server went away mid-transaction) the reset is skipped.
            _reset(self._inner)
            raise


def _reset(context: Any) -> None:
    """Make the task leave the transaction's connection (once: a second reset is refused)."""
    token = getattr(context, "token", None)
    if token is not None:
        with contextlib.suppress(Exception):
            get_connections().reset(token)


async def _abandon(context: Any) -> None:
    """Undo what a transaction that failed to open set up: the task's connection, the pool's."""
    if getattr(context, "token", None) is None:
        return  # failed before taking a connection: nothing to undo
    _reset(context)
    client = getattr(context, "client", None)
    proxy = getattr(client, "_connection", None)
    pool = getattr(getattr(client, "_parent", None), "_pool", None)
    if proxy is None or pool is None:
        return
    with contextlib.suppress(Exception):
        proxy.terminate()  # in an unknown state (BEGIN may run later): never reuse it
    with contextlib.suppress(Exception):
        await asyncio.wait_for(pool.release(proxy), RELEASE_TIMEOUT_S)


def dialect_of(client: BaseDBAsyncClient) -> SqlDialect:
    """The dialect of a connection or transaction."""
    return SqlDialect(client.capabilities.dialect)


def dialect(name: str = DEFAULT_CONNECTION) -> str:
    """The SQL dialect of a connection: 'sqlite' or 'postgres'."""
    return connection(name).capabilities.dialect


def marks(count: int) -> str:
    """'?, ?, ?' for an IN list of `count` values."""
    return ", ".join("?" for _ in range(count))


async def rows(
    statement: str, values: Sequence[object] = (), *, client: BaseDBAsyncClient | None = None
) -> list[Sequence[Any]]:
    """Run a statement written with '?' placeholders; return its rows (RETURNING too) as tuples.

    Column names must be distinct: rows are fetched as dicts (tortoise's asyncpg client drops
    the rows of an INSERT ... RETURNING unless they are fetched this way).
    """
    db = client or connection()
    found = await db.execute_query_dict(dialect_of(db).sql(statement), list(values))
    return [tuple(row.values()) for row in found]


async def execute(
    statement: str, values: Sequence[object] = (), *, client: BaseDBAsyncClient | None = None
) -> int:
    """Run an INSERT, UPDATE or DELETE written with '?' placeholders; return rows affected."""
    db = client or connection()
    affected, _ = await db.execute_query(dialect_of(db).sql(statement), list(values))
    return affected


async def execute_many(
    statement: str, values: Sequence[Sequence[object]], *, client: BaseDBAsyncClient | None = None
) -> None:
    """Run one statement for each row of values (nothing when there is none)."""
    if not values:
        return
    db = client or connection()
    await db.execute_many(dialect_of(db).sql(statement), [list(v) for v in values])


def moment(value: object) -> datetime | None:
    """A datetime read back by raw SQL (SQLite gives text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
