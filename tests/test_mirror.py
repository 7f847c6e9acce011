"""The sheet mirror end to end: the same cases on Google Sheets (real gspread against the fake
Sheets API) and on a local .xlsx workbook (read back with openpyxl), plus the outbox worker."""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from reportbot.mirror.backend import MirrorBackend, MirrorError, MirrorUnavailable
from reportbot.mirror.google import GoogleSheetsBackend
from reportbot.mirror.google_client import make_client
from reportbot.mirror.ratelimit import RetryPolicy
from reportbot.mirror.records import (
    STATUS_SHEET_TITLE,
    ColumnSpec,
    FormLayout,
    MirrorBatch,
    StatusRow,
    StatusSheet,
    SubmissionRecord,
)
from reportbot.mirror.worker import MirrorWorker, PendingChange
from reportbot.mirror.xlsx import XlsxBackend
from tests.fakes.sheets import FakeSheets

T0 = datetime(2025, 6, 10, 2, 30, tzinfo=UTC)  # 09:30 in Hà Nội
CHOICES = {"ngay_18_5": "Ngày KH&CN (18/5)", "ngay_1_10": "Ngày ĐMST (1/10)"}
V1 = FormLayout(
    "nq57",
    "Báo cáo Nghị quyết 57",
    (
        ColumnSpec("co_ke_hoach", "Đã ban hành kế hoạch?", "yes_no"),
        ColumnSpec("so_bai_viet", "Số tin, bài", "integer"),
        ColumnSpec("kinh_phi", "Kinh phí (triệu đồng)", "decimal"),
        ColumnSpec("su_kien", "Sự kiện đã tổ chức", "select_multiple", CHOICES),
        ColumnSpec("ngay_ban_hanh", "Ngày ban hành", "date"),
        ColumnSpec("ghi_chu", "Ghi chú", "long_text"),
    ),
)
V2 = replace(V1, columns=(*V1.columns, ColumnSpec("so_lop", "Số lớp học số", "integer")))
TITLE = V1.title
ID, UNIT, STATUS, REVISION, VERSION = 0, 1, 4, 8, 9
PLAN, ARTICLES, MONEY, EVENTS, ISSUED, NOTE, CLASSES = 10, 11, 12, 13, 14, 15, 16


def record(
    submission_id: int,
    *,
    revision: int = 1,
    version: int = 1,
    answers: dict[str, Any] | None = None,
    status: str = "submitted",
) -> SubmissionRecord:
    """A Resolution 57 report of unit number `submission_id`."""
    base: dict[str, Any] = {
        "co_ke_hoach": "yes",
        "so_bai_viet": 10 * submission_id,
        "kinh_phi": Decimal("12.5"),
        "su_kien": ["ngay_18_5", "ngay_1_10"],
        "ngay_ban_hanh": date(2025, 3, 5),
        "ghi_chu": f"Đơn vị {submission_id} báo cáo",
    }
    return SubmissionRecord(
        submission_id=submission_id,
        form_key="nq57",
        unit_code=f"U{submission_id:02d}",
        unit_name=f"Đơn vị {submission_id:02d}",
        unit_type="truong_hoc",
        period_key="2025-H1",
        period_label="6 tháng đầu năm 2025",
        status=status,
        submitted_by="Nguyễn Văn An",
        submitted_at=T0 if status == "submitted" else None,
        updated_at=T0 + timedelta(minutes=revision),
        revision=revision,
        template_version=version,
        answers={**base, **(answers or {})},
    )


def status_sheet() -> StatusSheet:
    """Four units: one on time, one late, one drafting, one missing."""
    rows = (
        StatusRow("U01", "Đơn vị 01", "truong_hoc", "on_time", T0, "Nguyễn Văn An"),
        StatusRow("U02", "Đơn vị 02", "phong", "late", T0 + timedelta(days=15), "Trần Thị Bình"),
        StatusRow("U03", "Đơn vị 03", "doan_the", "draft"),
        StatusRow("U04", "Đơn vị 04", "to_cns", "missing"),
    )
    deadline = datetime(2025, 6, 20, 16, 59, tzinfo=UTC)
    return StatusSheet("nq57", TITLE, "2025-H1", "6 tháng đầu năm 2025", deadline, rows)


def batch(*records: SubmissionRecord, layout: FormLayout = V1, status: bool = False) -> MirrorBatch:
    """A batch of records of the Resolution 57 form."""
    return MirrorBatch((layout,), records, (status_sheet(),) if status else ())


