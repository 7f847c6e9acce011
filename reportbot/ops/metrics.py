"""Prometheus metrics of one running bot, in its own registry.

Each `Metrics` owns a `CollectorRegistry` (never prometheus-client's global one) so that tests
and several applications in one process never see each other's figures. Counters and the
latency histogram are fed by hooks the pipeline calls (`update_received`, `handled`, the
reminder hooks); gauges whose truth lives in the database (inbox and outbox backlog, sheet lag,
pool use) are fed by async callbacks that `refresh()` awaits, each under a deadline, just
before `/metrics` is rendered. A callback that fails or is too slow sets its gauges to NaN and
counts an error: a scrape never hangs on a slow or frozen database (a read still pending is
left to finish on its own and shared by the next scrape).
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from reportbot.ops.version import package_version

log = logging.getLogger(__name__)

# Seconds from an update's arrival to its committed reply: a commit is a few milliseconds on
# SQLite, a group commit on PostgreSQL waits up to tens of milliseconds; anything over a few
# seconds is an incident. Prometheus' own default buckets stop at 10 s as well.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REMINDER_STATES = ("due", "sent", "failed")
# Label values come from configuration (connector and queue names), never from users; they are
# still bounded so that a bug cannot grow the registry without limit.
_LABEL = re.compile(r"[a-z0-9_]{1,32}")
SOURCE_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class Backlog:
    """Rows waiting in a queue (inbox, outbox) and the age in seconds of the oldest one."""

    count: int
    oldest_age_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class PoolUsage:
    """Database connections: in use, idle, and the pool's maximum."""

    in_use: int
    idle: int
    maximum: int


def _label(value: str) -> str:
    lowered = value.lower().replace("-", "_")
    return lowered if _LABEL.fullmatch(lowered) else "other"


