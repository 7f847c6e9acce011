"""Gauge sources read from the store: the outbox backlog and the sheet mirror's lag.

    metrics.add_backlog_source("outbox", outbox_backlog(clock))
    metrics.set_sheet_lag_source(sheet_lag(clock))

Each is two small queries on the outbox (a count and the oldest row), run only when
`/metrics` is scraped, under the metrics' own deadline. The inbox source belongs with the
inbox and is supplied by its owner.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from reportbot.ops.metrics import Backlog
from reportbot.store import outbox


def outbox_backlog(clock: Callable[[], datetime]) -> Callable[[], Awaitable[Backlog]]:
    """Rows waiting in the outbox (every topic) and the age of the oldest, by `clock`."""

    async def source() -> Backlog:
        count, oldest = await outbox.totals()
        return Backlog(count, _age(clock, oldest) if oldest else 0.0)

    return source


def sheet_lag(clock: Callable[[], datetime]) -> Callable[[], Awaitable[float]]:
    """Seconds since the oldest sheet change still waiting was queued (0 when none waits)."""

    async def source() -> float:
        oldest = await outbox.oldest(outbox.SHEET_TOPIC)
        return _age(clock, oldest) if oldest else 0.0

    return source


def _age(clock: Callable[[], datetime], moment: datetime) -> float:
    return max((clock() - moment).total_seconds(), 0.0)