# -- the two backends behind one test interface -------------------------------------------------


class GoogleHarness:
    """Google Sheets through real gspread against the fake API."""

    kind = "google"

    def __init__(self, fake: FakeSheets, backend: GoogleSheetsBackend) -> None:
        self.fake = fake
        self.backend = backend

    def rows(self, title: str = TITLE) -> list[list[Any]]:
        return self.fake.values(title)

    def is_text(self, title: str, a1: str) -> bool:
        cell = self.fake.cell(title, a1)
        return cell is not None and cell.formula is None and isinstance(cell.value, str)

    def frozen_header(self, title: str = TITLE) -> bool:
        return self.fake.sheet(title).frozen_rows == 1

    def fill(self, title: str, a1: str) -> str | None:
        colour = self.fake.format(title, a1).get("backgroundColor")
        return None if colour is None else repr(colour)

    def percent(self, title: str, a1: str) -> bool:
        return self.fake.format(title, a1).get("numberFormat", {}).get("type") == "PERCENT"

    def sort_rows(self, column: int, reverse: bool = False) -> None:
        self.fake.sort_rows(TITLE, column, reverse=reverse)

    def insert_rows(self, before: int, count: int = 1) -> None:
        self.fake.insert_rows(TITLE, before, count)

    def delete_rows(self, row: int, count: int = 1) -> None:
        self.fake.delete_rows(TITLE, row, count)

    def set_value(self, a1: str, value: Any) -> None:
        self.fake.set_value(TITLE, a1, value)

    def fresh_backend(self) -> MirrorBackend:
        return google_backend(self.fake)


class XlsxHarness:
    """A local workbook, edited and read back with openpyxl as Excel or LibreOffice would."""

    kind = "xlsx"

    def __init__(self, path: Path, backend: XlsxBackend) -> None:
        self.path = path
        self.backend = backend

    def rows(self, title: str = TITLE) -> list[list[Any]]:
        sheet = load_workbook(self.path)[title]
        rows = []
        for line in sheet.iter_rows():
            # Date cells compared as displayed (dd/mm/yyyy [hh:mm]), as Google's text cells are.
            values = [shown(cell) for cell in line]
            while values and values[-1] == "":
                values.pop()
            rows.append(values)
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def is_text(self, title: str, a1: str) -> bool:
        cell = load_workbook(self.path)[title][a1]
        return cell.data_type == "s" and isinstance(cell.value, str)

    def frozen_header(self, title: str = TITLE) -> bool:
        return load_workbook(self.path)[title].freeze_panes == "A2"

    def fill(self, title: str, a1: str) -> str | None:
        cell_fill = load_workbook(self.path)[title][a1].fill
        return cell_fill.fgColor.rgb if cell_fill.fill_type == "solid" else None

    def percent(self, title: str, a1: str) -> bool:
        return "%" in load_workbook(self.path)[title][a1].number_format

    def _edit(self, change: Any) -> None:
        workbook = load_workbook(self.path)
        change(workbook[TITLE])
        workbook.save(self.path)

    def sort_rows(self, column: int, reverse: bool = False) -> None:
        def change(sheet: Any) -> None:
            data = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
            data = [row for row in data if any(v is not None for v in row)]
            data.sort(key=lambda row: row[column], reverse=reverse)
            sheet.delete_rows(2, sheet.max_row)
            for row in data:
                sheet.append(row)

        self._edit(change)

    def insert_rows(self, before: int, count: int = 1) -> None:
        self._edit(lambda sheet: sheet.insert_rows(before, count))

    def delete_rows(self, row: int, count: int = 1) -> None:
        self._edit(lambda sheet: sheet.delete_rows(row, count))

    def set_value(self, a1: str, value: Any) -> None:
        def change(sheet: Any) -> None:
            sheet[a1] = value

        self._edit(change)

    def fresh_backend(self) -> MirrorBackend:
        return XlsxBackend(self.path)


FAST_RETRY = RetryPolicy(attempts=3, base_s=0.01, cap_s=0.05)


def shown(cell: Any) -> Any:
    """A cell's value as an office user reads it: dates by their number format."""
    if cell.value is None:
        return ""
    if cell.is_date:
        return cell.value.strftime("%d/%m/%Y %H:%M" if "h" in cell.number_format else "%d/%m/%Y")
    return cell.value


