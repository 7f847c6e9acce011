"""A worker process's own PostgreSQL session: its liveness lock and its LISTEN (issue 17).

Each worker holds, for its whole life, a session-level advisory lock keyed by its holder id
(`inbox.HOLDER_LOCK_CLASS`, `hashtext(holder)`) on a connection of its own, never one of the
pool. When the process dies its socket closes and PostgreSQL releases the lock at once, so
`inbox.claim` takes that worker's claims without waiting for their lease. The lease stays as
the backstop for a worker that is alive but hung, or cut off from the database.

The same connection LISTENs for the web processes' NOTIFY and the workers' reply
confirmations (`listen`), as the consumer did before on a connection of its own.

Losing this connection (the database restarted, a network cut) means other workers now take
this worker's claims as a dead worker's. The worker therefore stops claiming at once (the
connection's termination listener) and `check`, run on every heartbeat, connects again and
re-takes the lock on the same key: the claims still in hand are covered again, and the process
goes on without a supervisor restarting it. A check that only times out (the server busy)
stops claims but keeps the connection and its lock. A lock that cannot be taken is logged as
an error and makes /readyz not ready (`problem`). A second process handling an update taken from
it cannot commit it twice (`inbox.handled_already` locks the row in the step's transaction).
The server's TCP keepalives are short on this connection, so a worker host that vanished
without closing its socket frees its lock in about half a minute, not the system's two hours.

The check also counts the worker locks held (`inbox.HOLDERS`): `live_workers`, by which each
worker takes its part of a platform's bot-wide rate. A worker that takes its lock says so
(NOTIFY on `inbox.WORKERS_CHANNEL`) and every other worker counts one more at once, before its
next check counts again: a newcomer does not find the others still sending at full rate.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from reportbot.store import inbox
from reportbot.store.database import session_arguments

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
CHECK_TIMEOUT_S = 5.0
# The server notices a vanished client after idle + interval * count seconds.
KEEPALIVES = {
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
}

TAKE = f"SELECT pg_try_advisory_lock({inbox.HOLDER_LOCK_CLASS}, hashtext($1))"
NOTIFY = "SELECT pg_notify($1, $2)"

Listener = Callable[..., None]


class WorkerSession:
    """The dedicated connection of one worker: its holder lock and its LISTENs."""

    def __init__(self, database_url: str, holder: str, listeners: dict[str, Listener]) -> None:
        # The store's credentials, not the raw URL (whose `?maxsize=` the server refuses).
        self.arguments = session_arguments(database_url)
        self.arguments["timeout"] = CONNECT_TIMEOUT_S
        self.arguments["server_settings"].update(KEEPALIVES)
        self.holder = holder
        self.listeners = listeners
        self.locked = False  # claims are made only while this is true
        self.lost = 0  # how many times the lock was lost (logs, tests)
        self.problem = "not opened yet"  # why the lock is not held (readiness), "" when it is
        self.live_workers = 1  # worker locks held in all, this one's included (rate shares)
        self._connection: Any = None

    async def open(self) -> bool:
        """Connect, take the holder lock and LISTEN; return whether the lock is held.

        False when the database cannot be reached or the key is held by another session
        (an old session of this worker the server has not ended yet): `check` tries again.
        """
        import asyncpg

        await self.close()
        try:
            connection = await asyncpg.connect(**self.arguments)
        except Exception as error:  # the database is away, or refuses: `check` tries again
            self._failed(f"cannot connect: {_describe(error)}")
            return False
        try:
            if not await connection.fetchval(TAKE, self.holder, timeout=CHECK_TIMEOUT_S):
                self._failed("holder lock held by another session")
                await connection.close()
                return False
            for channel, callback in self.listeners.items():
                await connection.add_listener(channel, callback)
            await connection.add_listener(inbox.WORKERS_CHANNEL, self._joined)
            await self._count(connection)
            await connection.execute(NOTIFY, inbox.WORKERS_CHANNEL, self.holder)
        except BaseException as error:
            # Cancelled (stop() during open) as well: the lock may be ours already, and a
            # connection neither closed nor kept would hold it until garbage collection.
            connection.terminate()
            if not isinstance(error, Exception):
                raise
            self._failed(f"cannot lock or listen: {_describe(error)}")
            return False
        connection.add_termination_listener(self._terminated)
        self._connection, self.locked, self.problem = connection, True, ""
        return True

    async def _count(self, connection: Any) -> bool:
        """Whether this session holds its lock; counts the live workers (`live_workers`)."""
        held, live = await connection.fetchrow(inbox.HOLDERS, self.holder, timeout=CHECK_TIMEOUT_S)
        self.live_workers = max(1, int(live))
        return bool(held)

    def _joined(self, _connection: object, _pid: int, _channel: str, holder: str) -> None:
        """Another worker took its lock: count it now, not at the next check (re-counted
        there), so that this worker slows down before the newcomer sends."""
        if holder != self.holder:
            self.live_workers += 1

    def _failed(self, why: str) -> None:
        """The lock could not be taken: this worker claims nothing until it is (an error in
        the log, and /readyz says not ready)."""
        self.problem = why
        log.error("worker session: %s; this worker claims nothing until the lock is taken", why)

    def _terminated(self, _connection: object) -> None:
        """The connection closed under us: stop claiming now, not at the next check."""
        self._lose("connection closed")

    def _lose(self, why: str) -> None:
        if self.locked:
            self.lost += 1
            log.warning("worker session: holder lock lost (%s); claims stop until re-taken", why)
        self.locked, self.problem = False, why

    async def check(self) -> bool:
        """Make sure the lock is still ours (a ping of the connection too); re-take it if lost.

        A check that times out (the server busy, the connection fine) stops claims but keeps
        the connection, and the lock with it: closing it would hand every claim in hand to the
        other workers. The next check that answers resumes them.
        """
        connection = self._connection
        if connection is not None and not connection.is_closed():
            try:
                held = await self._count(connection)
            except TimeoutError:
                self._lose("check timed out")
                return False
            except Exception as error:  # the connection is broken: connect again
                self._lose(type(error).__name__)
                return await self.open()
            if held:
                self.locked, self.problem = True, ""
                return True
            self._lose("no longer held")
        return await self.open()

    async def close(self) -> None:
        """Close the connection (which releases the lock); nothing is claimed afterwards."""
        connection, self._connection = self._connection, None
        self.locked = False
        if connection is None:
            return
        with contextlib.suppress(Exception):
            connection.remove_termination_listener(self._terminated)
        with contextlib.suppress(Exception):
            await connection.close(timeout=CHECK_TIMEOUT_S)


def _describe(error: BaseException) -> str:
    """The error's type, and the server's message when the server refused (no credentials:
    asyncpg's own messages may quote the connection's parameters)."""
    import asyncpg

    if isinstance(error, asyncpg.PostgresError):
        return f"{type(error).__name__}: {error}"
    return type(error).__name__
