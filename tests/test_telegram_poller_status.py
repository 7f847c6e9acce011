"""A poller that keeps failing reaches `reportbot status` (another process): the connector keeps
its problem under `WARNING_KEY` of its durable state, as the running bot's `kv` (issue 13: "the
poller is supervised ... its health in /healthz and `reportbot status`"), and the running
application's `/healthz` turns 503 while it fails.

The real connector polls the fake Bot API over HTTP; the state is the test database's
key-value store, read back by the real `reportbot status` report.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from connectors.base import WARNING_KEY, ConnectorContext, connector_warnings
from connectors.telegram import create
from connectors.telegram.watch import poller_warning
from reportbot.app import Application
from reportbot.cli.status import _report
from reportbot.config import load_settings
from reportbot.store.kv import KeyValueStore
from tests.conftest import FORMS_DIR
from tests.fakes.telegram import FakeTelegram, Script, bot_env


async def kept_until(state: KeyValueStore, wanted: object, what: str) -> str | None:
    """The kept warning once `wanted(value)` holds; fails after 5 s."""
    deadline = time.monotonic() + 5
    while True:
        value = await state.get(WARNING_KEY)
        if wanted(value):  # type: ignore[operator]
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {value!r}"
        await asyncio.sleep(0.02)


async def status_out(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert await _report("vi") == 0
    return capsys.readouterr().out


async def test_failing_polls_are_kept_for_status_and_cleared_when_they_answer(
    db: str, tg: FakeTelegram, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = KeyValueStore("telegram")
    await state.set(WARNING_KEY, "an old problem, solved since")  # left by an earlier run
    context = ConnectorContext(
        handler=Script(), env=bot_env(tg), media_dir=tmp_path / "media", kv=state
    )
    connector = create(context)
    assert connector is not None
    await connector.start()
    try:
        await kept_until(state, lambda v: v is None, "the first answered poll to clear it")
        assert connector.warnings() == []
        assert "Cảnh báo kết nối: không có" in await status_out(capsys)

        tg.fail_next("getUpdates", 10_000, status=502)  # Telegram unreachable for a while
        await tg.wait_for(lambda: not connector.healthy, what="unhealthy")
        (warning,) = connector.warnings()
        assert "không nhận được tin nhắn mới" in warning and "no updates" not in warning
        assert "Bad Gateway" in warning and "REPORTBOT_TELEGRAM_API_URL" in warning
        assert "\n" not in warning and tg.token not in warning
        assert connector_warnings([connector]) == [warning]  # the coordinators' digest too
        assert await kept_until(state, lambda v: v is not None, "the warning") == warning
        out = await status_out(capsys)
        assert "Cảnh báo kết nối: 1" in out
        (line,) = [line for line in out.splitlines() if "⚠️ telegram (" in line]
        assert line.endswith(warning)

        tg.heal()
        await kept_until(state, lambda v: v is None, "the recovery to clear it")
        assert connector.healthy and connector.warnings() == []
        assert "Cảnh báo kết nối: không có" in await status_out(capsys)
    finally:
        await connector.stop()
    assert connector.warnings() == []  # stopped: no longer this connector's word


async def test_healthz_follows_the_poller(tg: FakeTelegram, tmp_path: Path) -> None:
    # The whole application on its own SQLite file (it opens and closes its database).
    env = {
        "REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'bot.db'}",
        "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
        "REPORTBOT_MEDIA_DIR": str(tmp_path / "media"),
        **bot_env(tg),
    }
    app = Application(load_settings(env=env, config_file=None))
    await app.open()
    try:
        app.add_connectors(only={"telegram"})
        await app.start()
        async with TestClient(TestServer(app.web_app)) as client:

            async def health() -> tuple[int, dict]:
                response = await client.get("/healthz")
                return response.status, await response.json()

            status, body = await health()
            assert status == 200 and body["unhealthy"] == [] and body["telegram"]["healthy"]
            connector = app.connectors[0]
            tg.fail_next("getUpdates", 10_000, status=502)
            await tg.wait_for(lambda: not connector.healthy, what="unhealthy")
            status, body = await health()
            assert status == 503 and body["unhealthy"] == ["telegram"]
            assert body["telegram"]["failures"] >= 3 and body["telegram"]["mode"] == "polling"
            assert "Bad Gateway" in body["telegram"]["last_error"]
            tg.heal()
            await tg.wait_for(lambda: connector.healthy, what="healthy again")
            assert (await health())[0] == 200
    finally:
        await app.close()


def test_the_warning_is_in_the_administrators_language_only() -> None:
    vietnamese = poller_warning(3, "Bad Gateway", "vi")
    english = poller_warning(3, "Bad Gateway", "en")
    assert "không nhận được tin nhắn mới (3 lần" in vietnamese and "Bad Gateway" in vietnamese
    assert english.startswith("Telegram: no updates are coming in (3 failed polls")
    assert "nhận" not in english and "no updates" not in vietnamese