def google_backend(fake: FakeSheets, **options: Any) -> GoogleSheetsBackend:
    """A Google backend pointed at the fake, with fast retries and a short timeout."""
    options.setdefault("retry", FAST_RETRY)
    options.setdefault("timeout", (2.0, 2.0))
    return GoogleSheetsBackend(fake.spreadsheet_id, api_url=fake.base_url, **options)


@pytest.fixture(params=["google", "xlsx"])
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    if request.param == "google":
        async with FakeSheets() as fake:
            backend = google_backend(fake)
            yield GoogleHarness(fake, backend)
            await backend.close()
    else:
        backend = XlsxBackend(tmp_path / "mirror.xlsx")
        yield XlsxHarness(tmp_path / "mirror.xlsx", backend)
        await backend.close()


# -- layout ---------------------------------------------------------------------------------------


async def test_mirror_a_report(harness: Any) -> None:
    await harness.backend.apply(batch(record(1)))
    header, row = harness.rows()
    assert header[:10] == [
        "Mã báo cáo",
        "Đơn vị",
        "Loại đơn vị",
        "Kỳ báo cáo",
        "Trạng thái",
        "Người gửi",
        "Thời điểm gửi",
        "Cập nhật lần cuối",
        "Lần gửi",
        "Phiên bản mẫu",
    ]
    assert header[10:] == [column.header_vi for column in V1.columns]
    assert row == [
        1,
        "Đơn vị 01",
        "Trường học",
        "6 tháng đầu năm 2025",
        "Đã nộp",
        "Nguyễn Văn An",
        "10/06/2025 09:30",
        "10/06/2025 09:31",
        1,
        1,
        "Có",
        10,
        12.5,
        "Ngày KH&CN (18/5); Ngày ĐMST (1/10)",
        "05/03/2025",
        "Đơn vị 1 báo cáo",
    ]
    assert harness.frozen_header()


async def test_edit_updates_the_row_in_place(harness: Any) -> None:
    await harness.backend.apply(batch(record(1), record(2)))
    edited = record(1, revision=2, answers={"so_bai_viet": 99, "co_ke_hoach": "no"})
    await harness.backend.apply(batch(edited))
    rows = harness.rows()
    assert [row[ID] for row in rows[1:]] == [1, 2]
    assert rows[1][ARTICLES] == 99 and rows[1][PLAN] == "Không" and rows[1][REVISION] == 2
    assert rows[2][ARTICLES] == 20 and rows[2][PLAN] == "Có"


async def test_applying_twice_changes_nothing(harness: Any) -> None:
    work = batch(record(1), record(2), status=True)
    await harness.backend.apply(work)
    first = (harness.rows(), harness.rows(STATUS_SHEET_TITLE))
    await harness.backend.apply(work)
    assert (harness.rows(), harness.rows(STATUS_SHEET_TITLE)) == first
    assert len(first[0]) == 3


async def test_new_template_version_appends_columns(harness: Any) -> None:
    await harness.backend.apply(batch(record(1), record(2)))
    # A coordinator adds a notes column of their own after ours.
    harness.set_value("Q1", "Nhận xét của Phòng VH-XH")
    harness.set_value("Q3", "Cần bổ sung")
    before = harness.rows()
    await harness.backend.apply(
        batch(record(3, version=2, answers={"so_lop": 4}), record(2, revision=2), layout=V2)
    )
    rows = harness.rows()
    assert rows[0][: CLASSES + 1] == before[0]  # old headers untouched, coordinator's kept
    assert rows[0][CLASSES + 1] == "Số lớp học số"  # new column after the last used one
    assert rows[1][: CLASSES + 1] == before[1]  # row 1 not touched at all
    assert rows[2][CLASSES] == "Cần bổ sung" and rows[2][REVISION] == 2
    assert rows[3][ID] == 3 and rows[3][VERSION] == 2 and rows[3][CLASSES + 1] == 4
    assert rows[3][CLASSES] == ""


async def test_sorting_by_hand_then_editing_updates_the_right_row(harness: Any) -> None:
    await harness.backend.apply(batch(record(1), record(2), record(3)))
    harness.sort_rows(UNIT, reverse=True)
    assert [row[ID] for row in harness.rows()[1:]] == [3, 2, 1]
    await harness.backend.apply(batch(record(1, revision=2, answers={"so_bai_viet": 111})))
    rows = harness.rows()
    assert [row[ID] for row in rows[1:]] == [3, 2, 1]
    assert [row[ARTICLES] for row in rows[1:]] == [30, 20, 111]


