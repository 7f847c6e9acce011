"""What each process role runs, and the checks made before it starts.

- `all` (default): everything in one process, as always; SQLite or PostgreSQL.
- `web`: the web server with the connectors' webhooks (and polling connectors): each verified
  update is stored in the durable inbox and acknowledged; nothing is handled, no job runs.
- `worker`: no webhook is served; claims inbox updates, handles them, sends the replies
  through the connectors, runs the periodic jobs (each under its database lease). It serves
  /healthz, /readyz and /metrics on REPORTBOT_HTTP_PORT unless that is 0 (give each worker
  process on one host its own port).

`web` and `worker` need PostgreSQL: SQLite has no `SKIP LOCKED` and one writer at a time.
Migrations run at start under a PostgreSQL advisory lock, so processes started together do
not migrate at once.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from connectors.base import Incoming, Outgoing
from reportbot.startup_texts import STARTUP

ALL = "all"
WEB = "web"
WORKER = "worker"
ROLES = (ALL, WEB, WORKER)
ROLE_VARIABLE = "REPORTBOT_ROLE"  # the default of --role (containers, systemd units)
MIGRATION_LOCK_KEY = 0x7265706F7274  # "report": one advisory lock id for migrations

Accept = Callable[[Incoming], Awaitable[None]]


def default_role() -> str:
    """The role when --role is not given: REPORTBOT_ROLE, else `all`."""
    return os.environ.get(ROLE_VARIABLE, "").strip().lower() or ALL


def refusal(role: str, database_url: str, locale: str = "vi") -> str | None:
    """One line (in `locale`) saying why `role` cannot run on this database, or None."""
    if role not in ROLES:
        return STARTUP.say("role_unknown", locale, value=role, allowed=", ".join(ROLES))
    if role == ALL or not database_url.startswith("sqlite"):
        return None
    return STARTUP.say("role_needs_postgres", locale, role=role)


def store_only(accept: Accept) -> Callable[[Incoming], Awaitable[Sequence[Outgoing]]]:
    """The web role's handler: store the update in the inbox, answer nothing (a worker
    handles it and sends the replies). Raises NotAccepted when it could not be stored."""

    async def handle(message: Incoming) -> Sequence[Outgoing]:
        await accept(message)
        return []

    return handle


@contextlib.asynccontextmanager
async def migration_lock(database_url: str) -> AsyncIterator[None]:
    """Hold a PostgreSQL session advisory lock while the caller migrates (nothing on SQLite)."""
    if database_url.startswith("sqlite"):
        yield
        return
    import asyncpg

    from reportbot.store.database import session_arguments, unreachable

    try:
        connection = await asyncpg.connect(**{**session_arguments(database_url), "timeout": 10})
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.ClientConfigurationError) as exc:
        # The lock's connection is the first one a process opens: the operator must read which
        # database could not be reached (a refused port, a database not created), not a trace.
        raise unreachable(database_url, exc) from exc
    try:
        # No statement timeout: another process's migration may take longer than the store's.
        await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY, timeout=None)
        yield
    finally:
        with contextlib.suppress(Exception):
            await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        await connection.close()
