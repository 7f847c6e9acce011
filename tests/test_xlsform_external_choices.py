"""`select_one_external`: the choices live on the workbook's external_choices sheet.

pyxform turns that sheet into itemsets.csv and ODK Collect filters it with the question's
choice_filter (https://xlsform.org/en/#external-selects). In a chat the list is offered like
any other select, filtered the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook

from reportbot.coordination.publishing.xlsform import load_xlsform
from tests.test_choice_filter import buttons, only_report, start
from tests.test_engine import Harness

SURVEY = [
    ["type", "name", "label", "choice_filter"],
    ["select_one tinh", "tinh", "Tỉnh / thành phố", None],
    ["select_one_external xa", "xa", "Xã / phường", "tinh=${tinh}"],
    ["integer", "so_thon", "Số thôn", None],
]
CHOICES = [
    ["list_name", "name", "label"],
    ["tinh", "hn", "Hà Nội"],
    ["tinh", "qn", "Quảng Ngãi"],
]
EXTERNAL = [
    ["list_name", "name", "label", "tinh"],
    ["xa", "son_tinh", "Xã Sơn Tịnh", "qn"],
    ["xa", "tinh_an", "Xã Tịnh Ấn", "qn"],
    ["xa", "hoan_kiem", "Phường Hoàn Kiếm", "hn"],
]


def workbook(tmp_path: Path, external: list[list[Any]] | None = EXTERNAL) -> Path:
    """A small XLSForm written by the test, with an external_choices sheet (or none)."""
    book = Workbook()
    book.active.title = "survey"
    for row in SURVEY:
        book.active.append(row)
    sheets = [("choices", CHOICES), ("settings", [["form_title", "form_id"], ["Xã", "xa"]])]
    if external is not None:
        sheets.append(("external_choices", external))
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "xa.xlsx"
    book.save(path)
    return path


def test_an_external_select_offers_the_filtered_external_list(tmp_path: Path) -> None:
    result = load_xlsform(workbook(tmp_path))
    assert result.issues == [], [str(issue) for issue in result.issues]
    assert not any("external_choices" in warning for warning in result.warnings)
    assert result.template is not None
    bot = Harness(forms=(result.template,))
    start(bot)
    assert buttons(bot, choice="qn") == ["Xã Sơn Tịnh", "Xã Tịnh Ấn"]
    bot.send(choice="tinh_an")
    bot.say("9")
    assert only_report(bot).answers == {"tinh": "qn", "xa": "tinh_an", "so_thon": 9}


def test_an_external_list_that_is_missing_is_named_with_its_sheet(tmp_path: Path) -> None:
    result = load_xlsform(workbook(tmp_path, external=None))
    assert result.template is None
    messages = [str(issue) for issue in result.issues]
    assert any("'xa' is not on the external_choices sheet" in m for m in messages), messages
