"""The Zalo OA fake's sourced behaviours, and the connector's answer to each.

Retries carry the same signed event with a `num_retry` count; an expired access token is
refused with -220 and an unknown one with -216 (both refreshed once and sent again); the
window's neighbouring code -232 is final, like -230.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from connectors.base import Address, ConnectorContext, Outgoing
from connectors.zalo_oa import MessagingWindowError, ZaloOaConnector, create
from tests.fakes._server import AppServer, ScriptedHandler
from tests.fakes.zalo_oa import EXPIRED, INVALID_TOKEN, FakeZaloOa


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloOa]:
    async with FakeZaloOa() as server:
        yield server


async def test_a_retry_is_the_same_signed_event_counted_by_num_retry(fake: FakeZaloOa) -> None:
    seen: list[tuple[str | None, str | None, bytes]] = []

    async def flaky(request: web.Request) -> web.Response:
        seen.append(
            (
                request.headers.get("num_retry"),
                request.headers.get("X-ZEvent-Signature"),
                await request.read(),
            )
        )
        return web.Response(status=500 if len(seen) < 3 else 200)

    server = AppServer()
    server.app.router.add_post("/hook", flaky)
    await server.start()
    try:
        event = fake.text_event("u-1", "Xin chào")
        attempts = await fake.deliver(server.url("/hook"), event, retry_scale=0.001)
    finally:
        await server.stop()
    assert [a.status for a in attempts] == [500, 500, 200]
    assert [number for number, _, _ in seen] == ["0", "1", "2"]
    assert len({(signature, body) for _, signature, body in seen}) == 1  # byte for byte


async def started(fake: FakeZaloOa, tmp_path: Path, access: str, refresh: str) -> Any:
    context = ConnectorContext(
        handler=ScriptedHandler(),
        env=fake.env(refresh, access),
        config={"token_store": "memory", "retry_base": 0.01},
        web_app=AppServer().app,
        media_dir=tmp_path,
    )
    connector = create(context)
    assert isinstance(connector, ZaloOaConnector)
    await connector.start()
    return connector


async def test_an_expired_token_gets_220_and_is_refreshed_once(
    fake: FakeZaloOa, tmp_path: Path
) -> None:
    access, refresh = fake.issue_tokens()
    connector = await started(fake, tmp_path, access, refresh)
    try:
        fake.expire_access_tokens()
        await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing("Nhắc nộp")])
        assert fake.cs_errors == [EXPIRED]
        assert fake.texts("u-1") == ["Nhắc nộp"] and len(fake.refresh_calls) == 1
    finally:
        await connector.stop(timeout=5)


async def test_an_unknown_token_gets_216_and_is_refreshed_once(
    fake: FakeZaloOa, tmp_path: Path
) -> None:
    _, refresh = fake.issue_tokens()
    connector = await started(fake, tmp_path, "at-revoked-by-the-admin", refresh)
    try:
        await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing("Nhắc nộp")])
        assert fake.cs_errors == [INVALID_TOKEN]
        assert fake.texts("u-1") == ["Nhắc nộp"] and len(fake.refresh_calls) == 1
    finally:
        await connector.stop(timeout=5)


async def test_the_window_code_232_is_final_like_230(fake: FakeZaloOa, tmp_path: Path) -> None:
    access, refresh = fake.issue_tokens()
    connector = await started(fake, tmp_path, access, refresh)
    try:
        fake.refuse_window("u-quiet", code=-232, message="User has not interacted")
        with pytest.raises(MessagingWindowError) as caught:
            await connector.send(Address("zalo_oa", "u-quiet", "u-quiet"), [Outgoing("Nhắc")])
        assert caught.value.code == -232
        assert fake.cs_calls == 1  # refused once, not retried
    finally:
        await connector.stop(timeout=5)