async def test_inserted_and_deleted_rows_do_not_misplace_updates(harness: Any) -> None:
    await harness.backend.apply(batch(record(1), record(2), record(3)))
    harness.insert_rows(3)  # a blank row between submissions 1 and 2
    harness.delete_rows(2)  # submission 1's row deleted by hand
    await harness.backend.apply(
        batch(record(2, revision=2, answers={"so_bai_viet": 222}), record(1, revision=2))
    )
    rows = harness.rows()
    ids = [row[ID] if row else "" for row in rows[1:]]
    assert ids == ["", 2, 3, 1]  # 1 comes back once, at the end; the blank row stays blank
    assert rows[2][ARTICLES] == 222 and rows[3][ARTICLES] == 30


async def test_answers_that_look_like_formulas_stay_text(harness: Any) -> None:
    payloads = ['=IMPORTXML("http://x", "//a")', "+1", "@x", "-2+3", "=1+1"]
    records = [record(index + 1, answers={"ghi_chu": text}) for index, text in enumerate(payloads)]
    await harness.backend.apply(batch(*records))
    rows = harness.rows()
    assert [row[NOTE] for row in rows[1:]] == payloads
    for row_number in range(2, 2 + len(payloads)):
        assert harness.is_text(TITLE, f"P{row_number}")


async def test_status_sheet_totals_and_highlights(harness: Any) -> None:
    await harness.backend.apply(batch(record(1), status=True))
    rows = harness.rows(STATUS_SHEET_TITLE)
    assert rows[0] == [STATUS_SHEET_TITLE]
    summary_at = next(i for i, row in enumerate(rows) if row and row[0] == TITLE)
    summary = rows[summary_at]
    assert summary[1:] == ["6 tháng đầu năm 2025", "20/06/2025 23:59", 4, 1, 1, 1, 1, 0.5, 0.25]
    assert harness.percent(STATUS_SHEET_TITLE, f"I{summary_at + 1}")
    units = {
        row[0]: (index + 1, row) for index, row in enumerate(rows) if row and row[0][:1] == "U"
    }
    assert units["U01"][1][3:] == ["Đã nộp", "10/06/2025 09:30", "Nguyễn Văn An"]
    assert units["U02"][1][3] == "Nộp muộn" and units["U04"][1][3] == "Chưa nộp"
    late, missing = units["U02"][0], units["U04"][0]
    assert harness.fill(STATUS_SHEET_TITLE, f"A{late}") is not None
    assert harness.fill(STATUS_SHEET_TITLE, f"F{missing}") is not None
    assert harness.fill(STATUS_SHEET_TITLE, f"A{missing}") != harness.fill(
        STATUS_SHEET_TITLE, f"A{late}"
    )
    assert harness.fill(STATUS_SHEET_TITLE, f"A{units['U01'][0]}") is None
    assert harness.fill(STATUS_SHEET_TITLE, f"A{units['U03'][0]}") is None


async def test_status_sheet_is_rewritten_not_appended(harness: Any) -> None:
    await harness.backend.apply(batch(record(1), status=True))
    first = harness.rows(STATUS_SHEET_TITLE)
    shorter = replace(status_sheet(), rows=status_sheet().rows[:1])
    await harness.backend.apply(MirrorBatch((V1,), (record(1),), (shorter,)))
    rows = harness.rows(STATUS_SHEET_TITLE)
    assert len(rows) == len(first) - 3
    assert not any(row and row[0] in ("U02", "U03", "U04") for row in rows)
    last = len(rows)
    assert harness.fill(STATUS_SHEET_TITLE, f"A{last + 1}") is None  # old highlight gone


async def test_rebuild_rewrites_from_scratch(harness: Any) -> None:
    await harness.backend.apply(batch(record(1), record(2), record(3)))
    harness.delete_rows(3)
    harness.set_value("B2", "sửa tay")
    harness.sort_rows(ID, reverse=True)
    await harness.backend.rebuild(batch(record(1), record(2), record(3), status=True))
    rows = harness.rows()
    assert [row[ID] for row in rows[1:]] == [1, 2, 3]
    assert rows[1][UNIT] == "Đơn vị 01"
    assert harness.frozen_header()
    assert harness.rows(STATUS_SHEET_TITLE)[0] == [STATUS_SHEET_TITLE]


