"""`/metrics` while a real PostgreSQL server is frozen (SIGSTOP): answers within its bound.

A gauge read from the database times out after the metrics' source timeout; cancelling an
asyncpg query waits on the frozen server too (tests/test_readyz_frozen.py), so a scrape that
cancels its reads would hang up to the statement timeout (20 s), and Prometheus would mark the
target down instead of reading NaN gauges and the error counter. Uses the drills' private
server, marked `drill` like the other drill tests.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from drills.pgserver import PrivatePostgres
from reportbot.ops.health import install_ops
from reportbot.ops.metrics import Metrics
from reportbot.ops.probes import tortoise_pool_usage
from reportbot.ops.sources import outbox_backlog, sheet_lag
from tests.conftest import FakeClock
from tests.frozen_support import migrated_private_server
from tests.test_ops_metrics import scrape
from tests.test_readyz_frozen import (
    _count_rows,
    pytestmark,  # noqa: F401  (drill; skipped without initdb/pg_ctl)
)

SOURCE_TIMEOUT = 1.0
ANSWER_BOUND_S = SOURCE_TIMEOUT + 9.0  # the source timeout plus slack for a machine at load 12


@pytest.fixture
async def frozen_server() -> AsyncIterator[PrivatePostgres]:
    """A private migrated server with tortoise open on it (never the shared one)."""
    async with migrated_private_server("metrics-frozen-") as server:
        yield server


async def test_metrics_answers_within_its_bound_while_postgres_is_frozen(
    frozen_server: PrivatePostgres, clock: FakeClock
) -> None:
    server = frozen_server
    app = web.Application()
    metrics = install_ops(app, metrics=Metrics(source_timeout=SOURCE_TIMEOUT))
    metrics.add_backlog_source("inbox", _count_rows)
    metrics.set_sheet_lag_source(sheet_lag(clock))
    metrics.add_backlog_source("outbox", outbox_backlog(clock))
    metrics.set_pool_source(tortoise_pool_usage)
    async with TestClient(TestServer(app)) as client:
        before = await scrape(client)
        assert before[("reportbot_backlog_items", (("queue", "inbox"),))] == 3
        server.freeze()
        try:
            for _scrape in range(3):  # later scrapes do not pile up behind the hung reads
                status, elapsed = await _timed_scrape(client)
                assert status == 200
                assert elapsed < ANSWER_BOUND_S, f"/metrics took {elapsed:.1f} s while frozen"
            samples = await scrape(client)
            assert math.isnan(samples[("reportbot_backlog_items", (("queue", "inbox"),))])
        finally:
            server.thaw()


async def _timed_scrape(client: TestClient) -> tuple[int, float]:
    import time

    import aiohttp

    started = time.monotonic()
    response = await client.get("/metrics", timeout=aiohttp.ClientTimeout(total=60))
    await response.read()
    return response.status, time.monotonic() - started
