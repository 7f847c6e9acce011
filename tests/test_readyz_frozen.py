"""`/readyz` and `/healthz` while a real PostgreSQL server is frozen (SIGSTOP).

A frozen server keeps its sockets open and never answers: a query already sent hangs, and
cancelling it makes asyncpg wait on the server too (docs/RELIABILITY.md, open item of the
pg-freeze drill). The probe must still answer "not ready" within its bound, every time, and
`/healthz` must not wait on the database at all. Uses the drills' private server (never the
shared one), so it is marked `drill` like the other drill tests.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from drills.pgserver import PrivatePostgres
from reportbot.ops.health import install_ops
from reportbot.ops.metrics import Backlog
from reportbot.ops.probes import backlog_probe, database_probe
from reportbot.store.database import tortoise_config
from tests.test_drill_short import _has_postgres_tools

pytestmark = [
    pytest.mark.drill,
    pytest.mark.skipif(not _has_postgres_tools(), reason="initdb/pg_ctl not available"),
]

PROBE_TIMEOUT = 1.0
# What "answers within a bound" means here: the probe's timeout plus generous slack for a
# loaded 2-core machine. Today's failure is no answer within 20 s, so the bound still tells.
ANSWER_BOUND_S = PROBE_TIMEOUT + 4.0


@pytest.fixture
async def frozen_ready_client() -> AsyncIterator[tuple[PrivatePostgres, TestClient]]:
    """A private server, tortoise on it, and the ops endpoints over real HTTP."""
    folder = Path(tempfile.mkdtemp(prefix="readyz-"))
    server = PrivatePostgres(folder / "pg")
    server.init()
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(server.url))
    app = web.Application()
    probes = {"database": database_probe(), "inbox": backlog_probe(_count_rows, limit=10)}
    install_ops(app, probes=probes, probe_timeout=PROBE_TIMEOUT)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield server, client
    finally:
        server.thaw()
        await client.close()
        await asyncio.wait_for(Tortoise.close_connections(), 30)
        server.destroy()
        shutil.rmtree(folder, ignore_errors=True)


async def _count_rows() -> Backlog:
    """A backlog read from the database, as the inbox probe's source does."""
    _count, rows = await connections.get("default").execute_query("SELECT 3 AS waiting")
    return Backlog(count=int(rows[0]["waiting"]), oldest_age_seconds=0.0)


async def _timed_get(client: TestClient, path: str) -> tuple[int, dict, float]:
    started = time.monotonic()
    # The client's own limit only keeps a failing test from hanging the run.
    response = await client.get(path, timeout=aiohttp.ClientTimeout(total=30))
    body = await response.json()
    return response.status, body, time.monotonic() - started


async def _wait_until_ready(client: TestClient, deadline_s: float) -> dict:
    deadline = time.monotonic() + deadline_s
    body: dict = {}
    while time.monotonic() < deadline:
        status, body, _ = await _timed_get(client, "/readyz")
        if status == 200:
            return body
        await asyncio.sleep(0.2)  # polling a condition under a deadline, not waiting for luck
    raise AssertionError(f"not ready again within {deadline_s} s: {body}")


async def test_readyz_says_not_ready_within_its_bound_while_postgres_is_frozen(
    frozen_ready_client: tuple[PrivatePostgres, TestClient],
) -> None:
    server, client = frozen_ready_client
    status, body, _ = await _timed_get(client, "/readyz")
    assert status == 200, body  # the pool holds a live connection before the freeze

    server.freeze()
    for _attempt in range(3):  # repeated probes must not pile up behind the first hung one
        status, body, elapsed = await _timed_get(client, "/readyz")
        assert status == 503, body
        assert body["checks"]["database"]["ok"] is False
        assert body["checks"]["database"]["detail"] == f"no answer within {PROBE_TIMEOUT:g} s"
        assert body["checks"]["inbox"]["ok"] is False
        assert elapsed < ANSWER_BOUND_S, f"/readyz took {elapsed:.1f} s while frozen"
        status, body, elapsed = await _timed_get(client, "/healthz")
        assert status == 200 and body["ok"] is True
        assert elapsed < ANSWER_BOUND_S, f"/healthz took {elapsed:.1f} s while frozen"

    server.thaw()
    body = await _wait_until_ready(client, deadline_s=30.0)
    assert body["checks"]["database"] == {"ok": True, "detail": "reachable"}
    assert body["checks"]["inbox"] == {"ok": True, "detail": "3 waiting, oldest 0 s"}
