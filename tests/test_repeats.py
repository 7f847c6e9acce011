"""Repeats (XLSForm begin repeat / end repeat) filled through the conversation engine.

ODK semantics (https://docs.getodk.org/form-repeats/, https://xlsform.org/en/#repeats):
`repeat_count` fixes the number of entries; without it the enumerator adds entries one at a
time; inside an entry ${sibling} is that entry's answer and position(..) its number;
count(${repeat}) and sum(${q}) run over the entries. Entries are stored as q[1], q[2], ...
(forms/repeats.py says why).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportbot.coordination.xlsform import load_xlsform
from reportbot.forms.loader import template_from_definition, template_to_definition
from reportbot.forms.repeats import sheet_cells
from reportbot.forms.schema import FormTemplate
from tests.test_choice_filter import only_report, start, workbook
from tests.test_engine import Harness

CHOICES = [["list_name", "name", "label"], ["gt", "nam", "Nam"], ["gt", "nu", "Nữ"]]
ROSTER = [
    ["type", "name", "label", "repeat_count", "constraint", "constraint_message"],
    ["integer", "so_nguoi", "Số người trong hộ", None, None, None],
    ["begin repeat", "thanh_vien", "Thành viên", "${so_nguoi}", None, None],
    ["text", "ho_ten", "Họ tên", None, None, None],
    ["integer", "tuoi", "Tuổi", None, ". < 120", "Tuổi phải dưới 120"],
    ["select_one gt", "gioi", "Giới tính", None, None, None],
    ["end repeat", None, None, None, None, None],
    ["note", "tong", "Tổng tuổi: ${tong_tuoi}", None, None, None],
    ["calculate", "tong_tuoi", None, None, None, None],
]


def roster(tmp_path: Path, survey: list[list[Any]]) -> FormTemplate:
    result = load_xlsform(workbook(tmp_path, survey, choices=CHOICES))
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.template is not None
    return result.template


def with_calc(survey: list[list[Any]], calculation: str) -> list[list[Any]]:
    """The survey with a `calculation` column holding `calculation` on the calculate row."""
    header = [*survey[0], "calculation"]
    rows = [[*row, calculation if row[0] == "calculate" else None] for row in survey[1:]]
    return [header, *rows]


def test_repeat_count_asks_each_entry_then_moves_on(tmp_path: Path) -> None:
    template = roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})"))
    bot = Harness(forms=(template,))
    start(bot)
    bot.say("2")
    first = bot.say("An")
    assert "Thành viên 1 – Tuổi" in first
    refused = bot.say("130")
    assert "Tuổi phải dưới 120" in refused
    bot.say("40")
    bot.send(choice="nam")
    assert bot.state.question == "ho_ten[2]"
    bot.say("Bình")
    bot.say("38")
    review = bot.say("Nữ")
    assert bot.state.mode == "review"
    assert "Thành viên 1 – Họ tên: An" in review and "Thành viên 2 – Giới tính: Nữ" in review
    assert only_report(bot).answers == {
        "so_nguoi": 2,
        "ho_ten[1]": "An",
        "tuoi[1]": 40,
        "gioi[1]": "nam",
        "ho_ten[2]": "Bình",
        "tuoi[2]": 38,
        "gioi[2]": "nu",
    }


def test_without_a_count_the_officer_adds_entries_one_by_one(tmp_path: Path) -> None:
    survey = [row[:3] for row in ROSTER if row[0] not in ("note", "calculate")]
    survey[2] = ["begin repeat", "thanh_vien", "Thành viên"]
    bot = Harness(forms=(roster(tmp_path, survey),))
    start(bot)
    bot.say("9")  # so_nguoi: only a number here, the roster does not read it
    bot.say("An")
    bot.say("40")
    asked = bot.send(choice="nam")[-1]
    assert "Thêm một mục “Thành viên” nữa?" in asked.text
    assert [c.label for c in asked.choices] == ["Có, thêm một mục", "Không, xong"]
    bot.send(choice="yes")
    assert bot.state.question == "ho_ten[2]"
    bot.say("Bình")
    bot.say("38")
    bot.send(choice="nu")
    bot.send(choice="no")
    assert bot.state.mode == "review"
    answers = only_report(bot).answers
    assert answers["thanh_vien[1]"] == "yes" and answers["thanh_vien[2]"] == "no"
    assert answers["ho_ten[2]"] == "Bình"
    bot.say("/gui")
    bot.say("có")
    assert only_report(bot).status == "submitted"


def test_count_and_sum_over_the_entries_and_position(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "repeat_count", "calculation", "relevant"],
        ["integer", "so_nguoi", "Số người", None, None, None],
        ["begin repeat", "tv", "Thành viên", "${so_nguoi}", None, None],
        ["integer", "tuoi", "Tuổi", None, None, None],
        ["text", "ghi_chu_truong_ho", "Ghi chú chủ hộ", None, None, "position(..) = 1"],
        ["end repeat", None, None, None, None, None],
        ["calculate", "tong", None, None, "sum(${tuoi})", None],
        ["calculate", "dem", None, None, "count(${tv})", None],
        ["integer", "tre_em", "Số trẻ em", None, None, "${tong} > 50 and ${dem} = 3"],
    ]
    bot = Harness(forms=(roster(tmp_path, survey),))
    start(bot)
    bot.say("3")
    bot.say("30")
    assert bot.state.question == "ghi_chu_truong_ho[1]"  # entry 1 only
    bot.say("chủ hộ")
    bot.say("20")
    assert bot.state.question == "tuoi[3]"  # position(..) = 1 is false in entry 2
    bot.say("5")
    assert bot.state.question == "tre_em"  # 30 + 20 + 5 > 50 and three entries


def test_the_repeat_survives_storage(tmp_path: Path) -> None:
    template = roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})"))
    again = template_from_definition(template_to_definition(template))
    assert again.repeats == template.repeats
    assert [q.repeat for q in again.questions] == [q.repeat for q in template.questions]


def test_the_sheet_joins_each_repeated_question_into_one_cell(tmp_path: Path) -> None:
    template = roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})"))
    answers = {"so_nguoi": 2, "ho_ten[1]": "An", "tuoi[1]": 40, "ho_ten[2]": "Bình"}
    answers |= {"tuoi[2]": 38, "gioi[1]": "nam", "gioi[2]": "nu", "ho_ten[3]": "cũ"}
    cells = sheet_cells(template, answers, lambda q, v: str(v))
    assert cells == {
        "so_nguoi": 2,
        "ho_ten": "1) An; 2) Bình",  # entry 3 is left over from a larger count: not shown
        "tuoi": "1) 40; 2) 38",
        "gioi": "1) nam; 2) nu",
    }


def test_loops_nested_repeats_and_calculations_inside_are_refused_by_name(
    tmp_path: Path,
) -> None:
    survey = [
        ["type", "name", "label", "calculation"],
        ["begin repeat", "a", "A", None],
        ["calculate", "c", None, "1"],
        ["begin repeat", "b", "B", None],
        ["text", "t", "T", None],
        ["end repeat", None, None, None],
        ["end repeat", None, None, None],
    ]
    result = load_xlsform(workbook(tmp_path, survey, choices=CHOICES))
    messages = [str(issue).split(": ", 1)[1] for issue in result.issues]
    assert messages[:2] == [
        "survey, row 3, column type: a calculate inside a repeat is not supported yet; "
        "move it out of the repeat",
        "survey, row 4, column type: a repeat inside a repeat is not supported; ask for the "
        "inner list as text",
    ]
