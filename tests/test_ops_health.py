"""`/healthz` and `/readyz` over a real aiohttp server, with probes against real databases.

The database-down cases use the real driver (asyncpg through tortoise) against a port that
refuses connections and against a socket that accepts and never answers (a hung server).
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from drills.ports import free_port
from reportbot.ops.health import ProbeResult, install_ops
from reportbot.ops.metrics import Backlog
from reportbot.ops.probes import (
    backlog_probe,
    connectors_probe,
    database_probe,
    tortoise_pool_usage,
)
from reportbot.store.database import tortoise_config


async def serve(app: web.Application) -> TestClient:
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_healthz_is_live_without_any_probe() -> None:
    app = web.Application()
    install_ops(app, probes={"never": _never_ready})
    client = await serve(app)
    try:
        response = await client.get("/healthz")
        body = await response.json()
        assert response.status == 200
        assert body["ok"] is True
        assert body["version"]
        ready = await client.get("/readyz")
        assert ready.status == 503  # live but not ready: two different questions
    finally:
        await client.close()


async def _never_ready() -> ProbeResult:
    return ProbeResult(False, "starting")


async def test_readyz_passes_on_a_reachable_database_and_reads_pool_use(db: str) -> None:
    started: list[str] = []
    app = web.Application()
    install_ops(
        app,
        probes={
            "database": database_probe(),
            "connectors": connectors_probe(lambda: started, expected=lambda: ["telegram"]),
        },
    )
    client = await serve(app)
    try:
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 503
        assert body["checks"]["database"] == {"ok": True, "detail": "reachable"}
        assert body["checks"]["connectors"] == {"ok": False, "detail": "not started: telegram"}

        started.append("telegram")
        response = await client.get("/readyz")
        assert response.status == 200, await response.text()
    finally:
        await client.close()
    usage = await tortoise_pool_usage()
    if db.startswith("sqlite"):
        assert usage is None
    else:
        assert usage is not None and usage.maximum >= 1 and usage.in_use >= 0


async def _readyz_with_database(url: str, timeout: float) -> tuple[int, dict]:
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    app = web.Application()
    install_ops(app, probes={"database": database_probe()}, probe_timeout=timeout)
    client = await serve(app)
    try:
        response = await client.get("/readyz")
        return response.status, await response.json()
    finally:
        await client.close()
        await Tortoise.close_connections()


async def test_readyz_is_503_when_the_database_refuses_connections() -> None:
    url = f"postgres://reportbot:s3cret-pw@127.0.0.1:{free_port()}/reportbot"
    status, body = await _readyz_with_database(url, timeout=5.0)
    assert status == 503
    check = body["checks"]["database"]
    assert check["ok"] is False and check["detail"].startswith("failed: ")
    assert "s3cret-pw" not in str(body)


async def test_readyz_is_503_quickly_when_the_database_hangs() -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def black_hole(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # accept, never answer: a database stuck under load

    server = await asyncio.start_server(black_hole, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        status, body = await _readyz_with_database(
            f"postgres://reportbot@127.0.0.1:{port}/reportbot", timeout=0.5
        )
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()
    assert status == 503
    assert body["checks"]["database"] == {"ok": False, "detail": "no answer within 0.5 s"}
    assert accepted, "the probe really tried the database"


async def test_readyz_is_503_while_the_backlog_is_over_its_threshold() -> None:
    backlog = [Backlog(1500, 90.0)]

    async def inbox() -> Backlog:
        return backlog[0]

    app = web.Application()
    install_ops(app, probes={"inbox": backlog_probe(inbox, limit=1000, max_age_seconds=300)})
    client = await serve(app)
    try:
        response = await client.get("/readyz")
        body = await response.json()
        assert response.status == 503
        assert body["checks"]["inbox"]["detail"] == "1500 waiting, oldest 90 s (limit 1000)"
        backlog[0] = Backlog(10, 600.0)  # few rows, but one stuck for ten minutes
        response = await client.get("/readyz")
        assert response.status == 503
        backlog[0] = Backlog(10, 2.0)
        response = await client.get("/readyz")
        assert response.status == 200
        assert (await response.json())["checks"]["inbox"]["ok"] is True
    finally:
        await client.close()
