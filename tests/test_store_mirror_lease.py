"""`reportbot sheets ...` while a bot's mirror runs in another process: status and flush name
the holder, resync asks it to rebuild, and after the bot is killed (SIGKILL) the command line
takes the mirror over within 15 s."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportbot.config import load_settings
from reportbot.mirror.records import STATUS_SHEET_TITLE
from tests.mirror_support import database_with_one_report, sheets_command

ROOT = Path(__file__).resolve().parent.parent
RECOVERY_S = 15.0  # issue 12: a crashed holder's jobs resume within 15 s

BOT_MIRROR = """
import asyncio, json, sys
from pathlib import Path
from reportbot.config import load_settings
from reportbot.jobs import JobRunner
from reportbot.mirror.extension import LEASE_NAME, MirrorService, build_worker
from reportbot.store.database import open_database

async def main(args):
    settings = load_settings(env=args["env"], config_file=None)
    await open_database(settings.database_url, migrate_first=False)
    service = MirrorService(build_worker(settings))
    jobs = JobRunner()  # as the bot schedules it (reportbot.mirror.extension.install)
    jobs.add(LEASE_NAME, service.worker.interval_s, service.tick)
    await jobs.start()
    Path(args["ready"]).touch()
    await asyncio.Event().wait()  # the bot runs until it is killed

asyncio.run(main(json.loads(sys.argv[1])))
"""


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_sheets_commands_while_another_process_holds_the_mirror(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"sqlite://{tmp_path / 'bot.db'}"
    workbook = tmp_path / "mirror.xlsx"
    env = {
        "REPORTBOT_DATABASE_URL": database,
        "REPORTBOT_MIRROR_XLSX": str(workbook),
        "REPORTBOT_SHEETS_INTERVAL": "0.2",
    }
    settings = load_settings(env=env, config_file=None)

    database_with_one_report(database)
    run = sheets_command(settings, capsys)

    ready = tmp_path / "ready"
    bot = subprocess.Popen(
        [sys.executable, "-c", BOT_MIRROR, json.dumps({"env": env, "ready": str(ready)})],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: ready.exists() or bot.poll() is not None, timeout=60)
        assert bot.poll() is None, bot.stderr.read().decode()  # type: ignore[union-attr]
        wait_until(lambda: "Thay đổi đang chờ: 0" in run("sheets", "status")[1], timeout=30)
        code, out = run("sheets", "status")
        held_by = next(line for line in out.splitlines() if line.startswith("Đang ghi bởi: "))
        assert f":{bot.pid}:" in held_by and "(từ " in held_by

        code, out = run("sheets", "flush")
        assert code == 1 and "đã ghi" not in out
        assert f":{bot.pid}:" in out and "tiến trình khác đang ghi bảng tính" in out

        workbook.unlink()
        code, out = run("sheets", "resync")
        assert code == 0, out
        assert f":{bot.pid}:" in out and "đã dựng lại bảng tính từ cơ sở dữ liệu: 1 báo cáo" in out
        title = next(n for n in load_workbook(workbook).sheetnames if n != STATUS_SHEET_TITLE)
        assert len(list(load_workbook(workbook)[title].iter_rows())) == 2
    finally:
        killed_at = time.monotonic()
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait(timeout=30)

    def flushed_here() -> bool:
        code, out = run("sheets", "flush")
        return code == 0 and "đã ghi 0 thay đổi" in out

    wait_until(flushed_here, timeout=RECOVERY_S)
    assert time.monotonic() - killed_at <= RECOVERY_S
    code, out = run("sheets", "status")
    assert "Đang ghi bởi: không có" in out  # the command released it again