async def test_worksheet_titles_follow_the_sheet_rules(harness: Any) -> None:
    odd = replace(V1, form_key="odd", title="Báo cáo [quý]: A/B? *'Đoàn'* xã")
    await harness.backend.apply(MirrorBatch((odd,), (replace(record(1), form_key="odd"),), ()))
    await harness.backend.apply(MirrorBatch((odd,), (replace(record(2), form_key="odd"),), ()))
    rows = harness.rows("Báo cáo quý A B 'Đoàn' xã")
    assert [row[ID] for row in rows[1:]] == [1, 2]


# -- Google only: calls, quota, retries, RAW ----------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeSheets]:
    async with FakeSheets() as server:
        yield server


async def test_a_flush_uses_a_constant_number_of_calls(fake: FakeSheets) -> None:
    backend = google_backend(fake)
    await backend.apply(batch(record(1), status=True))  # creates the worksheets
    counts = []
    for size in (3, 300):
        start = len(fake.requests)
        records = [record(i, revision=2) for i in range(1, size + 1)]
        await backend.apply(MirrorBatch((V1,), tuple(records), (status_sheet(),)))
        counts.append([r.kind for r in fake.requests[start:]])
    # Read ids, write, read the ids again (a row moved under the write is caught: verify.py).
    assert counts[0] == counts[1] == ["values.batchGet", "values.batchUpdate", "values.batchGet"]
    assert len(fake.values(TITLE)) == 301
    await backend.close()


async def test_first_flush_calls(fake: FakeSheets) -> None:
    backend = google_backend(fake)
    await backend.apply(batch(*(record(i) for i in range(1, 51)), status=True))
    assert [r.kind for r in fake.requests] == ["metadata", "batchUpdate", "values.batchUpdate"]
    await backend.close()


async def test_every_value_write_is_raw(fake: FakeSheets) -> None:
    backend = google_backend(fake)
    await backend.apply(batch(record(1, answers={"ghi_chu": "=1+1"})))
    await backend.apply(batch(record(1, revision=2, answers={"ghi_chu": "=2+2"}), record(2)))
    writes = [r for r in fake.requests if r.kind.startswith("values.") and r.is_write]
    assert writes and all(r.body["valueInputOption"] == "RAW" for r in writes)
    # The fake does turn USER_ENTERED text into a formula, so the check above can fail.
    client = make_client(None, fake.base_url)
    await asyncio.to_thread(
        client.http_client.values_update,
        fake.spreadsheet_id,
        f"'{TITLE}'!P5",
        {"valueInputOption": "USER_ENTERED"},
        {"values": [["=3+3"]]},
    )
    assert fake.cell(TITLE, "P5").formula == "=3+3"
    assert fake.cell(TITLE, "P2").formula is None and fake.cell(TITLE, "P2").value == "=2+2"
    await backend.close()


async def test_grid_grows_before_writing_beyond_it(fake: FakeSheets) -> None:
    backend = google_backend(fake, row_headroom=10)
    await backend.apply(batch(*(record(i) for i in range(1, 1100))))
    assert fake.sheet(TITLE).row_count >= 1100
    await backend.apply(batch(*(record(i) for i in range(1100, 1300))))
    assert len(fake.values(TITLE)) == 1300
    assert [r.status for r in fake.requests] == [200] * len(fake.requests)
    await backend.close()


async def test_shrunk_grid_is_noticed_and_healed(fake: FakeSheets) -> None:
    backend = google_backend(fake, row_headroom=0)
    await backend.apply(batch(*(record(i) for i in range(1, 1001))))  # 1001 rows: grid full
    fake.delete_rows(TITLE, 500, 5)  # the cached grid size is now wrong
    await backend.apply(batch(*(record(i) for i in range(1001, 1004))))
    ids = [row[ID] for row in fake.values(TITLE)[1:]]
    assert len(ids) == len(set(ids)) == 998
    assert 400 in [r.status for r in fake.requests]  # the stale size was refused once


async def test_transient_errors_are_retried(fake: FakeSheets) -> None:
    backend = google_backend(fake)
    await backend.apply(batch(record(1)))
    fake.fail_next(1, 429)
    fake.fail_next(1, 500)
    await backend.apply(batch(record(2)))
    assert [row[ID] for row in fake.values(TITLE)[1:]] == [1, 2]
    assert [r.status for r in fake.requests[-4:]] == [429, 500, 200, 200]
    await backend.close()


async def test_gives_up_after_the_retry_budget(fake: FakeSheets) -> None:
    backend = google_backend(fake, retry=RetryPolicy(attempts=4, base_s=0.001, cap_s=0.01))
    fake.down()
    with pytest.raises(MirrorUnavailable, match="503"):
        await backend.apply(batch(record(1)))
    assert len(fake.requests) == 4
    await backend.close()


