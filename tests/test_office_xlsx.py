"""The mirror workbook as an office prints and sorts it: formats, widths, print setup, mode.

Every expected figure below is written by hand from the fixture (see tests/test_mirror.py's
`record`): unit 1 wrote 43,000,000 articles, 12.5 million đồng, issued on 05/03/2025, and was
submitted at 02:30 UTC = 09:30 in Hà Nội.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reportbot.mirror.records import STATUS_SHEET_TITLE, MirrorBatch
from reportbot.mirror.xlsx import XlsxBackend
from reportbot.office_xlsx import MAX_WIDTH, parse_display_date
from tests.office_render import page_count, page_png, page_text, require_tools, to_pdf
from tests.test_mirror import TITLE, V1, record, status_sheet

LONG_NAME = "Hội Liên hiệp Phụ nữ xã Tân Phú Đông"  # 36 characters
LONG_NOTE = "Đã tổ chức tập huấn chuyển đổi số cho cán bộ, hội viên ở các ấp. " * 5


def office_batch(count: int = 3, *, status: bool = True) -> MirrorBatch:
    """`count` reports; unit 1 with a big number and a long name and note."""
    records = [record(1, answers={"so_bai_viet": 43_000_000, "ghi_chu": LONG_NOTE})]
    records.extend(record(number) for number in range(2, count + 1))
    first = records[0]
    records[0] = type(first)(**{**_fields(first), "unit_name": LONG_NAME})
    return MirrorBatch((V1,), tuple(records), (status_sheet(),) if status else ())


def _fields(item: object) -> dict[str, object]:
    return {name: getattr(item, name) for name in item.__slots__}  # type: ignore[attr-defined]


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


async def written(tmp_path: Path, batch: MirrorBatch) -> Path:
    path = tmp_path / "mirror.xlsx"
    await XlsxBackend(path).apply(batch)
    return path


async def test_numbers_and_dates_are_real_cells_with_office_formats(tmp_path: Path) -> None:
    sheet = load_workbook(await written(tmp_path, office_batch()))[TITLE]
    # Row 2 is unit 1. Columns: G submitted, H updated, I revision, L articles, M money, O issued.
    assert sheet["L2"].value == 43_000_000 and sheet["L2"].number_format == "#,##0"
    assert sheet["M2"].value == 12.5 and sheet["M2"].number_format == "#,##0.0##"
    assert sheet["I2"].value == 1 and sheet["I2"].number_format == "#,##0"
    assert sheet["G2"].value == datetime(2025, 6, 10, 9, 30)
    assert sheet["G2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["H2"].value == datetime(2025, 6, 10, 9, 31)
    assert sheet["O2"].value == datetime(2025, 3, 5) and sheet["O2"].number_format == "dd/mm/yyyy"
    assert sheet["O3"].is_date and sheet["O4"].is_date  # every row, not only the first
    assert sheet["K2"].value == "Có" and sheet["K2"].data_type == "s"


async def test_a_text_answer_that_looks_like_a_date_stays_text(tmp_path: Path) -> None:
    batch = MirrorBatch((V1,), (record(1, answers={"ghi_chu": "05/03/2025"}),))
    sheet = load_workbook(await written(tmp_path, batch))[TITLE]
    assert sheet["P2"].value == "05/03/2025" and sheet["P2"].data_type == "s"


async def test_widths_follow_content_and_are_capped(tmp_path: Path) -> None:
    sheet = load_workbook(await written(tmp_path, office_batch()))[TITLE]
    widths = sheet.column_dimensions
    assert widths["B"].width == 38  # the 36-character unit name, plus a margin
    assert widths["P"].width == MAX_WIDTH == 45  # the long note is capped ...
    assert sheet["P2"].alignment.wrap_text  # ... and wraps inside its cell
    assert widths["A"].width == 8  # "Mã báo cáo" wraps on two lines over short ids
    assert all(sheet[f"{col}1"].alignment.wrap_text for col in "ABCDEFGHIJKLMNOP")
    # The widest two-line header needs two lines of 15 points: "Kinh phí / (triệu đồng)".
    assert sheet.row_dimensions[1].height == 30


async def test_frozen_header_and_print_setup(tmp_path: Path) -> None:
    workbook = load_workbook(await written(tmp_path, office_batch()))
    for sheet in (workbook[TITLE], workbook[STATUS_SHEET_TITLE]):
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    form = workbook[TITLE]
    assert form.freeze_panes == "A2"
    assert form.print_title_rows == "$1:$1"


async def test_status_sheet_dates_numbers_and_widths(tmp_path: Path) -> None:
    sheet = load_workbook(await written(tmp_path, office_batch()))[STATUS_SHEET_TITLE]
    # Row 5: summary of the period; deadline 20/06/2025 23:59 local, 4 units, 50% filed.
    assert sheet["C5"].value == datetime(2025, 6, 20, 23, 59)
    assert sheet["C5"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["D5"].value == 4 and sheet["D5"].number_format == "#,##0"
    assert sheet["I5"].value == 0.5 and sheet["I5"].number_format == "0.0%"
    assert sheet["E9"].value == datetime(2025, 6, 10, 9, 30)  # U01's submission moment
    assert sheet["E12"].value is None  # U04 never submitted
    assert sheet.column_dimensions["B"].width == 22  # "6 tháng đầu năm 2025" + 2


@pytest.mark.usefixtures("umask_022")
async def test_file_is_readable_by_the_shared_folder(tmp_path: Path) -> None:
    path = await written(tmp_path, office_batch())
    assert path.stat().st_mode & 0o777 == 0o644


async def test_file_mode_respects_a_stricter_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        path = await written(tmp_path, office_batch())
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/03/2025", datetime(2025, 3, 5).date()),
        ("31/12/2025 23:59", datetime(2025, 12, 31, 23, 59)),
        ("30/02/2025", None),
        ("5/3/2025", None),
        ("05/03/2025 tại xã", None),
        ("1" * 10_000, None),
    ],
)
def test_parse_display_date(text: str, expected: object) -> None:
    assert parse_display_date(text) == expected


async def test_the_workbook_prints_with_headers_on_every_page(tmp_path: Path) -> None:
    require_tools()
    path = await written(tmp_path, office_batch(120, status=False))
    pdf = to_pdf(path, tmp_path / "pdf")
    pages = page_count(pdf)
    # 121 rows (one of 8 lines) fitted to the width of A4 landscape: 2 pages in LibreOffice 7.4;
    # without print setup the same sheet printed on 19 pages, columns split off their labels.
    assert 2 <= pages <= 4, pages
    for page in range(1, pages + 1):
        text = page_text(pdf, page)
        assert "Mã báo" in text and "Ghi chú" in text, page  # header repeated, all columns
    first = page_text(pdf, 1)
    assert "43,000,000" in first or "43.000.000" in first
    assert "10/06/2025 09:30" in first
    png = page_png(pdf, 1, tmp_path / "png")
    assert png.stat().st_size > 10_000