class Metrics:
    """The bot's metrics; call the hooks from the pipeline, render with `render()`."""

    def __init__(self, *, source_timeout: float = SOURCE_TIMEOUT) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.source_timeout = source_timeout
        self._sources: list[tuple[str, Callable[[], Awaitable[None]], Callable[[], None]]] = []
        # Read before the others: the pool's counters must not count the scrape's own reads
        self._pool_source: tuple[str, Callable[[], Awaitable[None]], Callable[[], None]] | None
        self._pool_source = None
        self._pending: dict[str, asyncio.Task[None]] = {}  # each source's read in flight
        self._children: dict[tuple[object, ...], Any] = {}
        self._define()
        self.build_info.labels(version=package_version()).set(1)

    def _define(self) -> None:
        registry = self.registry
        self.build_info = Gauge(
            "reportbot_build_info", "The running version.", ["version"], registry=registry
        )
        self.updates_received = Counter(
            "reportbot_updates_received",
            "Platform updates received, per connector.",
            ["connector"],
            registry=registry,
        )
        self.updates_handled = Counter(
            "reportbot_updates_handled",
            "Updates handled to the end (reply committed), per connector and outcome.",
            ["connector", "outcome"],
            registry=registry,
        )
        self.handling_seconds = Histogram(
            "reportbot_update_handling_seconds",
            "Seconds from receiving an update to its committed reply.",
            ["connector"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.backlog_items = Gauge(
            "reportbot_backlog_items", "Rows waiting in a queue.", ["queue"], registry=registry
        )
        self.backlog_age = Gauge(
            "reportbot_backlog_oldest_age_seconds",
            "Age of the oldest row waiting in a queue.",
            ["queue"],
            registry=registry,
        )
        self.sheet_lag = Gauge(
            "reportbot_sheet_lag_seconds",
            "Age of the oldest committed answer not yet mirrored to the sheet.",
            registry=registry,
        )
        self.reminders = Counter(
            "reportbot_reminders",
            "Reminders found due, sent, and failed.",
            ["state"],
            registry=registry,
        )
        self.pool = Gauge(
            "reportbot_db_pool_connections",
            "Database pool connections by state (in_use, idle, max).",
            ["state"],
            registry=registry,
        )
        self.source_errors = Counter(
            "reportbot_metric_source_errors",
            "Gauge callbacks that failed or timed out.",
            ["source"],
            registry=registry,
        )
        for state in REMINDER_STATES:  # export zeros, so a rate() works from the first scrape
            self.reminders.labels(state=state)

    # --- hooks called by the pipeline and the features -------------------------------------

    def update_received(self, connector: str) -> None:
        """Count one platform update received by `connector`."""
        self._child(self.updates_received, connector).inc()

    def handled(self, connector: str, seconds: float, *, ok: bool = True) -> None:
        """Count one update handled and observe its handling time in seconds."""
        self._child(self.updates_handled, connector, "ok" if ok else "error").inc()
        if math.isfinite(seconds) and seconds >= 0:
            self._child(self.handling_seconds, connector).observe(seconds)

    def _child(self, metric: Any, connector: str, *outcome: str) -> Any:
        """The labelled child of a per-update metric, looked up once (`labels()` checks and
        locks on every call: a few percent of the CPU of an update)."""
        key = (id(metric), connector, *outcome)
        child = self._children.get(key)
        if child is None:
            child = metric.labels(_label(connector), *outcome)
            self._children[key] = child
        return child

    def reminders_due(self, count: int = 1) -> None:
        """Count reminders found due by a scheduling run."""
        self.reminders.labels(state="due").inc(max(count, 0))

    def reminders_sent(self, count: int = 1) -> None:
        """Count reminders delivered."""
        self.reminders.labels(state="sent").inc(max(count, 0))

    def reminders_failed(self, count: int = 1) -> None:
        """Count reminders whose delivery failed for good."""
        self.reminders.labels(state="failed").inc(max(count, 0))

    # --- gauges fed by async callbacks -------------------------------------------------------

    def add_backlog_source(self, queue: str, source: Callable[[], Awaitable[Backlog]]) -> None:
        """Feed `reportbot_backlog_*{queue=...}` from `source()` at every scrape."""
        name = _label(queue)

        async def update() -> None:
            backlog = await source()
            self.backlog_items.labels(queue=name).set(backlog.count)
            self.backlog_age.labels(queue=name).set(backlog.oldest_age_seconds)

        def unknown() -> None:
            self.backlog_items.labels(queue=name).set(math.nan)
            self.backlog_age.labels(queue=name).set(math.nan)

        self._sources.append((f"backlog_{name}", update, unknown))

    def set_sheet_lag_source(self, source: Callable[[], Awaitable[float]]) -> None:
        """Feed `reportbot_sheet_lag_seconds` from `source()` (0 when nothing is pending)."""

        async def update() -> None:
            self.sheet_lag.set(await source())

        self._sources.append(("sheet_lag", update, lambda: self.sheet_lag.set(math.nan)))

    def set_pool_source(self, source: Callable[[], Awaitable[PoolUsage | None]]) -> None:
        """Feed `reportbot_db_pool_connections` from `source()` (None: no pool, e.g. SQLite),
        read before any other gauge: those read the database on pooled connections, and the
        pool's `in_use` showed the scrape's own reads (3 of 5 in use on a bot at rest)."""

        async def update() -> None:
            usage = await source()
            if usage is not None:
                self.pool.labels(state="in_use").set(usage.in_use)
                self.pool.labels(state="idle").set(usage.idle)
                self.pool.labels(state="max").set(usage.maximum)

        def unknown() -> None:
            for state in ("in_use", "idle", "max"):
                self.pool.labels(state=state).set(math.nan)

        self._pool_source = ("db_pool", update, unknown)

    async def refresh(self) -> None:
        """Read the pool's use, then await every other gauge callback concurrently, each
        under `source_timeout` seconds."""
        if self._pool_source is not None:
            await self._refresh_one(*self._pool_source)
        await asyncio.gather(*(self._refresh_one(*entry) for entry in self._sources))

    async def _refresh_one(
        self, name: str, update: Callable[[], Awaitable[None]], unknown: Callable[[], None]
    ) -> None:
        # The read runs as a task of its own and the scrape waits for it at most
        # source_timeout, without cancelling it: cancelling an asyncpg query waits on a
        # frozen server as well (up to the statement timeout, 20 s: the scrape hung that
        # long). A read still pending is shared by the next scrape, never started again.
        task = self._pending.get(name)
        if task is None or task.done():
            task = asyncio.create_task(_run(update), name=f"metrics-{name}")
            task.add_done_callback(_consume_exception)
            self._pending[name] = task
        await asyncio.wait((task,), timeout=self.source_timeout)
        error: BaseException | None
        if not task.done():
            error = TimeoutError()
        else:
            error = asyncio.CancelledError() if task.cancelled() else task.exception()
        if error is not None:  # a broken or slow source must not break the scrape
            log.warning("metrics source %s failed: %s", name, type(error).__name__)
            self.source_errors.labels(source=name).inc()
            unknown()

    async def render(self) -> tuple[bytes, str]:
        """Refresh the gauges and return the exposition text and its content type."""
        await self.refresh()
        # The classic text format 0.0.4: every Prometheus version reads it, and the names here
        # are plain ASCII, so the 1.0.0 format (UTF-8 names) would add nothing.
        return generate_latest(self.registry), CONTENT_TYPE_PLAIN_0_0_4


async def _run(update: Callable[[], Awaitable[None]]) -> None:
    await update()


def _consume_exception(task: asyncio.Task[None]) -> None:
    """Read an abandoned read's exception so asyncio does not log it as never retrieved."""
    if not task.cancelled():
        task.exception()
