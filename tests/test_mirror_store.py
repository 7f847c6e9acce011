"""The mirror fed by the real store: officers file through the service, the worker reads the
outbox (SQLite and PostgreSQL) and writes the sheet (local workbook, or gspread on the fake)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from reportbot.app import Application
from reportbot.config import load_settings
from reportbot.mirror.backend import MirrorError
from reportbot.mirror.google import GoogleSheetsBackend
from reportbot.mirror.ratelimit import RetryPolicy
from reportbot.mirror.records import STATUS_SHEET_TITLE, sheet_titles
from reportbot.mirror.source import StoreMirrorSource
from reportbot.mirror.worker import MirrorWorker
from reportbot.mirror.xlsx import EXCEL_TITLE_CHARS, XlsxBackend
from reportbot.service import ConversationService
from reportbot.store.lease import Lease
from reportbot.store.models import OutboxEntry, Submission
from tests.conftest import FORMS_DIR, TZ, FakeClock
from tests.fakes.sheets import FakeSheets
from tests.mirror_support import database_with_one_report, file_report, sheets_command
from tests.support import NQ57_SCRIPT, Chat, seed_commune

FAST = RetryPolicy(attempts=2, base_s=0.001, cap_s=0.01)


def workbook_rows(path: Path, title: str) -> list[list[Any]]:
    sheet = load_workbook(path)[title]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


async def form_title(source: StoreMirrorSource, excel: bool) -> str:
    layouts = (await source.build_batch([s.id for s in await Submission.all()])).layouts
    return sheet_titles(layouts, EXCEL_TITLE_CHARS if excel else 100)[layouts[0].form_key]


async def test_a_filed_report_reaches_the_workbook(
    service: ConversationService, clock: FakeClock, tmp_path: Path
) -> None:
    await file_report(service)
    source = StoreMirrorSource(TZ, clock=clock)
    worker = MirrorWorker(XlsxBackend(tmp_path / "m.xlsx"), source)
    assert await worker.run_once() >= 1
    assert await OutboxEntry.all().count() == 0

    rows = workbook_rows(tmp_path / "m.xlsx", await form_title(source, excel=True))
    header, row = rows[0], rows[1]
    cells = dict(zip(header, row, strict=False))
    assert len(rows) == 2
    assert cells["Đơn vị"] == "Hội Liên hiệp Phụ nữ xã"
    assert cells["Loại đơn vị"] == "Đoàn thể"
    assert cells["Trạng thái"] == "Đã nộp" and cells["Lần gửi"] == 1
    assert cells["Người gửi"] == "Cán bộ hoiphunu"
    assert cells["Kỳ báo cáo"].endswith("2026")
    by_id = {h: v for h, v in zip(header[10:], row[10:], strict=False)}
    assert "Có" in by_id.values() and "KH-12/HPN" in by_id.values()
    # The date answer is a real date cell (shown 01/03/2026 by its number format).
    assert datetime(2026, 3, 1) in by_id.values() and 15_000_000 in by_id.values()
    assert any(isinstance(v, str) and "; " in v for v in by_id.values())  # two events

    status = workbook_rows(tmp_path / "m.xlsx", STATUS_SHEET_TITLE)
    units: dict[str, str] = {}  # the current period's section comes first; then 2026-H1,
    for r in status:  # which nobody has filed and every unit still owes
        if r and r[0] in ("hoiphunu", "th_dakpxi", "vhxh"):
            units.setdefault(r[0], r[3])
    assert units == {"hoiphunu": "Đã nộp", "th_dakpxi": "Chưa nộp", "vhxh": "Chưa nộp"}
    previous = "Báo cáo kết quả thực hiện Nghị quyết 57 — 6 tháng đầu năm 2026"
    assert previous in [r[0] for r in status]


async def test_a_draft_row_becomes_the_submitted_row(
    service: ConversationService, clock: FakeClock, tmp_path: Path
) -> None:
    source = StoreMirrorSource(TZ, clock=clock)
    worker = MirrorWorker(XlsxBackend(tmp_path / "m.xlsx"), source)
    chat = Chat(service, "u-hoiphunu")
    await chat.say("/baocao")
    await chat.say("2")
    for _, typed, _ in NQ57_SCRIPT[:3]:
        await chat.say(typed)
    await worker.run_once()
    title = await form_title(source, excel=True)
    rows = workbook_rows(tmp_path / "m.xlsx", title)
    assert len(rows) == 2 and rows[1][4] == "Đang soạn"
    for _, typed, _ in NQ57_SCRIPT[3:]:
        await chat.say(typed)
    await chat.say("/gui")
    await chat.say("có")
    await worker.run_once()
    rows = workbook_rows(tmp_path / "m.xlsx", title)
    assert len(rows) == 2 and rows[1][4] == "Đã nộp"
    assert await source.backlog() == 0


async def test_an_outage_keeps_the_entries_then_delivers(
    service: ConversationService, clock: FakeClock
) -> None:
    await file_report(service)
    async with FakeSheets() as fake:
        backend = GoogleSheetsBackend(fake.spreadsheet_id, api_url=fake.base_url, retry=FAST)
        source = StoreMirrorSource(TZ, clock=clock)
        worker = MirrorWorker(backend, source)
        fake.down()
        with pytest.raises(MirrorError):
            await worker.run_once()
        entry = await OutboxEntry.get()
        assert entry.attempts == 1 and "503" in (entry.last_error or "")
        assert await source.last_error() == (entry.last_error, 1)
        fake.up()
        assert await worker.run_once() == 1
        assert await source.backlog() == 0
        title = await form_title(source, excel=False)
        ids = [row[0] for row in fake.values(title)[1:]]
        assert ids == [(await Submission.get()).id]
        await backend.close()


async def test_an_entry_changed_during_delivery_is_kept(
    service: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.say("/baocao")
    await chat.say("2")
    await chat.say(NQ57_SCRIPT[0][1])
    source = StoreMirrorSource(TZ, clock=clock)
    changes = await source.pending(10)
    assert len(changes) == 1
    await chat.say(NQ57_SCRIPT[1][1])  # another answer while the rows are being written
    await source.done(changes)
    assert await source.backlog() == 1
    again = await source.pending(10)
    assert again[0].seq > changes[0].seq
    await source.done(again)
    assert await source.backlog() == 0


async def test_one_process_at_a_time(
    service: ConversationService, clock: FakeClock, tmp_path: Path
) -> None:
    await file_report(service)
    source = StoreMirrorSource(TZ, clock=clock)
    other = Lease("sheet-mirror", "other-process", ttl=timedelta(seconds=60), clock=clock)
    assert await other.acquire()
    worker = MirrorWorker(
        XlsxBackend(tmp_path / "m.xlsx"),
        source,
        lease=Lease("sheet-mirror", "me", ttl=timedelta(minutes=5), clock=clock),
    )
    assert await worker.run_once() == 0  # the other process is flushing
    assert await source.backlog() == 1 and not (tmp_path / "m.xlsx").exists()
    clock.advance(seconds=61)  # it died: its lease ran out
    assert await worker.run_once() == 1
    assert not await other.acquire()  # now we hold it
    await worker.lease.release()  # type: ignore[union-attr]
    assert await other.acquire()


def test_command_line_status_flush_resync(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"sqlite://{tmp_path / 'bot.db'}"
    workbook = tmp_path / "mirror.xlsx"
    settings = load_settings(
        env={"REPORTBOT_DATABASE_URL": database, "REPORTBOT_MIRROR_XLSX": str(workbook)},
        config_file=None,
    )

    database_with_one_report(database)
    command = sheets_command(settings, capsys)

    def run(*argv: str) -> str:
        code, out = command(*argv)
        assert code == 0, out
        return out

    assert "Thay đổi đang chờ: 1" in run("sheets", "status")
    assert "đã ghi 1 thay đổi" in run("sheets", "flush")
    assert "Thay đổi đang chờ: 0" in run("sheets", "status")
    assert len(load_workbook(workbook).worksheets) == 2
    workbook.unlink()
    assert "đã dựng lại bảng tính từ cơ sở dữ liệu: 1 báo cáo" in run("sheets", "resync")
    title = next(name for name in load_workbook(workbook).sheetnames if name != STATUS_SHEET_TITLE)
    assert len(workbook_rows(workbook, title)) == 2

    # One language at a time: English when the bot's locale is English, no Vietnamese label.
    english = load_settings(
        env={
            "REPORTBOT_DATABASE_URL": database,
            "REPORTBOT_MIRROR_XLSX": str(workbook),
            "REPORTBOT_LOCALE": "en",
        },
        config_file=None,
    )
    code, out = sheets_command(english, capsys)("sheets", "status")
    assert code == 0
    assert f"Destination: workbook {workbook}\n" in out and "Backlog: 0\n" in out
    assert "Last error: none" in out and "Thay đổi" not in out


async def test_the_running_bot_fills_the_workbook(tmp_path: Path) -> None:
    workbook = tmp_path / "mirror.xlsx"
    settings = load_settings(
        env={
            "REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'bot.db'}",
            "REPORTBOT_MIRROR_XLSX": str(workbook),
            "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
            "REPORTBOT_SHEETS_INTERVAL": "0.02",
        },
        config_file=None,
    )
    app = Application(settings, clock=FakeClock(datetime(2026, 11, 26, 3, 0, tzinfo=UTC)))
    assert "sheet-mirror" in app.jobs.jobs
    await app.open()
    try:
        await seed_commune()
        await app.start()
        await file_report(app.service)
        # A deadline, not a measure: writing the workbook took 5 s on 2 loaded cores in CI.
        deadline = asyncio.get_running_loop().time() + 30
        while await OutboxEntry.all().count():
            assert asyncio.get_running_loop().time() < deadline, "the worker did not flush"
            await asyncio.sleep(0.02)
    finally:
        await app.close()
    title = next(name for name in load_workbook(workbook).sheetnames if name != STATUS_SHEET_TITLE)
    rows = workbook_rows(workbook, title)
    assert len(rows) == 2 and rows[1][4] == "Đã nộp"