async def test_client_errors_are_not_retried(fake: FakeSheets) -> None:
    backend = GoogleSheetsBackend("no-such-sheet", api_url=fake.base_url, retry=FAST_RETRY)
    with pytest.raises(MirrorError, match="404") as caught:
        await backend.apply(batch(record(1)))
    assert not isinstance(caught.value, MirrorUnavailable)
    assert len(fake.requests) == 1
    await backend.close()


async def test_lost_response_is_retried_without_duplicates(fake: FakeSheets) -> None:
    backend = google_backend(fake, timeout=(1.0, 0.3))
    await backend.apply(batch(record(1)))
    fake.slow(1.0, after_apply=True, count=1, kind="write")  # the write lands, the answer not
    await backend.apply(batch(record(2), record(3)))
    assert [row[ID] for row in fake.values(TITLE)[1:]] == [1, 2, 3]
    writes = [r for r in fake.requests if r.kind == "values.batchUpdate"]
    assert len(writes) == 3  # one for the first flush, two (timed out + retry) for the second
    await backend.close()


async def test_lost_add_sheet_answer_is_healed(fake: FakeSheets) -> None:
    backend = google_backend(fake, timeout=(1.0, 0.3))
    fake.slow(1.0, after_apply=True, count=1, kind="write")  # addSheet lands, answer lost
    await backend.apply(batch(record(1), status=True))
    assert fake.titles().count(TITLE) == 1
    assert [row[ID] for row in fake.values(TITLE)[1:]] == [1]
    await backend.close()


async def test_rate_limit_keeps_under_googles_quota(fake: FakeSheets) -> None:
    clock = VirtualClock()
    fake.clock = clock.now
    fake.quota(writes=3)
    backend = google_backend(fake, writes_per_minute=3, sleep=clock.sleep, clock=clock.now)
    for index in range(1, 6):
        await backend.apply(batch(record(index)))
    assert all(r.status == 200 for r in fake.requests)
    assert clock.slept >= 60.0  # 6 writes at 3 a minute had to wait
    assert [row[ID] for row in fake.values(TITLE)[1:]] == [1, 2, 3, 4, 5]
    await backend.close()


async def test_quota_answers_are_backed_off(fake: FakeSheets) -> None:
    clock = VirtualClock()
    fake.clock = clock.now
    fake.quota(writes=2)
    retry = RetryPolicy(attempts=6, base_s=8.0, cap_s=64.0)
    backend = google_backend(fake, writes_per_minute=100, retry=retry, sleep=clock.sleep)
    for index in range(1, 4):
        await backend.apply(batch(record(index)))
    statuses = [r.status for r in fake.requests]
    assert 429 in statuses and statuses[-1] == 200
    assert len(clock.pauses) >= 3 and clock.pauses[0] < clock.pauses[2]  # exponential
    assert [row[ID] for row in fake.values(TITLE)[1:]] == [1, 2, 3]
    await backend.close()


async def test_id_column_moved_by_hand(fake: FakeSheets) -> None:
    backend = google_backend(fake)
    await backend.apply(batch(record(1), record(2)))
    fake.insert_columns(TITLE, 0)
    fake.set_value(TITLE, "A1", "STT")
    fake.set_value(TITLE, "A2", 1)
    fake.set_value(TITLE, "A3", 2)
    await backend.apply(batch(record(2, revision=2, answers={"so_bai_viet": 5}), record(3)))
    rows = fake.values(TITLE)
    assert [row[ID + 1] for row in rows[1:]] == [1, 2, 3]
    assert rows[2][ARTICLES + 1] == 5 and rows[2][0] == 2
    await backend.close()


async def test_missing_id_header_refuses_to_guess(fake: FakeSheets) -> None:
    backend = google_backend(fake)
    await backend.apply(batch(record(1)))
    fake.set_value(TITLE, "A1", "Số thứ tự")
    with pytest.raises(MirrorError, match="resync"):
        await backend.apply(batch(record(2)))
    assert len(fake.values(TITLE)) == 2
    await backend.rebuild(batch(record(1), record(2)))
    assert [row[ID] for row in fake.values(TITLE)[1:]] == [1, 2]
    await backend.close()


