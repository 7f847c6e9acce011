"""OA tokens kept alive without traffic, and one clear warning when they cannot be.

The wall clock is moved with time-machine (the fake's token lifetimes and the connector's
expiry both read it); the event loop's clock is untouched, so nothing sleeps.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from connectors.base import Address, ConnectorContext, Outgoing
from connectors.zalo_oa import MemoryTokenStore, TokenPair, ZaloOaConnector, load_settings
from tests.fakes._server import AppServer, ScriptedHandler
from tests.fakes.zalo_oa import FakeZaloOa
from tests.zalo_oa_fixtures import REFRESH_TTL, idle

DAY = timedelta(days=1)


async def started(oa_fake_aging: FakeZaloOa, tmp_path: Path, pair: TokenPair) -> ZaloOaConnector:
    server = AppServer()
    context = ConnectorContext(
        handler=ScriptedHandler(),
        env=oa_fake_aging.env(pair.refresh_token, pair.access_token),
        config={"token_store": "memory", "request_timeout": 2.0, "retry_base": 0.01},
        web_app=server.app,
        media_dir=tmp_path,
    )
    settings = load_settings(context.env, context.config)
    assert settings is not None
    connector = ZaloOaConnector(context, settings, MemoryTokenStore(pair))
    await connector.start()
    return connector


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_an_idle_bot_keeps_a_working_token_for_months(
    oa_fake_aging: FakeZaloOa,
    wall_clock: time_machine.Traveller,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    access, refresh = oa_fake_aging.issue_tokens()
    connector = await started(oa_fake_aging, tmp_path, TokenPair(access, refresh))
    try:
        with caplog.at_level(logging.INFO):
            # Longer than the access token's life and most of the refresh token's, twice over:
            # without the job the OA would be locked out after 3 months.
            await idle(connector, wall_clock, hours=24 * 2 * 80)
        assert warnings(caplog) == []
        assert connector.token_warning is None
        # One refresh a day or so: neither a storm nor a gap longer than a token's life.
        assert 150 <= len(oa_fake_aging.refresh_calls) <= 170, len(oa_fake_aging.refresh_calls)
        await connector.send(Address("zalo_oa", "u-1", "u-1"), [Outgoing("Nhắc nộp báo cáo")])
        assert oa_fake_aging.texts("u-1") == ["Nhắc nộp báo cáo"]
        assert oa_fake_aging.access_token_valid(oa_fake_aging.sent[-1].access_token)
        assert oa_fake_aging.refused_refreshes == 0
    finally:
        await connector.stop(timeout=5)


async def test_an_expired_refresh_token_gives_one_clear_warning(
    oa_fake_aging: FakeZaloOa,
    wall_clock: time_machine.Traveller,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    access, refresh = oa_fake_aging.issue_tokens()
    connector = await started(oa_fake_aging, tmp_path, TokenPair(access, refresh))
    try:
        wall_clock.shift(timedelta(seconds=REFRESH_TTL) + DAY)  # the bot was off for 3 months
        with caplog.at_level(logging.WARNING):
            await idle(connector, wall_clock, hours=24)
        lines = warnings(caplog)
        assert len(lines) == 1, lines
        assert "kết nối lại OA" in lines[0] and "re-authorise" not in lines[0]  # one language
        assert refresh not in lines[0]
        assert connector.token_warning == lines[0]
        assert oa_fake_aging.refused_refreshes >= 1
    finally:
        await connector.stop(timeout=5)


async def test_failing_refreshes_warn_once_then_before_the_refresh_token_expires(
    oa_fake_aging: FakeZaloOa,
    wall_clock: time_machine.Traveller,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    access, refresh = oa_fake_aging.issue_tokens()
    connector = await started(oa_fake_aging, tmp_path, TokenPair(access, refresh))
    try:
        await idle(
            connector, wall_clock, hours=24
        )  # a first refresh: the refresh token's age known
        oa_fake_aging.fail("oauth", times=100_000, status=502)  # Zalo's OAuth host down for weeks
        with caplog.at_level(logging.WARNING):
            await idle(connector, wall_clock, hours=1440)
            assert len(warnings(caplog)) == 1 and "làm mới token thất bại" in warnings(caplog)[0]
            await idle(connector, wall_clock, hours=480)  # now within 14 days of the 3 months
        lines = warnings(caplog)
        assert len(lines) == 2, lines
        assert "hết hạn ngày" in lines[1] and "kết nối lại OA" in lines[1]
        assert "expires on" not in lines[1]
    finally:
        await connector.stop(timeout=5)
