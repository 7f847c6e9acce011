"""The bot says it cannot store when the database refuses writes (a read-only file, a full
disk): /readyz's `storage` probe is not ready, with the reason, after a write the group writer
could not commit, and ready again after the next that it could; `run` does not start and
`status` exits 1 with the line. Before: `run` said running, /readyz (`SELECT 1`) was ok, every
webhook got 503 with WARNING lines only, and `status` exited 0 (tester finding).

The refusal is SQLite's own: `query_only=ON` (a pragma tortoise sets from the URL) refuses
every write with SQLITE_READONLY, as a file the bot's user may not write does."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise import Tortoise

from connectors.base import Incoming
from reportbot.ops.probes import storage_probe
from reportbot.store import inbox, storage_health
from reportbot.store.database import tortoise_config
from reportbot.store.writer import GroupCommitter
from tests.test_cli import run_cli


async def _accept(url: str, update_id: str) -> None:
    await Tortoise.init(config=tortoise_config(url))
    committer = GroupCommitter()
    try:
        message = Incoming(
            platform="telegram", user_id="7", chat_id="7", text="hi", update_id=update_id
        )
        await committer.accept(message, datetime.now(UTC))
    finally:
        await committer.close()
        await Tortoise.close_connections()


async def test_readyz_says_the_database_refuses_writes_until_one_is_stored(
    tmp_path: Path, sqlite_template: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "reportbot.db"
    shutil.copy(sqlite_template, path)
    probe = storage_probe(storage_health.recheck)
    with caplog.at_level(logging.INFO, logger="reportbot.store.storage_health"):
        for update in ("1", "2"):  # two refused updates: one ERROR line, not one per update
            with pytest.raises(inbox.InboxUnavailable):
                await _accept(f"sqlite://{path}?query_only=ON", update)
        await Tortoise.init(config=tortoise_config(f"sqlite://{path}?query_only=ON"))
        refused = await probe()  # tried again: still refused
        await Tortoise.close_connections()
        await _accept(f"sqlite://{path}", "3")  # the owner fixed the file
        stored = await probe()
    assert not refused.ok and refused.detail == "refuses writes: the database is read-only"
    assert stored.ok
    levels = [r.levelname for r in caplog.records if r.name == "reportbot.store.storage_health"]
    assert levels == ["ERROR", "INFO"]


def test_run_and_status_refuse_a_read_only_database(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{database}", "REPORTBOT_DEMO": "false"}
    assert run_cli(["db", "migrate"], env=env, cwd=tmp_path).returncode == 0
    read_only = {**env, "REPORTBOT_DATABASE_URL": f"sqlite://{database}?query_only=ON"}
    status = run_cli(["status"], env=read_only, cwd=tmp_path)
    assert status.returncode == 1
    assert "cơ sở dữ liệu chỉ cho đọc" in status.stdout
    run = run_cli(["run"], env=read_only, cwd=tmp_path)
    assert run.returncode == 1 and "đang chạy" not in run.stdout
    assert "cơ sở dữ liệu chỉ cho đọc" in run.stderr and "Traceback" not in run.stderr
    assert run_cli(["status"], env=env, cwd=tmp_path).returncode == 0


async def test_readyz_is_ready_again_once_fixed_with_no_update_arriving(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """Review finding: only the writer cleared the refusal, so /readyz stayed 503 after the
    fix until an update was stored, and never where a proxy keeps traffic from a bot that
    is not ready."""
    path = tmp_path / "reportbot.db"
    shutil.copy(sqlite_template, path)
    with pytest.raises(inbox.InboxUnavailable):
        await _accept(f"sqlite://{path}?query_only=ON", "1")
    assert storage_health.problem() == "the database is read-only"
    await Tortoise.init(config=tortoise_config(f"sqlite://{path}"))  # the owner fixed it
    try:
        result = await storage_probe(storage_health.recheck)()
    finally:
        await Tortoise.close_connections()
    assert result.ok and storage_health.problem() is None, result
