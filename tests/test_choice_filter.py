"""Cascading selects (XLSForm choice_filter), filled through the conversation engine.

Semantics as ODK Collect (JavaRosa) evaluates ``instance('list')/root/item[filter]``: a bare
name is a column of the choice, ``${q}`` the answer to q; only matching choices are offered
(https://xlsform.org/en/#cascading-selects, https://docs.getodk.org/form-datasets/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from connectors.base import Capabilities, render_plain
from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.loader import template_from_definition, template_to_definition
from reportbot.forms.schema import FormTemplate
from tests.test_engine import Harness

SETTINGS = [["form_title", "form_id"], ["Địa bàn", "dia_ban"]]
# Two provinces each with a district called "trung_tam": legal because the list is filtered.
CHOICES = [
    ["list_name", "name", "label", "tinh"],
    ["tinh", "hn", "Hà Nội", None],
    ["tinh", "hcm", "TP Hồ Chí Minh", None],
    ["huyen", "trung_tam", "Quận Trung tâm (HN)", "hn"],
    ["huyen", "ba_dinh", "Ba Đình", "hn"],
    ["huyen", "trung_tam", "Quận Trung tâm (HCM)", "hcm"],
    ["huyen", "thu_duc", "Thủ Đức", "hcm"],
]
SURVEY = [
    ["type", "name", "label", "choice_filter"],
    ["select_one tinh", "tinh", "Tỉnh / thành phố", None],
    ["select_one huyen", "huyen", "Quận / huyện", "tinh=${tinh}"],
    ["integer", "so_xa", "Số xã", None],
]


def workbook(tmp_path: Path, survey: list[list[Any]], choices: list[list[Any]] = CHOICES) -> Path:
    """A small XLSForm written by the test (survey, choices, settings)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for name, rows in (("choices", choices), ("settings", SETTINGS)):
        other = book.create_sheet(name)
        for row in rows:
            other.append(row)
    path = tmp_path / "dia_ban.xlsx"
    book.save(path)
    return path


def template(tmp_path: Path, survey: list[list[Any]] = SURVEY, **kw: Any) -> FormTemplate:
    result = load_xlsform(workbook(tmp_path, survey, **kw))
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.template is not None
    return result.template


def start(bot: Harness) -> None:
    """/baocao, then the first period offered."""
    bot.say("/baocao")
    bot.say("1")


def only_report(bot: Harness) -> Any:
    (view,) = bot.reports.values()
    return view


def buttons(bot: Harness, text: str | None = None, **extra: Any) -> list[str]:
    """The button labels of the last reply."""
    return [choice.label for choice in bot.send(text, **extra)[-1].choices]


def test_the_second_select_offers_only_the_districts_of_the_chosen_province(
    tmp_path: Path,
) -> None:
    bot = Harness(forms=(template(tmp_path),))
    start(bot)
    assert buttons(bot, choice="hcm") == ["Quận Trung tâm (HCM)", "Thủ Đức"]
    refused = bot.say("Ba Đình")  # a district of the other province cannot be typed either
    assert bot.state.question == "huyen"
    assert "Ba Đình" not in refused.split("\n")[0] or "không" in refused.lower()
    bot.say("Thủ Đức")
    assert bot.state.question == "so_xa"
    bot.say("12")
    answers = only_report(bot).answers
    assert answers == {"tinh": "hcm", "huyen": "thu_duc", "so_xa": 12}


def test_a_duplicate_name_is_shown_with_the_label_of_its_own_province(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),))
    start(bot)
    bot.send(choice="hcm")
    bot.send(choice="trung_tam")
    review = bot.say("5")
    assert "Quận Trung tâm (HCM)" in review and "(HN)" not in review


