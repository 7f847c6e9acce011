"""Repeats mirrored to worksheets of their own (issue 15, "repeats" bullet), through the store.

KoboToolbox exports each repeat group to its own sheet, one row per entry, joined to the main
sheet by the parent submission (https://support.kobotoolbox.org/export_download.html). Officers
file a household roster through the console chat; the mirror worker writes the .xlsx and the
Google Sheets fake; the sheets are read back. Expected cells are written out by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from reportbot.mirror.records import STATUS_SHEET_TITLE, FormLayout, RepeatLayout
from reportbot.mirror.repeat_sheets import repeat_titles
from tests.conftest import FakeClock
from tests.test_repeats import file_roster, running_roster

ENTRY_HEADER = ["Mã báo cáo", "Mục số", "Đơn vị", "Kỳ báo cáo", "Họ tên", "Tuổi", "Giới tính"]


@pytest.fixture
async def service(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Any]:
    async with running_roster(db, clock, tmp_path) as (running, _template):
        yield running


async def shrink_to_one(chat: Any) -> None:
    """The officer opens the sent report again and lowers the household to one person."""
    await chat.say("/baocao")
    await chat.say("2")
    await chat.say("/sua 1")
    asked = await chat.say("1")
    assert "không còn áp dụng" in asked, chat.transcript
    await chat.say("có")
    await chat.say("/gui")
    assert "Đã gửi" in await chat.say("có"), chat.transcript


def read_xlsx(path: Path) -> dict[str, list[list[Any]]]:
    """Every worksheet's rows as values, by title."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def sort_by_hand(path: Path, title: str, column: int) -> None:
    """A coordinator sorts a worksheet's data rows by one 0-based column, descending."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book[title]
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    rows.sort(key=lambda row: str(row[column]), reverse=True)
    for index, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            sheet.cell(row=index, column=col).value = value
    book.save(path)


HOI, VHXH = "Hội Liên hiệp Phụ nữ xã", "Phòng Văn hóa - Xã hội"
YEAR = "năm 2026"  # the roster's period, the first one /baocao offers on 26/11/2026


async def test_each_entry_is_a_row_of_the_repeat_sheet_and_a_removed_one_goes(
    service: Any, clock: FakeClock, tmp_path: Path
) -> None:
    from reportbot.mirror.source import StoreMirrorSource
    from reportbot.mirror.worker import MirrorWorker
    from reportbot.mirror.xlsx import XlsxBackend
    from tests.conftest import TZ

    path = tmp_path / "m.xlsx"
    hoi = await file_roster(service, "u-hoiphunu", [("An", "40", "Nam"), ("Bình", "38", "Nữ")])
    await file_roster(service, "u-vhxh", [("Cúc", "7", "Nữ")])
    worker = MirrorWorker(XlsxBackend(path), StoreMirrorSource(TZ, clock=clock))
    assert await worker.run_once() == 2
    sheets = read_xlsx(path)
    assert list(sheets) == [STATUS_SHEET_TITLE, "Địa bàn", "Thành viên – Địa bàn"]
    main = sheets["Địa bàn"]
    count = main[0].index("Thành viên: số mục")
    assert main[0][count - 1 : count + 2] == ["Số người trong hộ", "Thành viên: số mục", "Họ tên"]
    ids = {row[1]: row[0] for row in main[1:]}
    assert {row[1]: row[count] for row in main[1:]} == {HOI: 2, VHXH: 1}
    entries = sheets["Thành viên – Địa bàn"]
    assert entries == [
        ENTRY_HEADER,
        [ids[HOI], 1, HOI, YEAR, "An", 40, "Nam"],
        [ids[HOI], 2, HOI, YEAR, "Bình", 38, "Nữ"],
        [ids[VHXH], 1, VHXH, YEAR, "Cúc", 7, "Nữ"],
    ]

    sort_by_hand(path, "Thành viên – Địa bàn", 4)  # Cúc, Bình, An
    await shrink_to_one(hoi)  # Bình is removed in chat
    assert await worker.run_once() == 1
    sheets = read_xlsx(path)
    assert sheets["Thành viên – Địa bàn"][1:] == [  # no orphan, no blank row, order kept
        [ids[VHXH], 1, VHXH, YEAR, "Cúc", 7, "Nữ"],
        [ids[HOI], 1, HOI, YEAR, "An", 40, "Nam"],
    ]
    assert {row[1]: row[count] for row in sheets["Địa bàn"][1:]} == {HOI: 1, VHXH: 1}


def first_google_flush(fake: Any, title: str) -> tuple[dict[str, Any], int]:
    """Check the sheets after the first flush; the submission ids by unit name and the
    count column's index on the form's sheet."""
    assert fake.titles()[-2:] == ["Địa bàn", title]  # after the fake's own first sheet
    main = fake.values("Địa bàn")
    ids = {row[1]: row[0] for row in main[1:]}
    count = main[0].index("Thành viên: số mục")
    assert {row[1]: row[count] for row in main[1:]} == {HOI: 2, VHXH: 1}
    assert fake.values(title) == [
        ENTRY_HEADER,
        [ids[HOI], 1, HOI, YEAR, "An", 40, "Nam"],
        [ids[HOI], 2, HOI, YEAR, "Bình", 38, "Nữ"],
        [ids[VHXH], 1, VHXH, YEAR, "Cúc", 7, "Nữ"],
    ]
    return ids, count


async def test_google_repeat_sheet_survives_a_sort_mid_write_and_a_deleted_row(
    service: Any, clock: FakeClock
) -> None:
    from reportbot.mirror.source import StoreMirrorSource
    from reportbot.mirror.worker import MirrorWorker
    from tests.conftest import TZ
    from tests.fakes.sheets import FakeSheets
    from tests.test_mirror import google_backend

    hoi = await file_roster(service, "u-hoiphunu", [("An", "40", "Nam"), ("Bình", "38", "Nữ")])
    await file_roster(service, "u-vhxh", [("Cúc", "7", "Nữ")])
    async with FakeSheets() as fake:
        backend = google_backend(fake)
        worker = MirrorWorker(backend, StoreMirrorSource(TZ, clock=clock))
        assert await worker.run_once() == 2
        title = "Thành viên – Địa bàn"
        ids, count = first_google_flush(fake, title)

        await shrink_to_one(hoi)  # Bình is removed in chat ...
        fake.sort_now(title, 4, reverse=True)  # ... and a coordinator sorts mid-flush
        writes = fake.count("values.batchUpdate")
        assert await worker.run_once() == 1
        # the write landed on moved rows, was noticed, and was written again (repair)
        assert fake.count("values.batchUpdate") == writes + 2
        rows = [row for row in fake.values(title)[1:] if any(cell != "" for cell in row)]
        assert sorted(rows, key=lambda row: row[4]) == [
            [ids[HOI], 1, HOI, YEAR, "An", 40, "Nam"],
            [ids[VHXH], 1, VHXH, YEAR, "Cúc", 7, "Nữ"],
        ]
        assert {row[1]: row[count] for row in fake.values("Địa bàn")[1:]} == {HOI: 1, VHXH: 1}

        assert await worker.resync() == 2  # a rebuild writes the entries again, no gap
        assert fake.values(title) == [
            ENTRY_HEADER,
            [ids[HOI], 1, HOI, YEAR, "An", 40, "Nam"],
            [ids[VHXH], 1, VHXH, YEAR, "Cúc", 7, "Nữ"],
        ]

        fake.delete_rows(title, 2)  # a coordinator deletes An's row by hand ...
        await file_roster(service, "u-cns_thon1", [("Dũng", "65", "Nam")])  # ... and a unit files
        assert await worker.run_once() == 1
        rows = fake.values(title)[1:]
        cns = next(row[0] for row in fake.values("Địa bàn")[1:] if row[0] not in ids.values())
        assert sorted(rows, key=lambda row: row[4]) == [  # the deleted entry is written again
            [ids[HOI], 1, HOI, YEAR, "An", 40, "Nam"],
            [ids[VHXH], 1, VHXH, YEAR, "Cúc", 7, "Nữ"],
            [cns, 1, "Tổ công nghệ số cộng đồng thôn 1", YEAR, "Dũng", 65, "Nam"],
        ]
        await backend.close()


def layout(key: str, title: str, *labels: str) -> FormLayout:
    """A form layout with repeats of these labels and no columns (titles only)."""
    repeats = tuple(RepeatLayout(f"r{index}", label, ()) for index, label in enumerate(labels))
    return FormLayout(key, title, (), repeats)


def test_repeat_sheet_titles_fit_excel_and_never_clash() -> None:
    from reportbot.mirror.records import sheet_titles

    long = "Báo cáo kết quả thực hiện Nghị quyết 57 về khoa học công nghệ"
    layouts = (
        layout("a", long, "Danh sách cán bộ được tập huấn", "Danh sách cán bộ được tập huấn"),
        layout("b", long, "Danh sách cán bộ được tập huấn"),
        layout("c", "Hộ", "Thành viên"),
        layout("d", "Thành viên – Hộ", "x"),  # a form titled like c's repeat sheet
    )
    forms = sheet_titles(layouts, 31)
    titles = repeat_titles(layouts, forms, 31)
    every = [*forms.values(), *titles.values(), STATUS_SHEET_TITLE]
    assert all(len(title) <= 31 for title in every)
    assert len({title.casefold() for title in every}) == len(every) == 10
    # written out by hand: the repeat's label first, then as much of the form as fits
    assert titles[("a", "r0")] == "Danh sách cán bộ được tập huấn"
    assert titles[("a", "r1")] == "Danh sách cán bộ được tập h (2)"
    assert titles[("b", "r0")] == "Danh sách cán bộ được tập h (3)"
    assert titles[("c", "r0")] == "Thành viên – Hộ (2)"
    assert titles[("d", "r0")] == "x – Thành viên – Hộ"
