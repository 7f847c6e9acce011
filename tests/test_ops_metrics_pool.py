"""`reportbot_db_pool_connections` counts the bot's own use of the pool, not the scrape's.

Seen by an IT officer: a bot at rest on PostgreSQL showed `in_use` 3 and `idle` 1 of 5 at
every scrape while `pg_stat_activity` showed every connection idle. `/metrics` reads its
database gauges (inbox, outbox, sheet lag) at once, each on a pooled connection, and read the
pool's counters while those three were checked out: `in_use` was the scrape itself. The pool's
counters are now read before any other gauge touches the pool. Real PostgreSQL, the app's
own sources, over real HTTP.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from tortoise import connections

from reportbot.ops.health import install_ops
from reportbot.ops.metrics import Backlog
from reportbot.ops.probes import tortoise_pool_usage
from reportbot.ops.sources import outbox_backlog, sheet_lag
from tests.conftest import FakeClock
from tests.test_ops_metrics import scrape


async def _inbox_backlog() -> Backlog:
    """A third gauge read on the pool, as the app's inbox source is."""
    _count, rows = await connections.get("default").execute_query(
        "SELECT count(*) AS waiting FROM inbox"
    )
    return Backlog(int(rows[0]["waiting"]))


def _pool(samples: dict, state: str) -> float:
    return samples[("reportbot_db_pool_connections", (("state", state),))]


async def test_a_bot_at_rest_shows_no_connection_in_use(pg: str, clock: FakeClock) -> None:
    await connections.get("default").execute_query("SELECT 1")  # as open_database does
    app = web.Application()
    metrics = install_ops(app)
    metrics.add_backlog_source("inbox", _inbox_backlog)  # registered as app.py does
    metrics.add_backlog_source("outbox", outbox_backlog(clock))
    metrics.set_sheet_lag_source(sheet_lag(clock))
    metrics.set_pool_source(tortoise_pool_usage)
    async with TestClient(TestServer(app)) as client:
        for _scrape in range(3):
            samples = await scrape(client)
            assert _pool(samples, "in_use") == 0  # nothing but the scrape touches the pool
            assert _pool(samples, "max") == 5  # tortoise's default, no REPORTBOT_DATABASE_POOL
            assert samples[("reportbot_backlog_items", (("queue", "inbox"),))] == 0
        # idle: connections open and unused (those the scrape's three reads opened stay)
        assert 1 <= _pool(samples, "idle") <= 5