def test_changing_the_province_re_asks_a_district_it_no_longer_offers(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),))
    start(bot)
    bot.send(choice="hn")
    bot.send(choice="ba_dinh")
    bot.say("7")
    assert bot.state.mode == "review"
    bot.say("/sua 1")
    reply = bot.say("TP Hồ Chí Minh")
    assert "câu 2" in reply and "không còn phù hợp" in reply
    assert bot.state.question == "huyen"
    assert buttons(bot, "/tieptuc") == ["Quận Trung tâm (HCM)", "Thủ Đức"]
    bot.send(choice="thu_duc")
    assert bot.state.mode == "review"
    bot.say("/gui")
    bot.say("có")
    view = only_report(bot)
    assert view.status == "submitted"
    assert view.answers == {"tinh": "hcm", "huyen": "thu_duc", "so_xa": 7}


def test_a_kept_district_that_still_fits_is_not_re_asked(tmp_path: Path) -> None:
    """'trung_tam' exists in both provinces: after the change it still passes the filter."""
    bot = Harness(forms=(template(tmp_path),))
    start(bot)
    bot.send(choice="hn")
    bot.send(choice="trung_tam")
    bot.say("7")
    bot.say("/sua 1")
    bot.send(choice="hcm")
    assert bot.state.mode == "review"


@pytest.mark.parametrize(
    ("rule", "typed", "expected"),
    [
        # selected(${x}, name): the choices ticked before (ODK's "choices from a previous answer")
        ("selected(${tinh_ve}, name)", ["hn"], ["Hà Nội"]),
        ("starts-with(name, 'h')", ["hn", "hcm"], ["Hà Nội", "TP Hồ Chí Minh"]),
        ("name != 'hn'", ["hn"], ["TP Hồ Chí Minh"]),
        ("position() > 1", ["hn"], ["TP Hồ Chí Minh"]),  # the choice's number in its list
    ],
)
def test_filter_functions(tmp_path: Path, rule: str, typed: list[str], expected: list[str]) -> None:
    survey = [
        ["type", "name", "label", "choice_filter"],
        ["select_multiple tinh", "tinh_ve", "Các tỉnh đã về", None],
        ["select_one tinh", "tinh_chinh", "Tỉnh chính", rule],
    ]
    bot = Harness(forms=(template(tmp_path, survey),))
    start(bot)
    assert buttons(bot, choices=tuple(typed)) == expected


def test_a_filter_leaving_no_choice_passes_the_question_over(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "choice_filter"],
        ["select_one tinh", "tinh", "Tỉnh", None],
        ["select_one huyen", "huyen", "Huyện", "tinh=${tinh} and name = 'khong_co'"],
        ["integer", "so_xa", "Số xã", None],
    ]
    bot = Harness(forms=(template(tmp_path, survey),))
    start(bot)
    bot.send(choice="hn")
    assert bot.state.question == "so_xa"


def test_the_filter_and_the_choice_columns_survive_storage(tmp_path: Path) -> None:
    loaded = template(tmp_path)
    again = template_from_definition(template_to_definition(loaded))
    district = again.question("huyen")
    assert district is not None and district.choice_filter is not None
    assert district.choice_filter.source == "tinh=${tinh}"
    assert [dict(c.extra) for c in district.choices] == [
        {"tinh": "hn"},
        {"tinh": "hn"},
        {"tinh": "hcm"},
        {"tinh": "hcm"},
    ]


def test_a_duplicate_name_in_an_unfiltered_list_is_still_refused(tmp_path: Path) -> None:
    survey = [["type", "name", "label"], ["select_one huyen", "huyen", "Huyện"]]
    result = load_xlsform(workbook(tmp_path, survey))
    assert [str(issue).split(": ", 1)[1] for issue in result.issues] == [
        "choices, row 6, column name: 'trung_tam' is already in list 'huyen' (row 4)"
    ]


def test_plain_rendering_lists_only_the_filtered_choices(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),))
    start(bot)
    message = bot.send(choice="hn")[-1]
    text = render_plain(message, Capabilities(buttons=False))
    assert "Ba Đình" in text and "Thủ Đức" not in text
