"""Legal XLSForm the bot used to refuse: references to a later question, comment rows, a
`calculation` on an ordinary question (ODK's dynamic default), and the cycle that stays
refused. Sources: pyxform's xls2json (a row without type, name and label is a comment row
and is skipped), ODK's form logic docs (https://docs.getodk.org/form-logic/: questions are
evaluated in dependency order; a calculation on a question is its dynamic default)."""

from __future__ import annotations

from pathlib import Path

from reportbot.coordination.publishing.xlsform import load_xlsform
from tests.test_choice_filter import only_report, start, workbook
from tests.test_engine import Harness

CHOICES = [["list_name", "name", "label"], ["cn", "co", "Có"], ["cn", "khong", "Không"]]


def issues(tmp_path: Path, survey: list[list[object]]) -> list[str]:
    result = load_xlsform(workbook(tmp_path, survey, choices=CHOICES))
    return [str(issue).split(": ", 1)[1] for issue in result.issues]


def test_a_condition_may_read_a_later_question(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "relevant"],
        ["note", "nhac", "Nhớ ghi email", "string-length(${email}) = 0"],
        ["text", "email", "Email", None],
        ["integer", "so", "Số", "${email} != ''"],
    ]
    result = load_xlsform(workbook(tmp_path, survey, choices=CHOICES))
    assert result.issues == []
    assert result.template is not None
    bot = Harness(forms=(result.template,))
    start(bot)
    assert bot.state.question == "email"
    bot.say("a@b.vn")
    assert bot.state.question == "so"
    bot.say("3")
    assert only_report(bot).answers == {"email": "a@b.vn", "so": 3}


def test_conditions_reading_each_other_in_a_cycle_are_refused(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "relevant"],
        ["integer", "a", "A", "${b} > 1"],
        ["integer", "b", "B", "${a} > 1"],
    ]
    found = issues(tmp_path, survey)
    assert len(found) == 1
    assert found[0].startswith("survey, row 2, column relevant: ")
    assert "cycle: ${a} → ${b} → ${a}" in found[0]


def test_a_question_reading_itself_in_its_relevant_is_refused(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "relevant"], ["integer", "a", "A", "${a} > 1"]]
    (found,) = issues(tmp_path, survey)  # one issue: the cycle of one
    assert found.startswith("survey, row 2, column relevant: ")
    assert found.endswith("cycle: ${a} → ${a}")


def test_a_comment_row_without_type_name_or_label_is_skipped(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "ghi_chu_noi_bo"],
        [None, None, None, "Phần A: thông tin chung"],
        ["integer", "so", "Số", None],
    ]
    assert issues(tmp_path, survey) == []


def test_a_row_with_a_name_but_no_type_is_still_refused(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], [None, "mat_kieu", "Mất kiểu"], ["integer", "so", "Số"]]
    assert issues(tmp_path, survey) == ["survey, row 2, column type: missing type"]


def test_a_calculation_on_a_question_is_its_default_when_asked(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation"],
        ["integer", "nam", "Nam", None],
        ["integer", "nu", "Nữ", None],
        ["integer", "tong", "Tổng", "${nam} + ${nu}"],
    ]
    result = load_xlsform(workbook(tmp_path, survey, choices=CHOICES))
    assert result.issues == []
    assert result.template is not None
    bot = Harness(forms=(result.template,))
    start(bot)
    bot.say("4")
    asked = bot.say("7")
    assert bot.state.question == "tong" and "11" in asked  # offered as the default
    bot.say("/boqua")
    assert only_report(bot).answers == {"nam": 4, "nu": 7, "tong": 11}


def test_a_dynamic_default_can_be_overridden(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "calculation"],
        ["integer", "nam", "Nam", None],
        ["integer", "tong", "Tổng", "${nam} * 2"],
    ]
    result = load_xlsform(workbook(tmp_path, survey, choices=CHOICES))
    assert result.template is not None
    bot = Harness(forms=(result.template,))
    start(bot)
    bot.say("4")
    bot.say("9")
    assert only_report(bot).answers == {"nam": 4, "tong": 9}
