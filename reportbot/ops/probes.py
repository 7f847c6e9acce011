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
from typing import Any, TypeVar

from reportbot.ops.health import Probe, ProbeResult
from reportbot.ops.metrics import Backlog, PoolUsage
from reportbot.store.database import ping, pool_usage

T = TypeVar("T")


def single_flight(call: Callable[[], Awaitable[T]], name: str) -> Callable[[], Awaitable[T]]:
    """`call` with at most one run in flight; callers while it runs wait on that same run.

    A frozen database never answers, and cancelling a query makes asyncpg wait on that same
    server (up to the statement timeout), so a caller's timeout would not bound the wait. The
    call runs as its own task and callers wait on it through a shield: a timeout abandons the
    wait at once, and later probes share the pending run instead of taking another pooled
    connection each (found by drills/crash.py --fault pg-freeze).
    """
    pending: asyncio.Task[T] | None = None

    async def run() -> T:
        return await call()

    async def shared() -> T:
        nonlocal pending
        if pending is None or pending.done():
            pending = asyncio.create_task(run(), name=name)
            pending.add_done_callback(_consume_exception)
        return await asyncio.shield(pending)

    return shared


def _consume_exception(task: asyncio.Task[Any]) -> None:
    """Read an abandoned run's exception so asyncio does not log it as never retrieved."""
    if not task.cancelled():
        task.exception()


def database_probe(connection_name: str = "default") -> Probe:
    """`SELECT 1` on the tortoise connection, one at a time (see `single_flight`)."""
    ping_once = single_flight(lambda: ping(connection_name), "readyz-database-ping")

    async def probe() -> ProbeResult:
        await ping_once()
        return ProbeResult(True, "reachable")

    return probe


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
    """Not ready while more than `limit` rows wait (or the oldest is older than the maximum).

    The source reads the database: one read at a time, as for the database probe.
    """
    read = single_flight(source, "readyz-backlog")

    async def probe() -> ProbeResult:
        backlog = await read()
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


def holder_lock_probe(problem: Callable[[], str]) -> Probe:
    """Not ready while a worker cannot hold its holder lock (`problem()` says why; "" when it
    holds it or is no worker): it claims nothing meanwhile, so it must not look ready."""

    async def probe() -> ProbeResult:
        why = problem()
        return ProbeResult(not why, why or "held or not needed")

    return probe


def storage_probe(problem: Callable[[], Awaitable[str | None]]) -> Probe:
    """Not ready while the database refuses writes (`problem()` says why: a full disk, a
    read-only file; it tries a write again while one was refused): every update would get a
    503, so the bot must not look ready."""

    async def probe() -> ProbeResult:
        why = await problem()
        return ProbeResult(not why, f"refuses writes: {why}" if why else "writes stored")

    return probe
