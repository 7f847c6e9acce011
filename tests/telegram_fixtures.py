"""The fake Bot API and a started Telegram connector, shared by the Telegram test modules.

Registered as a plugin by tests/conftest.py, so every test module has `tg` and `start_bot`;
one that needs the media folder elsewhere overrides `telegram_media_dir`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from connectors.base import ConnectorContext
from connectors.telegram import TelegramConnector, create
from tests.fakes.telegram import FakeTelegram, Script, bot_env


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """A fake Bot API on 127.0.0.1."""
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def telegram_media_dir(tmp_path: Path) -> Path:
    """Where the connector keeps downloaded files."""
    return tmp_path / "media"


@pytest.fixture
async def start_bot(
    tg: FakeTelegram, telegram_media_dir: Path
) -> AsyncIterator[Callable[..., object]]:
    """Start connectors on the fake (a script answers); they are stopped after the test."""
    started: list[TelegramConnector] = []

    async def start(script: Script, **env: str) -> TelegramConnector:
        context = ConnectorContext(
            handler=script, env=bot_env(tg, **env), media_dir=telegram_media_dir
        )
        connector = create(context)
        assert connector is not None
        await connector.start()
        started.append(connector)
        return connector

    yield start
    for connector in started:
        if connector.accepting:
            await connector.stop()


async def wait_seen(tg: FakeTelegram, script: Script, count: int) -> None:
    """Wait until the script saw `count` incoming messages."""
    await tg.wait_for(lambda: len(script.seen) >= count, what=f"{count} incoming")
