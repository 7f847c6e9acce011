"""SQLite: a connection of its own for the conversation's first-contact reads.

tortoise talks to SQLite through one connection guarded by one lock, and the group writer
takes that lock ahead of queued reads (`sqlite_batch.acquire_first`): when a hundred officers
write their first message at once, each one's first reads (the person, the unit's reports)
waited behind the writer's batches, and that wait was the conversation benchmark's p99.

In WAL mode (tortoise sets it on every SQLite database it opens) a reader on another
connection never waits for a writer: it reads the last committed snapshot while the writer's
transaction goes on. The reads here run on one sqlite3 connection in one thread of their own
(bounded: one connection, reads in arrival order), off the event loop; each read is one
statement, hence one read transaction of its own (no BEGIN or COMMIT: every call into SQLite
lets go of the GIL, and taking it back from a busy event loop costs up to the interpreter's
switch interval, 5 ms).

What such a read sees: every transaction committed before the call started (a COMMIT that
returned on tortoise's connection is in the WAL, and a read transaction begun after it sees
it), never one still open. Callers must therefore only read what has no write in flight in
this process, or keep what is in flight apart (see `Repository.person` and
`Repository.reports`).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from tortoise import connections
from tortoise.exceptions import OperationalError

T = TypeVar("T")
log = logging.getLogger(__name__)

RETRY_OPEN_S = 30.0  # a reader that failed to open for a passing reason is tried again after

BUSY_TIMEOUT_S = 5.0  # a WAL reader is kept waiting only by a checkpoint restart or recovery


class NotWal(RuntimeError):
    """The database is not in WAL mode: a reader there would wait for writers (and block
    their commit), so the reads stay on tortoise's connection."""


class ReadConnection:
    """One read-only sqlite3 connection, used from one thread of its own."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-read")
        self._connection: sqlite3.Connection | None = None

    @classmethod
    async def open(cls, path: str) -> ReadConnection:
        """Open a reader of the SQLite file at `path`; NotWal unless it is in WAL mode."""
        reader = cls(path)
        try:
            await reader._call(reader._connect)
        except BaseException:
            await reader.close()
            raise
        return reader

    def _connect(self) -> None:
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                raise NotWal(f"journal_mode is {mode}")
            connection.execute("PRAGMA query_only = ON")  # a read path never writes
        except BaseException:
            connection.close()
            raise
        self._connection = connection

    async def _call(self, function: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, function)

    async def rows(self, statement: str, values: Sequence[object] = ()) -> list[Sequence[Any]]:
        """The rows of one statement written with '?' placeholders: one read transaction, so
        the rows are of one snapshot (SQLite's errors raised as tortoise's, as a read on
        tortoise's connection raises them)."""
        if self._connection is None:
            raise OperationalError("the read connection is closed")
        try:
            return await self._call(lambda: self._open().execute(statement, values).fetchall())
        except sqlite3.Error as error:
            raise OperationalError(error) from error

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            raise sqlite3.ProgrammingError("the read connection is closed")
        return self._connection

    async def close(self) -> None:
        """Close the connection and end its thread (waits for a read in progress)."""
        try:
            if self._connection is not None:
                await self._call(self._close_connection)
        finally:
            self._thread.shutdown(wait=True)  # idle by now: the close was its last call

    def _close_connection(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def closed(self) -> bool:
        """Whether `close` has run (or the opening failed)."""
        return self._connection is None


class FirstReads:
    """The read connection of tortoise's SQLite database `connection_name`, opened at first
    use and reopened if that database changes; None where reads stay on tortoise's
    connection: PostgreSQL (its pool gives every read a connection of its own already), an
    in-memory database (no other connection sees it), or a file not in WAL mode."""

    def __init__(self, connection_name: str = "default") -> None:
        self.connection_name = connection_name
        self._reader: ReadConnection | None = None
        self._refused: str | None = None  # a file that could not be read apart (logged once)
        self._retry_at = 0.0  # after a failed open, reads stay on tortoise's until then
        self._lock = asyncio.Lock()

    async def get(self) -> ReadConnection | None:
        """The reader of the current database, or None (read through tortoise instead)."""
        path = _sqlite_file(connections.get(self.connection_name))
        if path is None or path == self._refused:
            return None
        reader = self._reader
        if reader is not None and reader.path == path:
            return reader
        if time.monotonic() < self._retry_at:
            return None
        async with self._lock:  # a wave of first messages opens it once
            if self._reader is not None and self._reader.path == path:
                return self._reader
            await self._close_reader()
            try:
                self._reader = await ReadConnection.open(path)
            except NotWal as error:  # for good: this file is not read apart
                log.warning("reads stay on the writer's connection: %s", error)
                self._refused = path
                return None
            except sqlite3.Error as error:  # "database is locked" at a busy moment: later
                log.warning("reads stay on the writer's connection for now: %s", error)
                self._retry_at = time.monotonic() + RETRY_OPEN_S
                return None
            return self._reader

    async def close(self) -> None:
        """Close the reader (a later `get` opens a new one). Waits for a `get` that is
        opening one, so that no reader is left open behind the close."""
        async with self._lock:
            await self._close_reader()

    async def _close_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            await reader.close()


def _sqlite_file(client: Any) -> str | None:
    """The file of a tortoise SQLite client; None for another database or an in-memory one."""
    if client.capabilities.dialect != "sqlite":
        return None
    path = str(getattr(client, "filename", "") or "")
    if not path or path == ":memory:" or "mode=memory" in path:
        return None
    return path
