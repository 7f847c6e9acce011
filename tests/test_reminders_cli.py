"""`reportbot periods`, `reportbot remind --dry-run`, and the worker inside the application:
the demo officer sees a reminder in the console when the clock is moved with `--at`."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import sys
from pathlib import Path

import pytest

from reportbot.app import Application, console_config
from reportbot.config import Settings
from reportbot.demo import console_identity, find_person, seed_demo
from reportbot.reminders.cli import register
from reportbot.reminders.worker import ReminderWorker
from reportbot.store.database import close_database, open_database
from reportbot.store.models import ReminderDelivery
from tests.conftest import FORMS_DIR, ROOT, FakeClock
from tests.support import load_shipped_forms
from tests.test_reminders_support import local

RUNNER = """
import sys
import reportbot.cli as cli
sys.exit(cli.main(sys.argv[1:]))
"""


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="reportbot")
    register(parser.add_subparsers())
    return parser.parse_args(argv)


async def run(argv: list[str], settings: Settings) -> int:
    args = parse(argv)
    return await args.func(args, settings)


async def demo_database(url: str) -> None:
    """The demo commune and the shipped forms, as `make run` leaves them."""
    await open_database(url)
    try:
        await seed_demo()
        await load_shipped_forms(*sorted(FORMS_DIR.glob("*.yaml")))
    finally:
        await close_database()


async def test_periods_prints_current_and_next_periods(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(database_url=database_url, forms_dir=FORMS_DIR)
    assert await run(["periods", "nq57_bao_cao_6_thang", "--at", "2026-11-26T10:00"], settings) == 0
    out = capsys.readouterr().out
    assert "hiện tại:\n    2026-H2  năm 2026\n" in out
    assert "    hạn nộp       23:59 20/12/2026" in out
    assert "    chốt số liệu  15/12/2025 – 14/12/2026" in out
    assert "tiếp theo:\n    2027-H1  6 tháng đầu năm 2027" in out
    assert "trước hạn 7 ngày: 07:30 14/12; " in out
    assert "; ngày hết hạn: 07:30 21/12 (bỏ); quá hạn lần 1: 07:30 22/12; " in out
    assert "bao_cao_nhanh_cds_hang_thang" not in out

    assert await run(["periods", "--at", "2026-11-26"], settings) == 0
    assert "2026-12  tháng 12 năm 2026" in capsys.readouterr().out

    assert await run(["periods", "khong_co"], settings) == 1
    assert "không có mẫu báo cáo 'khong_co'" in capsys.readouterr().err

    english = Settings(database_url=database_url, forms_dir=FORMS_DIR, locale="en")
    assert await run(["periods", "nq57_bao_cao_6_thang", "--at", "2026-11-26T10:00"], english) == 0
    out = capsys.readouterr().out
    assert (
        "current:\n    2026-H2  year 2026\n" in out and "    deadline      23:59 20/12/2026" in out
    )
    assert "hạn" not in out and "(bỏ)" not in out
    assert "deadline day: 07:30 21/12 (skipped); overdue #1: 07:30 22/12" in out


async def test_remind_dry_run_shows_who_gets_what_and_sends_nothing(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await demo_database(database_url)
    settings = Settings(database_url=database_url, forms_dir=FORMS_DIR)
    assert await run(["remind", "--dry-run", "--at", "2026-12-19T08:00"], settings) == 0
    out = capsys.readouterr().out
    d1 = out.index("  trước hạn 1 ngày     07:30 19/12/2026  đang đến hạn\n")
    assert "Nguyễn Thị Lan" in out[d1:] and "qua console" in out[d1:]
    assert "Hạn nộp: 20/12/2026 (còn 1 ngày)." in out
    assert "• 📝 Làm báo cáo: /baocao" in out
    assert "Trần Văn Minh" in out[out.index("tổng hợp trước hạn") :]
    assert "  trước hạn 3 ngày     07:30 17/12/2026  đã hết hạn; sẽ ghi bỏ qua" in out
    assert "Tổng số tin sẽ gửi ngay: 2" in out

    assert await run(["remind", "--dry-run", "--at", "2026-12-20T10:00"], settings) == 0
    out = capsys.readouterr().out
    assert (
        "Ngoài giờ gửi: tin đến hạn sẽ đi lúc 07:30 21/12/2026" in out and "07:30 21/12/2026" in out
    )
    assert "Tổng số tin sẽ gửi ngay: 0" in out

    assert await run(["remind"], settings) == 2
    assert "--dry-run" in capsys.readouterr().err
    await open_database(database_url, migrate_first=False)
    try:
        assert not await ReminderDelivery.exists()  # a dry run writes nothing
    finally:
        await close_database()


async def test_the_installed_worker_reminds_the_console_officer(
    database_url: str, tmp_path: Path
) -> None:
    clock = FakeClock(local(2026, 12, 19, 8, 0))
    settings = Settings(
        database_url=database_url,
        forms_dir=FORMS_DIR,
        media_dir=tmp_path / "media",
        mirror_xlsx=tmp_path / "mirror.xlsx",
    )
    app = Application(settings, clock=clock)
    worker = app.reminders
    assert isinstance(worker, ReminderWorker)
    assert "reminders" in app.jobs.jobs  # scheduled on the one job runner
    assert worker.clock is app.service.clock
    await app.open()
    out = io.StringIO()
    try:
        await seed_demo()
        person = await find_person(None)
        assert person is not None
        user_id = await console_identity(person)
        app.add_connectors(
            only={"console"},
            console=console_config(user_id, person.name, io.StringIO(""), out),
        )
        await app.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while "Nhắc nộp báo cáo" not in out.getvalue():
            assert loop.time() < deadline, out.getvalue()
            await asyncio.sleep(0.01)
        while worker.last_report is None:
            assert loop.time() < deadline
            await asyncio.sleep(0.01)
    finally:
        await app.close()
    text = out.getvalue()
    assert "Hạn nộp: 20/12/2026 (còn 1 ngày)." in text
    assert "Hội Liên hiệp Phụ nữ xã chưa gửi báo cáo kỳ này" in text
    assert "• 📝 Làm báo cáo: /baocao" in text
    assert worker.last_report.sent == 1  # the coordinator is not at this console
    assert worker.last_report.undeliverable == 1


async def test_reportbot_chat_at_a_reminder_moment_shows_it(tmp_path: Path) -> None:
    """What `make run` shows: `reportbot chat --at 2026-12-19T08:00`, then typing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env.update(
        PYTHONPATH=str(ROOT),
        REPORTBOT_DATABASE_URL=f"sqlite://{tmp_path / 'reportbot.db'}",
        REPORTBOT_FORMS_DIR=str(FORMS_DIR),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        RUNNER,
        "chat",
        "--at",
        "2026-12-19T08:00",
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin and process.stdout
    try:
        shown = await asyncio.wait_for(process.stdout.readuntil(b"/baocao\n"), timeout=30)
        process.stdin.write(b"/baocao\n")
        await process.stdin.drain()
        process.stdin.close()
        rest, errors = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    reminder = shown.decode()
    assert "🔔 Nhắc nộp báo cáo: Báo cáo kết quả thực hiện Nghị quyết 57 – năm 2026." in reminder
    assert "(còn 1 ngày)" in reminder
    assert process.returncode == 0, errors.decode()
    assert "Báo cáo kết quả thực hiện Nghị quyết 57" in rest.decode()  # /baocao opened it
    assert "Traceback" not in errors.decode()
