"""The fake Zalo OA API and a started OA connector, shared by the Zalo OA test modules.

Registered as a plugin by tests/conftest.py, so every test module has `oa_fake` and `oa`;
a module that needs other connector timings overrides `oa_config`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from connectors.base import ConnectorContext
from connectors.zalo_oa import TokenStore, ZaloOaConnector, create
from connectors.zalo_oa.config import load_settings
from connectors.zalo_oa.keepalive import CHECK_INTERVAL
from tests.fakes._server import AppServer
from tests.fakes.zalo_oa import FakeZaloOa


@pytest.fixture
async def oa_fake() -> AsyncIterator[FakeZaloOa]:
    """A fake OA API and OAuth server on 127.0.0.1."""
    async with FakeZaloOa() as server:
        yield server


@pytest.fixture
def oa_config() -> dict[str, Any]:
    """Connector settings that keep the tests fast (short timeouts and retry delays)."""
    return {
        "request_timeout": 1.0,
        "retry_base": 0.01,
        "retry_max": 0.05,
        "rate": "500,200",
        "rate_limit_wait": 0.05,
    }


@pytest.fixture
async def oa(
    oa_fake: FakeZaloOa, oa_config: dict[str, Any], tmp_path: Path
) -> AsyncIterator[Callable[..., Any]]:
    """Start an OA connector on a real web server; `await oa(handler)` → (connector, webhook URL).

    `store` hands the connector a token store of the test's own; `with_access_token=False`
    starts it with the refresh token only; `env` adds variables (REPORTBOT_LOCALE); other
    keywords are connector settings.
    """
    started: list[tuple[ZaloOaConnector, AppServer]] = []

    async def start(
        handler: Any,
        accept: Any = None,
        *,
        store: TokenStore | None = None,
        with_access_token: bool = True,
        env: dict[str, str] | None = None,
        **config: Any,
    ) -> tuple[ZaloOaConnector, str]:
        access, refresh = oa_fake.issue_tokens()
        server = AppServer()
        context = ConnectorContext(
            handler=handler,
            env={**oa_fake.env(refresh, access if with_access_token else None), **(env or {})},
            config={**oa_config, "token_store": "memory", **config},
            web_app=server.app,
            media_dir=tmp_path / "media",
            accept=accept,
        )
        if store is None:
            connector = create(context)
        else:
            settings = load_settings(context.env, context.config)
            assert settings is not None
            connector = ZaloOaConnector(context, settings, store)
        assert isinstance(connector, ZaloOaConnector)
        await server.start()
        await connector.start()
        started.append((connector, server))
        return connector, server.url("/webhook/zalo-oa")

    yield start
    for connector, server in started:
        await connector.stop(timeout=5)
        await server.stop()


# Token lifetimes as Zalo documents them, for the tests that let months pass on the wall clock.
OA_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
ACCESS_TTL = 25 * 3600.0  # Zalo: about 25 hours
REFRESH_TTL = 90 * 86400.0  # Zalo: about 3 months unused


@pytest.fixture
def wall_clock() -> AsyncIterator[time_machine.Traveller]:
    """The wall clock held at `OA_START`, moved only by the test (the event loop's is not)."""
    with time_machine.travel(OA_START, tick=False) as traveller:
        yield traveller


@pytest.fixture
async def oa_fake_aging(wall_clock: time_machine.Traveller) -> AsyncIterator[FakeZaloOa]:
    """A fake OA whose tokens expire after Zalo's lifetimes, on the test's wall clock."""
    async with FakeZaloOa(access_ttl=ACCESS_TTL, refresh_ttl=REFRESH_TTL) as server:
        yield server


async def idle(
    connector: ZaloOaConnector, wall_clock: time_machine.Traveller, hours: float
) -> None:
    """Let `hours` pass with only the token job running, as the app's scheduler would."""
    ((name, interval, job),) = connector.periodic_jobs()
    assert name == "zalo_oa_tokens" and interval == CHECK_INTERVAL
    for _ in range(int(hours * 3600 / interval)):
        wall_clock.shift(timedelta(seconds=interval))
        await job()
