"""A sheet named "Survey " (a space typed after the name in Excel's tab) is not read by ODK
either: pyxform finds its sheets by name (case aside), so the workbook "has no survey".
The admin sees a tab called Survey; the message names that tab and the space to remove,
instead of saying there is no survey sheet at all.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from reportbot.coordination.publishing.xlsform import load_xlsform


def workbook(path: Path, survey: str, choices: str) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = survey
    sheet.append(["type", "name", "label"])
    sheet.append(["select_one dv", "don_vi", "Đơn vị"])
    options = book.create_sheet(choices)
    options.append(["list_name", "name", "label"])
    options.append(["dv", "a", "Đơn vị A"])
    book.save(path)
    return path


def test_a_space_after_a_sheet_name_is_named_with_its_fix(tmp_path: Path) -> None:
    result = load_xlsform(workbook(tmp_path / "mau.xlsx", "Survey ", "Choices  "))
    assert result.template is None
    places = [(issue.sheet, issue.row, issue.column) for issue in result.issues]
    assert places == [("Survey ", None, None), ("Choices  ", None, None)]
    shown = result.issues[0].render("vi")
    assert "“Survey ”" in shown and "khoảng trắng" in shown and "“survey”" in shown
    assert "Cách sửa" in shown
    assert "“choices”" in result.issues[1].render("vi")
    assert "space" in result.issues[0].render("en")


def test_capitals_alone_are_read_as_odk_reads_them(tmp_path: Path) -> None:
    result = load_xlsform(workbook(tmp_path / "mau.xlsx", "Survey", "CHOICES"))
    assert result.issues == []
    assert result.template is not None
    assert [c.value for c in result.template.questions[0].choices] == ["a"]
