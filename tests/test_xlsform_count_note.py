"""The upload preview's note on count() over a multiple-choice question: ODK (and the bot
since the ODK oracle) counts one node there, whatever is ticked, so a form written for
count-selected() (`count(${m}) <= 3`) would let every answer through."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.diagnostics import shown


def _workbook(folder: Path, constraint: str, calculation: str = "") -> Path:
    """Three questions: a multiple choice `m`, a single choice `s`, and `ghi` with the
    constraint; a calculate `tong` with `calculation` when given."""
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", "label::vi", "constraint", "calculation"])
    survey.append(["select_multiple mau", "m", "Màu", "", ""])
    survey.append(["select_one mau", "s", "Một màu", "", ""])
    survey.append(["text", "ghi", "Ghi", constraint, ""])
    if calculation:
        survey.append(["calculate", "tong", "", "", calculation])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::vi"])
    for name, label in (("do", "Đỏ"), ("xanh", "Xanh"), ("vang", "Vàng")):
        choices.append(["mau", name, label])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Màu", "mau_sac"])
    path = folder / "mau_sac.xlsx"
    book.save(path)
    return path


def _count_notes(path: Path, locale: str = "vi") -> list[str]:
    return [
        text
        for text in (shown(warning, locale) for warning in load_xlsform(path).warnings)
        if "count" in text
    ]


def test_count_over_a_multiple_choice_is_warned_in_vietnamese_then_english(
    tmp_path: Path,
) -> None:
    path = _workbook(tmp_path, "count(${m}) <= 3")
    assert _count_notes(path) == [
        "survey, dòng 4, cột constraint: count(${m}) luôn bằng 1 với câu hỏi chọn nhiều "
        "(như ODK), không đếm số lựa chọn đã chọn; muốn đếm số lựa chọn thì viết "
        "count-selected(${m})"
    ]
    assert _count_notes(path, "en") == [
        "survey, row 4, column constraint: count(${m}) is always 1 for a multiple-choice "
        "question (as in ODK), it does not count the choices ticked; to count them write "
        "count-selected(${m})"
    ]


def test_count_in_a_calculation_is_warned_once_per_place(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "", "count(${m}) + count(${m})")
    notes = _count_notes(path, "en")
    assert len(notes) == 1
    assert notes[0].startswith("survey, row 5, column calculation: count(${m})")


def test_count_selected_and_count_over_a_single_choice_are_not_warned(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "count-selected(${m}) <= 3 and count(${s}) = 1")
    assert _count_notes(path) == []