async def test_payloads_over_the_limit_are_split(fake: FakeSheets) -> None:
    backend = google_backend(fake, max_payload_bytes=20_000)
    await backend.apply(batch(*(record(i) for i in range(1, 301))))
    writes = [r for r in fake.requests if r.kind == "values.batchUpdate"]
    assert len(writes) > 1
    assert [row[ID] for row in fake.values(TITLE)[1:]] == list(range(1, 301))
    await backend.close()


async def test_the_fake_answers_like_sheets(fake: FakeSheets) -> None:
    client = make_client(None, fake.base_url).http_client
    sid = fake.spreadsheet_id
    call = asyncio.to_thread
    await call(
        client.batch_update, sid, {"requests": [{"addSheet": {"properties": {"title": "It's"}}}]}
    )
    empty = await call(client.values_get, sid, "'It''s'!A1:C3")
    assert "values" not in empty and empty["range"] == "'It''s'!A1:C3"
    body = {"values": [["a", "", ""], ["", "", ""], [1, None, "=1"]]}
    await call(client.values_update, sid, "'It''s'!A1", {"valueInputOption": "RAW"}, body)
    got = await call(client.values_get, sid, "'It''s'!A:C", {"valueRenderOption": "FORMULA"})
    assert got["values"] == [["a"], [], [1, "", "=1"]]
    with pytest.raises(Exception, match="exceeds grid limits"):
        await call(client.values_update, sid, "'It''s'!A1001", {"valueInputOption": "RAW"}, body)
    with pytest.raises(Exception, match="valueInputOption"):
        await call(client.values_update, sid, "'It''s'!A1", None, body)
    with pytest.raises(Exception, match="already exists"):
        await call(
            client.batch_update,
            sid,
            {"requests": [{"addSheet": {"properties": {"title": "it's"}}}]},
        )


async def test_xlsx_file_holds_no_formula(tmp_path: Path) -> None:
    backend = XlsxBackend(tmp_path / "m.xlsx")
    await backend.apply(batch(record(1, answers={"ghi_chu": "=IMPORTXML(A1)"})))
    with zipfile.ZipFile(tmp_path / "m.xlsx") as archive:
        xml = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("xl/"))
    assert b"<f>" not in xml and b"IMPORTXML" in xml


class VirtualClock:
    """Time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.time = 1000.0
        self.slept = 0.0
        self.pauses: list[float] = []

    def now(self) -> float:
        return self.time

    async def sleep(self, seconds: float) -> None:
        self.time += seconds
        self.slept += seconds
        self.pauses.append(seconds)
        await asyncio.sleep(0)


# -- the worker, with an in-memory outbox -----------------------------------------------------


@dataclass
class Entry:
    seq: int
    submission_id: int
    attempts: int = 0
    error: str | None = None


@dataclass
class MemorySource:
    """The store's side of the worker, kept in memory: submissions and an outbox."""

    layout: FormLayout = V1
    submissions: dict[int, SubmissionRecord] = field(default_factory=dict)
    outbox: dict[int, Entry] = field(default_factory=dict)
    crash_on_done: bool = False
    _next: int = 0

    def save(self, item: SubmissionRecord) -> None:
        """Store a submission and queue its change (one entry per submission, seq bumped)."""
        self.submissions[item.submission_id] = item
        for entry in self.outbox.values():
            if entry.submission_id == item.submission_id:
                entry.seq += 1
                return
        self._next += 1
        self.outbox[self._next] = Entry(1, item.submission_id)

    async def pending(self, limit: int) -> list[PendingChange]:
        return [
            PendingChange(entry_id, entry.seq, entry.submission_id)
            for entry_id, entry in sorted(self.outbox.items())
        ][:limit]

    async def build_batch(self, submission_ids: Sequence[int]) -> MirrorBatch:
        records = tuple(self.submissions[i] for i in submission_ids)
        return MirrorBatch((self.layout,), records, (status_sheet(),))

    async def full_batch(self) -> MirrorBatch:
        return await self.build_batch(sorted(self.submissions))

    async def done(self, changes: Sequence[PendingChange]) -> None:
        if self.crash_on_done:
            raise KeyboardInterrupt("process killed")
        for change in changes:
            entry = self.outbox.get(change.entry_id)
            if entry is not None and entry.seq == change.seq:
                del self.outbox[change.entry_id]

    async def failed(self, changes: Sequence[PendingChange], error: str) -> None:
        for change in changes:
            entry = self.outbox[change.entry_id]
            entry.attempts += 1
            entry.error = error

    async def backlog(self) -> int:
        return len(self.outbox)


