"""One bot process per SQLite file: a second copy started on the same file refuses to start.

Two `reportbot run` on one file both answer officers: the second takes over the Telegram
webhook, and answers sent to both at once overwrite each other silently (tester finding).
The first copy holds an exclusive `fcntl.flock` on `<file>.lock` for its whole life; the
kernel releases it when the process ends, however it ends (flock(2)), so a crash (kill -9)
never blocks the restart. The file holds the holder's process id, for the message.

On PostgreSQL, several processes are meant to share a database as `web` and `worker`; two
`all` copies are refused the same way, by a session advisory lock held on a connection of the
process's own (released by the server when the process dies and its socket closes).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Any

from reportbot.store.database import DatabaseUnavailable, describe

log = logging.getLogger(__name__)

# The held lock files of this process: kept open (and so locked) until the process ends.
_HELD: dict[str, IO[str]] = {}
_SESSIONS: list[Any] = []  # the PostgreSQL connection holding the `all` lock, kept open
_RETAKE: list[asyncio.Task[None]] = []  # the task re-taking a lock whose session the server ended
_URL: list[str] = []  # the database whose lock is held, to take it again
LOCK_TIMEOUT_S = 5.0  # a frozen server must not hang `run` silently
RETAKE_EVERY_S = 10.0
# flock errors that mean "this filesystem cannot lock" (NFS without lockd, some FUSE/SMB
# mounts), not "another process holds it": the bot runs on, unguarded, with a warning.
_NO_LOCKING = frozenset({errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL})
ALL_ROLE_LOCK_KEY = 0x7265706F7274616C  # "reportal": one `all` process per PostgreSQL database
_PID_CHARS = 32
# The server notices a vanished client after idle + interval * count seconds (as
# reportbot.workers.session does for a worker's lock).
_KEEPALIVES = {
    "tcp_keepalives_idle": "10",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
}  # a process id is a few digits: read no more than this of the file


def lock_path(database_url: str) -> Path | None:
    """`<file>.lock` beside a SQLite database; None for PostgreSQL or an in-memory database."""
    if not database_url.startswith("sqlite://"):
        return None
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(f"{path}.lock")


def hold_database(database_url: str) -> None:
    """Hold the database's lock file for the rest of the process, or raise DatabaseUnavailable
    naming the process that holds it (nothing is held on PostgreSQL)."""
    path = lock_path(database_url)
    if path is None or str(path) in _HELD:
        return
    try:
        handle = path.open("a+", encoding="utf-8")
    except OSError:
        return  # a missing or unwritable folder: opening the database says which, in its words
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read(_PID_CHARS).strip() or "?"
        handle.close()
        raise DatabaseUnavailable(
            "db_in_use", url=describe(database_url), pid=holder, lock=str(path)
        ) from None
    except OSError as exc:
        handle.close()
        if exc.errno not in _NO_LOCKING:
            raise
        log.warning(
            "cannot lock %s (%s): this filesystem does not support flock; running without the "
            "guard against a second copy on the same database",
            path,
            os.strerror(exc.errno or 0),
        )
        return
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    _HELD[str(path)] = handle


async def hold_postgres_all(database_url: str) -> None:
    """Hold the one-`all`-process lock of a PostgreSQL database for the rest of the process,
    or raise DatabaseUnavailable when another `all` process holds it (nothing on SQLite)."""
    if database_url.startswith("sqlite") or _SESSIONS:
        return
    import asyncpg

    from reportbot.store.database import session_arguments, unreachable

    try:
        arguments = session_arguments(database_url)
        # Short keepalives, as a worker's session: a host that vanished (a VM reset) frees the
        # lock in about half a minute, not the system's two hours, so its restart is not refused.
        arguments["server_settings"].update(_KEEPALIVES)
        connection = await asyncpg.connect(**{**arguments, "timeout": 10})
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.ClientConfigurationError) as exc:
        raise unreachable(database_url, exc) from exc
    await _take(database_url, connection)
    _URL[:] = [database_url]
    connection.add_termination_listener(_terminated)
    _SESSIONS.append(connection)


async def _take(database_url: str, connection: Any) -> None:
    """Take the lock on `connection` within LOCK_TIMEOUT_S, or close it and raise the one line."""
    import asyncpg

    from reportbot.store.database import unreachable

    try:
        taken = await connection.fetchval(
            "SELECT pg_try_advisory_lock($1)", ALL_ROLE_LOCK_KEY, timeout=LOCK_TIMEOUT_S
        )
    except (
        OSError,
        TimeoutError,
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        asyncpg.exceptions.InternalClientError,  # the session ended under a query in flight
    ) as exc:
        connection.terminate()  # a frozen or failing server: do not leak the connection
        raise unreachable(database_url, exc) from exc
    if not taken:
        await connection.close()
        raise DatabaseUnavailable("db_in_use_postgres", url=describe(database_url))


def _terminated(connection: object) -> None:
    """The server ended the lock's session (restart, failover, pg_terminate_backend): the lock
    is gone with it. Say so once and take it again in the background."""
    if connection not in _SESSIONS:
        return  # closed by release_postgres_all: no lapse
    _SESSIONS.clear()
    if _RETAKE:
        return
    log.error(
        "the PostgreSQL session holding the one-'all'-process lock was ended by the server; "
        "the lock lapsed, taking it again"
    )
    _RETAKE.append(asyncio.get_running_loop().create_task(_retake(_URL[0])))


async def _retake(database_url: str) -> None:
    """Take the lock again every RETAKE_EVERY_S until it is held (or `run` ends)."""
    try:
        while not _SESSIONS:
            try:
                await hold_postgres_all(database_url)
            except DatabaseUnavailable as refused:
                log.warning("the one-'all'-process lock is not held yet: %s", refused.key)
                await asyncio.sleep(RETAKE_EVERY_S)
        log.info("the one-'all'-process lock is held again")
    finally:
        _RETAKE.clear()


async def release_postgres_all() -> None:
    """Let go of the `all` lock (when `run` ends in a process that goes on, e.g. a test)."""
    while _RETAKE:
        task = _RETAKE.pop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    while _SESSIONS:
        connection = _SESSIONS.pop()
        with contextlib.suppress(Exception):  # a close by us is no lapse
            connection.remove_termination_listener(_terminated)
        try:
            await connection.close(timeout=5)
        except Exception:  # the server is gone: so is the lock
            connection.terminate()
