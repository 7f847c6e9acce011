"""The consolidated .xlsx as an office prints and sorts it: formats read back with openpyxl,
the print setup, the file mode, and the pages LibreOffice prints."""

from __future__ import annotations

import os
import re
import stat
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportbot.coordination.reporting.reports import write_report
from tests.conftest import TZ
from tests.decree_render import pdf_pages, to_pdf
from tests.test_coordination_reports import known_consolidation

BUDGET = "Kinh phí đã chi cho khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số (đồng)"


async def written(tmp_path: Path) -> Path:
    data = await known_consolidation()
    old = os.umask(0o077)  # the bot's service may run with a strict umask
    try:
        return write_report(data, "xlsx", tmp_path / "tong-hop.xlsx", tz=TZ)
    finally:
        os.umask(old)


def rows_by_label(sheet) -> dict[str, tuple]:
    return {row[0].value: row for row in sheet.iter_rows() if isinstance(row[0].value, str)}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_cells_carry_number_percent_and_date_formats(db: str, tmp_path: Path) -> None:
    path = await written(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # a shared folder can read it
    book = load_workbook(path)
    summary = rows_by_label(book["Tổng hợp"])
    budget = summary[BUDGET]
    assert (budget[1].value, budget[1].number_format) == (18_000_000, "#,##0")
    assert (budget[2].value, budget[2].number_format) == (4_500_000, "#,##0")
    web = summary["Số tin, bài đã đăng trên trang thông tin điện tử"]
    assert (web[2].value, web[2].number_format) == (6.67, "#,##0.0#")
    informed = summary["Cán bộ, công chức, viên chức được quán triệt Nghị quyết 57"]
    assert (informed[3].value, informed[3].number_format) == (0.8, "0.0%")
    assert (informed[4].value, informed[4].number_format) == (1, "0.0%")  # the 100% target
    plan = next(row for row in book["Tổng hợp"].iter_rows() if row[1].value == "Có")
    assert (plan[3].value, plan[3].number_format) == (0.75, "0.0%")  # 3 of 4 units
    units = book["Theo đơn vị"]
    women = next(row for row in units.iter_rows(min_row=2) if row[0].value == "hoiphunu")
    assert women[4].value == datetime(2026, 12, 18, 10, 0)
    assert women[4].number_format == "dd/mm/yyyy hh:mm" and women[4].is_date
    assert next(cell for cell in women if cell.value == 15_000_000).number_format == "#,##0"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_sheets_fit_their_content_and_print_on_a4_landscape(db: str, tmp_path: Path) -> None:
    book = load_workbook(await written(tmp_path))
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (9, "landscape"), sheet.title
        if sheet.title != "Theo đơn vị":
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
            assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title
    # 7 unit columns + 27 answers: too wide for one readable page; a few pages across, each
    # with the unit's code and name.
    units = book["Theo đơn vị"]
    assert units.max_column == 34
    assert not units.sheet_properties.pageSetUpPr.fitToPage and units.page_setup.scale == 60
    assert units.print_title_cols == "$A:$B"
    for name in ("Theo đơn vị", "Nộp muộn, chưa nộp", "Ý kiến"):
        sheet = book[name]
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.freeze_panes in ("A2", "C2")
        header_lines = sheet.row_dimensions[1].height / 15
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert cell.alignment.wrap_text, (name, cell.value)
            # every header shows whole: its wrapped lines fit in the row's height
            lines = wrapped_lines(cell.value, int(width) - 1)
            assert lines <= header_lines, (name, cell.value, width, header_lines)
    units = book["Theo đơn vị"]
    assert units.freeze_panes == "C2"
    # The longest unit name, written by hand: 32 characters, shown whole.
    assert len("Tổ công nghệ số cộng đồng thôn 1") == 32
    assert units.column_dimensions["B"].width >= 32
    assert book["Nộp muộn, chưa nộp"].column_dimensions["B"].width >= 32


def wrapped_lines(text: str, width: int) -> int:
    """Lines a header wraps onto at word boundaries, counted independently of the code."""
    lines, line = 1, ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if len(candidate) > width and line:
            lines, line = lines + 1, word
        else:
            line = candidate
    return lines


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_workbook_prints_on_few_pages(db: str, tmp_path: Path) -> None:
    pages = pdf_pages(to_pdf(await written(tmp_path), tmp_path))
    # The summary on one or two pages, the per-unit table on a few pages across (60%), the
    # late units and the free text on one page each: not the 25 pages of an unset workbook.
    assert 5 <= len(pages) <= 10, len(pages)
    # Every page of the per-unit table repeats the units' names next to their figures: the
    # only pages naming both a unit that filed and one that did not.
    units = [p for p in pages if "Hội Liên hiệp Phụ nữ xã" in p and "Trạm Y tế xã" in p]
    assert 2 <= len(units) <= len(pages) - 3
    assert all("Tổ công nghệ số cộng đồng thôn 1" in page for page in units)
    text = "\n".join(pages)
    assert re.search(r"18[.,]000[.,]000", text)  # thousands grouped, not 18000000
    assert re.search(r"80[.,]0%", text)
    assert re.search(r"18/12/2026 10:00", text)
    # A label and its figure print on the same line of the same page.
    assert any(re.search(r"Phải nộp\s+7\b", line) for line in text.splitlines())