async def test_worker_google_down_then_back(harness: Any) -> None:
    source = MemorySource()
    for index in (1, 2, 3):
        source.save(record(index))
    worker = MirrorWorker(harness.backend, source)
    if harness.kind == "google":
        harness.fake.down()
    else:
        harness.path.mkdir()  # the workbook cannot be written: a directory is in the way
    for _ in range(2):
        with pytest.raises(MirrorError):
            await worker.run_once()
    assert [entry.attempts for entry in source.outbox.values()] == [2, 2, 2]
    status = await worker.status()
    assert status.backlog == 3 and status.last_error and status.consecutive_failures == 2
    assert "Traceback" not in status.last_error
    if harness.kind == "google":
        harness.fake.up()
    else:
        harness.path.rmdir()
    assert await worker.run_once() == 3
    assert [row[ID] for row in harness.rows()[1:]] == [1, 2, 3]
    status = await worker.status()
    assert status.backlog == 0 and status.consecutive_failures == 0 and status.last_success_at


async def test_restart_mid_flush_finishes_without_duplicates(harness: Any) -> None:
    source = MemorySource()
    for index in (1, 2):
        source.save(record(index))
    source.crash_on_done = True  # the rows are written, then the process dies
    with pytest.raises(KeyboardInterrupt):
        await MirrorWorker(harness.backend, source).run_once()
    assert len(source.outbox) == 2
    source.crash_on_done = False
    source.save(record(3))
    restarted = MirrorWorker(harness.fresh_backend(), source)  # a new process, same database
    assert await restarted.run_once() == 3
    await restarted.backend.close()
    assert [row[ID] for row in harness.rows()[1:]] == [1, 2, 3]
    assert source.outbox == {}


async def test_edit_during_a_flush_is_delivered_next_time(harness: Any) -> None:
    source = MemorySource()
    source.save(record(1))

    class EditingBackend:
        name = "editing"

        async def apply(self, work: MirrorBatch) -> None:
            await harness.backend.apply(work)
            if source.submissions[1].revision == 1:
                source.save(record(1, revision=2, answers={"so_bai_viet": 77}))

        async def rebuild(self, work: MirrorBatch) -> None:
            await harness.backend.rebuild(work)

        async def close(self) -> None:
            pass

    worker = MirrorWorker(EditingBackend(), source)
    # A flush delivers what was pending when it began; the edit made during the write stays
    # queued (its sequence moved on) for the next flush instead of being chased at once.
    assert await worker.run_once() == 1
    assert len(source.outbox) == 1 and harness.rows()[1][ARTICLES] != 77
    assert await worker.run_once() == 1
    rows = harness.rows()
    assert len(rows) == 2 and rows[1][ARTICLES] == 77
    assert source.outbox == {}


async def test_large_backlogs_go_in_chunks(harness: Any) -> None:
    source = MemorySource()
    for index in range(1, 8):
        source.save(record(index))
    worker = MirrorWorker(harness.backend, source, chunk_size=3)
    assert await worker.run_once() == 7
    assert [row[ID] for row in harness.rows()[1:]] == list(range(1, 8))
    if harness.kind == "google":
        flushes = harness.fake.count("values.batchUpdate")
        assert flushes == 3


async def test_run_forever_survives_an_outage(harness: Any) -> None:
    source = MemorySource()
    source.save(record(1))
    worker = MirrorWorker(harness.backend, source, interval_s=0.01, max_backoff_s=0.05)
    if harness.kind == "google":
        harness.fake.down()
    else:
        harness.path.mkdir()
    task = asyncio.create_task(worker.run_forever())
    try:
        await wait_for(lambda: source.outbox[1].attempts >= 2)
        assert worker.last_error
        if harness.kind == "google":
            harness.fake.up()
        else:
            harness.path.rmdir()
        source.save(record(2))
        await wait_for(lambda: not source.outbox)
        assert [row[ID] for row in harness.rows()[1:]] == [1, 2]
    finally:
        worker.stop()
        await asyncio.wait_for(task, 2)


async def test_resync_rebuilds_from_the_source(harness: Any) -> None:
    source = MemorySource()
    for index in (1, 2, 3):
        source.save(record(index))
    worker = MirrorWorker(harness.backend, source)
    await worker.run_once()
    harness.delete_rows(2, 2)
    assert await worker.resync() == 3
    assert [row[ID] for row in harness.rows()[1:]] == [1, 2, 3]


async def wait_for(condition: Any, deadline_s: float = 5.0) -> None:
    """Poll a condition until it holds, failing after a deadline."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while not condition():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
