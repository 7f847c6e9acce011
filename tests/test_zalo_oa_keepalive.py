"""OA tokens kept alive without traffic, and one clear warning when they cannot be.

The wall clock is moved with time-machine (the fake's token lifetimes and the connector's
expiry both read it); the event loop's clock is untouched, so nothing sleeps.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from connectors.base import Address, ConnectorContext, Outgoing
from connectors.zalo_oa import MemoryTokenStore, TokenPair, ZaloOaConnector, load_settings
from connectors.zalo_oa.keepalive import CHECK_INTERVAL
from tests.fakes._server import AppServer, ScriptedHandler
from tests.fakes.zalo_oa import FakeZaloOa

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)
ACCESS_TTL = 25 * 3600.0  # Zalo: about 25 hours
REFRESH_TTL = 90 * 86400.0  # Zalo: about 3 months unused


@pytest.fixture
def clock() -> AsyncIterator[time_machine.Traveller]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
async def fake(clock: time_machine.Traveller) -> AsyncIterator[FakeZaloOa]:
    async with FakeZaloOa(access_ttl=ACCESS_TTL, refresh_ttl=REFRESH_TTL) as server:
        yield server


async def started(fake: FakeZaloOa, tmp_path: Path, pair: TokenPair) -> ZaloOaConnector:
    server = AppServer()
    context = ConnectorContext(
        handler=ScriptedHandler(),
        env=fake.env(pair.refresh_token, pair.access_token),
        config={"token_store": "memory", "request_timeout": 2.0, "retry_base": 0.01},
        web_app=server.app,
        media_dir=tmp_path,
    )
    settings = load_settings(context.env, context.config)
    assert settings is not None
    connector = ZaloOaConnector(context, settings, MemoryTokenStore(pair))
    await connector.start()
    return connector


async def idle(connector: ZaloOaConnector, clock: time_machine.Traveller, days: float) -> None:
    """Let `days` pass with only the periodic job running, as the app's scheduler would."""
    ((name, interval, job),) = connector.periodic_jobs()
    assert name == "zalo_oa_tokens" and interval == CHECK_INTERVAL
    for _ in range(int(days * 86400 / interval)):
        clock.shift(timedelta(seconds=interval))
        await job()


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_an_idle_bot_keeps_a_working_token_for_months(
    fake: FakeZaloOa,
    clock: time_machine.Traveller,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    access, refresh = fake.issue_tokens()
    connector = await started(fake, tmp_path, TokenPair(access, refresh))
    try:
        with caplog.at_level(logging.INFO):
            # Longer than the access token's life and most of the refresh token's, twice over:
            # without the job the OA would be locked out after 3 months.
            await idle(connector, clock, days=2 * 80)
        assert warnings(caplog) == []
        assert connector.token_warning is None
        # One refresh a day or so: neither a storm nor a gap longer than a token's life.
        assert 150 <= len(fake.refresh_calls) <= 170, len(fake.refresh_calls)
        await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing("Nhắc nộp báo cáo")])
        assert fake.texts("u-1") == ["Nhắc nộp báo cáo"]
        assert fake.access_token_valid(fake.sent[-1].access_token)
        assert fake.refused_refreshes == 0
    finally:
        await connector.stop(timeout=5)


async def test_an_expired_refresh_token_gives_one_clear_warning(
    fake: FakeZaloOa,
    clock: time_machine.Traveller,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    access, refresh = fake.issue_tokens()
    connector = await started(fake, tmp_path, TokenPair(access, refresh))
    try:
        clock.shift(timedelta(seconds=REFRESH_TTL) + DAY)  # the bot was off for 3 months
        with caplog.at_level(logging.WARNING):
            await idle(connector, clock, days=1)
        lines = warnings(caplog)
        assert len(lines) == 1, lines
        assert "re-authorise" in lines[0] and "kết nối lại OA" in lines[0]
        assert refresh not in lines[0]
        assert connector.token_warning == lines[0]
        assert fake.refused_refreshes >= 1
    finally:
        await connector.stop(timeout=5)


async def test_failing_refreshes_warn_once_then_before_the_refresh_token_expires(
    fake: FakeZaloOa,
    clock: time_machine.Traveller,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    access, refresh = fake.issue_tokens()
    connector = await started(fake, tmp_path, TokenPair(access, refresh))
    try:
        await idle(connector, clock, days=1)  # a first refresh: the refresh token's age known
        fake.fail("oauth", times=100_000, status=502)  # Zalo's OAuth host down for weeks
        with caplog.at_level(logging.WARNING):
            await idle(connector, clock, days=60)
            assert len(warnings(caplog)) == 1 and "refresh failed" in warnings(caplog)[0]
            await idle(connector, clock, days=20)  # now within 14 days of the 3 months
        lines = warnings(caplog)
        assert len(lines) == 2, lines
        assert "expires on" in lines[1] and "re-authorise" in lines[1]
    finally:
        await connector.stop(timeout=5)
