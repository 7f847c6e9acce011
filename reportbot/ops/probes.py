"""Ready-made readiness probes and gauge sources for `install_ops`.

probes = {
    "database": database_probe(),
    "connectors": connectors_probe(lambda: started_names, expected=lambda: names),
    "inbox": backlog_probe(inbox_backlog, limit=1000),
}
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection

from reportbot.ops.health import Probe, ProbeResult
from reportbot.ops.metrics import Backlog, PoolUsage
from reportbot.store.database import ping, pool_usage


def database_probe(connection_name: str = "default") -> Probe:
    """`SELECT 1` on the tortoise connection (the caller bounds it with its timeout).

    At most one ping is in flight: a frozen server never answers, and cancelling a query makes
    asyncpg wait on that same server (up to the statement timeout), so the caller's timeout
    would not bound the probe. The ping runs as its own task; the probe waits on it through a
    shield, so a timeout abandons the wait at once, and later probes wait on the same ping
    instead of taking another pooled connection each (drills/crash.py --fault pg-freeze).
    """
    pending: asyncio.Task[None] | None = None

    async def probe() -> ProbeResult:
        nonlocal pending
        if pending is None or pending.done():
            pending = asyncio.create_task(ping(connection_name), name="readyz-database-ping")
            pending.add_done_callback(_consume_exception)
        await asyncio.shield(pending)
        return ProbeResult(True, "reachable")

    return probe


def _consume_exception(task: asyncio.Task[None]) -> None:
    """Read an abandoned ping's exception so asyncio does not log it as never retrieved."""
    if not task.cancelled():
        task.exception()


def connectors_probe(
    started: Callable[[], Collection[str]], expected: Callable[[], Collection[str]]
) -> Probe:
    """Ready once every expected connector name is among the started ones."""

    async def probe() -> ProbeResult:
        missing = sorted(set(expected()) - set(started()))
        if missing:
            return ProbeResult(False, "not started: " + ", ".join(missing))
        return ProbeResult(True, ", ".join(sorted(started())) or "none configured")

    return probe


def backlog_probe(
    source: Callable[[], Awaitable[Backlog]], *, limit: int, max_age_seconds: float | None = None
) -> Probe:
    """Not ready while more than `limit` rows wait (or the oldest is older than the maximum)."""

    async def probe() -> ProbeResult:
        backlog = await source()
        detail = f"{backlog.count} waiting, oldest {backlog.oldest_age_seconds:.0f} s"
        if backlog.count > limit:
            return ProbeResult(False, f"{detail} (limit {limit})")
        if max_age_seconds is not None and backlog.oldest_age_seconds > max_age_seconds:
            return ProbeResult(False, f"{detail} (limit {max_age_seconds:g} s)")
        return ProbeResult(True, detail)

    return probe


async def tortoise_pool_usage(connection_name: str = "default") -> PoolUsage | None:
    """The asyncpg pool's use, read from the pool's own counters; None on SQLite (no pool)."""
    usage = pool_usage(connection_name)
    if usage is None:
        return None
    in_use, idle, maximum = usage
    return PoolUsage(in_use=in_use, idle=idle, maximum=maximum)
