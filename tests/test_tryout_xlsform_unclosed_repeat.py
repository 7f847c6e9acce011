"""A repeat left open is named as a repeat (tryout finding: the workbook's admin was told
"begin group without an end group" for a `begin_repeat` row with no `end_repeat`)."""

from __future__ import annotations

from pathlib import Path

from reportbot.coordination.publishing.xlsform import load_xlsform
from tests.test_choice_filter import workbook

SURVEY = [
    ["type", "name", "label"],
    ["integer", "so_lop", "Số lớp"],
    ["begin_repeat", "lop", "Lớp học"],
    ["text", "ten_lop", "Tên lớp"],
]


def test_an_unclosed_repeat_is_reported_on_its_row_as_a_repeat(tmp_path: Path) -> None:
    result = load_xlsform(workbook(tmp_path, SURVEY))
    assert result.template is None
    messages = [(issue.row, issue.message) for issue in result.issues]
    assert len(messages) == 1, messages
    row, message = messages[0]
    assert row == 3
    assert "begin repeat" in message and "end repeat" in message
    assert "group" not in message


def test_an_unclosed_group_is_still_a_group(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["begin_group", "g", "Nhóm"], ["text", "a", "A"]]
    result = load_xlsform(workbook(tmp_path, survey))
    assert [(i.row, i.message) for i in result.issues] == [(2, "begin group without an end group")]
