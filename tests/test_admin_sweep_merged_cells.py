"""Merged cells: Excel shows "integer" over three rows, but only the range's first cell holds
it (openpyxl's MergedCell has no value), so pyxform, and ODK, read the other rows without a
type. The admin is told the cell is inside a merged range, which one, and to unmerge it,
instead of only "the type is missing" on a row that shows one on screen.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from reportbot.coordination.publishing.xlsform import load_xlsform


def test_a_cell_hidden_by_a_merge_names_the_merged_range(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    sheet.append(["type", "name", "label"])
    for name, label in (("a", "Số A"), ("b", "Số B"), ("c", "Số C")):
        sheet.append(["integer" if name == "a" else None, name, label])
    sheet.merge_cells("A2:A4")  # what an admin sees: "integer" beside the three names
    path = tmp_path / "gop.xlsx"
    book.save(path)
    result = load_xlsform(path)
    assert result.template is None
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [
        ("survey", 3, "type"),
        ("survey", 4, "type"),
    ]
    shown = result.issues[0].render("vi")
    assert "A2:A4" in shown and "gộp" in shown and "Cách sửa" in shown
    assert "merged" in result.issues[1].render("en") and "A2:A4" in result.issues[1].render("en")


def test_a_merge_where_nothing_is_wrong_changes_nothing(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    sheet.append(["type", "name", "label", "hint"])
    sheet.append(["integer", "a", "Số A", "Ghi số"])
    sheet.append(["integer", "b", "Số B", None])
    sheet.merge_cells("D2:D3")  # a hint spread over two rows: the second row has none
    path = tmp_path / "gop.xlsx"
    book.save(path)
    result = load_xlsform(path)
    assert result.issues == [] and result.template is not None
