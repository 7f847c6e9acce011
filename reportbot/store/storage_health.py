"""Whether this process can store: the last write's outcome, and a small write to test it.

A full disk or a read-only database file let the bot look alive (`/readyz` ran `SELECT 1`,
which a read-only file answers) while every webhook got 503 and officers heard nothing. The
group writer reports each transaction here (`succeeded`/`failed`); `/readyz` is not ready while
the last one was refused for lack of room or permission, and the log says so once at ERROR
when it starts and once at INFO when it ends. `probe_write` is the write test made at start
and by `reportbot status`.
"""

from __future__ import annotations

import logging

from tortoise import connections

from reportbot.store.database import storage_problem, storage_refusal

log = logging.getLogger(__name__)

_NO_CHANGE = "UPDATE tortoise_migrations SET name = name WHERE 1 = 0"
# A row written again as it is: it needs the write lock and room for the page (or tuple).
_ONE_ROW = (
    "UPDATE tortoise_migrations SET name = name "
    "WHERE id = (SELECT min(id) FROM tortoise_migrations)"
)
_REASONS = {"full": "the disk (or the database) is full", "read_only": "the database is read-only"}
_problem: str | None = None  # "full", "read_only" or None: the last write's refusal, if any


def succeeded() -> None:
    """A write committed: the store works (again)."""
    global _problem
    if _problem is not None:
        log.info("the database takes writes again")
    _problem = None


def failed(error: BaseException) -> None:
    """A write failed: remember it when the database refused it for lack of room or of
    permission (a conflict or an outage is not that), logged at ERROR on the first one."""
    global _problem
    kind = storage_problem(error)
    if kind is None or kind == _problem:
        return
    _problem = kind
    log.error(
        "the database refuses every write: %s; updates are not stored (webhooks answer 503) "
        "until this is fixed",
        _REASONS[kind],
    )


def problem() -> str | None:
    """Why the last write was refused ("the disk ... is full"), or None when it was not."""
    return _REASONS[_problem] if _problem is not None else None


async def recheck(connection_name: str = "default") -> str | None:
    """`problem()`, tried again with a real one-row write while a refusal is recorded: once the
    owner fixed the file or freed the disk, readiness says so at once, not only after the next
    update reached the writer (never, where a proxy keeps traffic from a bot not ready)."""
    if _problem is None:
        return None
    try:
        await connections.get(connection_name).execute_query(_ONE_ROW)
    except Exception as error:
        failed(error)  # still refused (perhaps now for the other reason), or unreachable
        return problem()
    succeeded()
    return None


async def probe_write(database_url: str, connection_name: str = "default") -> None:
    """A write that changes nothing (an UPDATE of no row still takes the write lock, which a
    read-only file or a read-only server refuses); raise DatabaseUnavailable with the one-line
    reason when refused. A full disk shows only when a write needs room: the writer reports it."""
    try:
        await connections.get(connection_name).execute_query(_NO_CHANGE)
    except Exception as error:
        refusal = storage_refusal(database_url, error)  # a standby gets its own advice
        if refusal is None:
            raise
        raise refusal from error
