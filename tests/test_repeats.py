"""Repeats (XLSForm begin repeat / end repeat) filled through the conversation engine.

ODK semantics (https://docs.getodk.org/form-repeats/, https://xlsform.org/en/#repeats):
`repeat_count` fixes the number of entries; without it the enumerator adds entries one at a
time; inside an entry ${sibling} is that entry's answer and position(..) its number;
count(${repeat}) and sum(${q}) run over the entries. Entries are stored as q[1], q[2], ...
(forms/repeats.py says why).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.loader import template_from_definition, template_to_definition
from reportbot.forms.repeats import sheet_cells
from reportbot.forms.schema import FormTemplate
from tests.conftest import FakeClock
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


# -- through the store: the mirror's joined cells and consolidation's sums ---------------------


@asynccontextmanager
async def running_roster(
    db: str, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[tuple[Any, FormTemplate]]:
    """The whole application, started, over a seeded commune and the stored household roster."""
    from reportbot.app import Application
    from reportbot.config import Settings
    from reportbot.store.forms import store_template
    from tests.support import seed_commune

    await seed_commune()
    template = roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})"))
    # published a year before the clock: both periods owed, so /baocao offers a menu
    await store_template(template, "ho_gia_dinh.xlsx", now=clock.now - timedelta(days=365))
    # the whole application: the officers' engine and the coordination commands (/xem)
    application = Application(Settings(database_url=db, media_dir=tmp_path / "m"), clock=clock)
    await application.service.start()
    try:
        yield application.service, template
    finally:
        await application.service.close()


@pytest.fixture
async def roster_service(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Any]:
    async with running_roster(db, clock, tmp_path) as running:
        yield running


async def file_roster(service: Any, user: str, people: list[tuple[str, str, str]]) -> Any:
    """An officer files the roster of the first period offered, through the chat."""
    from tests.support import Chat

    chat = Chat(service, user)
    await chat.say("/baocao")
    await chat.say("2")
    await chat.say(str(len(people)))
    for name, age, sex in people:
        for typed in (name, age, sex):
            await chat.say(typed)
    await chat.say("/gui")
    assert "Đã gửi" in await chat.say("có")
    return chat


async def test_the_sheet_and_the_consolidation_show_the_entries(
    roster_service: Any, clock: FakeClock, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from reportbot.coordination.reporting.consolidate import consolidate
    from reportbot.mirror.source import StoreMirrorSource
    from reportbot.mirror.worker import MirrorWorker
    from reportbot.mirror.xlsx import XlsxBackend
    from reportbot.periods import current_period
    from tests.conftest import TZ
    from tests.support import Chat

    service, template = roster_service
    await file_roster(service, "u-hoiphunu", [("An", "40", "Nam"), ("Bình", "38", "Nữ")])
    await file_roster(service, "u-vhxh", [("Cúc", "7", "Nữ")])
    shown = await Chat(service, "u-hoiphunu").say("/xem")
    assert "Thành viên 2 – Họ tên: Bình" in shown and "Thành viên 2 – Tuổi: 38" in shown

    source = StoreMirrorSource(TZ, clock=clock)
    assert await MirrorWorker(XlsxBackend(tmp_path / "m.xlsx"), source).run_once() >= 1
    book = load_workbook(tmp_path / "m.xlsx")
    sheet = next(s for s in book.worksheets if s.title.startswith("Địa bàn"))
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    cells = [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
    by_count = {row["Số người trong hộ"]: row for row in cells}
    assert by_count[2]["Họ tên"] == "1) An; 2) Bình"
    assert by_count[2]["Tuổi"] == "1) 40; 2) 38"
    assert by_count[2]["Giới tính"] == "1) Nam; 2) Nữ"
    assert by_count[1]["Họ tên"] == "1) Cúc"

    period = current_period(template.period, clock.now, TZ)
    result = await consolidate(template.key, template, period, now=clock.now, tz=TZ)
    ages = next(n for n in result.numbers if n.question.id == "tuoi")
    people = next(n for n in result.numbers if n.question.id == "so_nguoi")
    assert (ages.total, ages.count) == (40 + 38 + 7, 2)  # summed over entries, then units
    assert (people.total, people.count) == (3, 2)
    sexes = next(c for c in result.choices if c.question.id == "gioi")
    # units where some entry chose the option: both units have a woman, one has a man
    assert {o.value: o.units for o in sexes.options} == {"nam": 1, "nu": 2}
    from reportbot.coordination.reporting.reports.workbook import write_workbook

    write_workbook(result, tmp_path / "tong_hop.xlsx", tz=TZ)
    cells = [
        cell
        for sheet in load_workbook(tmp_path / "tong_hop.xlsx").worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    ]
    assert "Nam; Nữ" in cells and "Nữ" in cells  # each unit's entries, by label
    assert "['nam', 'nu']" not in cells


def test_lowering_the_count_asks_first_then_removes_the_extra_entry(tmp_path: Path) -> None:
    bot = Harness(forms=(roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})")),))
    start(bot)
    for typed in ("2", "An", "40", "Nam", "Bình", "38", "Nữ"):
        bot.say(typed)
    assert bot.state.mode == "review"
    bot.say("/sua 1")
    asked = bot.say("1")
    assert "3 câu sau không còn áp dụng" in asked and "Thành viên 2 – Họ tên" in asked
    bot.say("có")
    assert bot.state.mode == "review"
    assert only_report(bot).answers == {
        "so_nguoi": 1,
        "ho_ten[1]": "An",
        "tuoi[1]": 40,
        "gioi[1]": "nam",
    }


def test_answering_no_more_after_yes_removes_the_later_entry(tmp_path: Path) -> None:
    survey = [row[:3] for row in ROSTER if row[0] not in ("note", "calculate")]
    survey[2] = ["begin repeat", "thanh_vien", "Thành viên"]
    bot = Harness(forms=(roster(tmp_path, survey),))
    start(bot)
    for typed in ("9", "An", "40", "Nam", "Có, thêm một mục", "Bình", "38", "Nữ", "Không, xong"):
        bot.say(typed)
    assert bot.state.mode == "review"
    bot.say("/sua 5")  # 5 = "add another?" after entry 1
    bot.say("Không, xong")
    bot.say("có")
    answers = only_report(bot).answers
    assert answers == {
        "so_nguoi": 9,
        "ho_ten[1]": "An",
        "tuoi[1]": 40,
        "gioi[1]": "nam",
        "thanh_vien[1]": "no",
    }


def test_a_loop_over_a_list_asks_its_questions_once_per_choice(tmp_path: Path) -> None:
    """pyxform's `begin loop over LIST`: a group per choice, "%(label)s" naming it."""
    survey = [
        ["type", "name", "label", "constraint"],
        ["begin loop over gt", "theo_gioi", None, None],
        ["integer", "so", "Số người %(label)s", ". <= 100"],
        ["integer", "tre", "Trong đó trẻ em %(label)s", ". <= ${so}"],
        ["end loop", None, None, None],
    ]
    result = load_xlsform(workbook(tmp_path, survey, choices=CHOICES))
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.template is not None
    assert [q.id for q in result.template.questions] == [
        "theo_gioi.nam.so",
        "theo_gioi.nam.tre",
        "theo_gioi.nu.so",
        "theo_gioi.nu.tre",
    ]
    bot = Harness(forms=(result.template,))
    start(bot)
    assert "Số người Nam" in bot.say("/tieptuc")
    bot.say("10")
    bot.say("11")  # 11 children of 10 people: refused by the copy's own constraint
    assert bot.state.question == "theo_gioi.nam.tre"
    for typed in ("4", "12", "5"):
        bot.say(typed)
    assert only_report(bot).answers == {
        "theo_gioi.nam.so": 10,
        "theo_gioi.nam.tre": 4,
        "theo_gioi.nu.so": 12,
        "theo_gioi.nu.tre": 5,
    }


def test_indexed_repeat_reads_one_entry_inside_and_outside_the_repeat(tmp_path: Path) -> None:
    """ODK's indexed-repeat(${q}, ${rep}, i): entry i of q (here: the previous entry inside,
    the second entry outside)."""
    survey = [
        ["type", "name", "label", "repeat_count", "constraint", "relevant"],
        ["integer", "so_con", "Số con", None, None, None],
        ["begin repeat", "con", "Con", "${so_con}", None, None],
        [
            "integer",
            "tuoi",
            "Tuổi",
            None,
            "position(..) = 1 or . <= indexed-repeat(${tuoi}, ${con}, position(..) - 1)",
            None,
        ],
        ["end repeat", None, None, None, None, None],
        [
            "text",
            "ghi_chu",
            "Ghi chú con thứ hai",
            None,
            None,
            "indexed-repeat(${tuoi}, ${con}, 2) > 5",
        ],
        # an index read from an answer: picked when evaluated (the youngest child here)
        [
            "text",
            "be_nhat",
            "Về con út",
            None,
            None,
            "indexed-repeat(${tuoi}, ${con}, ${so_con}) < 5",
        ],
    ]
    bot = Harness(forms=(roster(tmp_path, survey),))
    start(bot)
    bot.say("3")
    bot.say("12")
    bot.say("14")  # older than the child before: refused
    assert bot.state.question == "tuoi[2]"
    bot.say("9")
    bot.say("4")
    assert bot.state.question == "ghi_chu"  # the second child is 9 > 5
    bot.say("ok")
    assert bot.state.question == "be_nhat"  # the third (last) child is 4 < 5


def test_adding_an_entry_from_the_review_asks_the_new_entry(tmp_path: Path) -> None:
    survey = [row[:3] for row in ROSTER if row[0] not in ("note", "calculate")]
    survey[2] = ["begin repeat", "thanh_vien", "Thành viên"]
    bot = Harness(forms=(roster(tmp_path, survey),))
    start(bot)
    for typed in ("9", "An", "40", "Nam", "Không, xong"):
        bot.say(typed)
    assert bot.state.mode == "review"
    bot.say("/sua 5")  # "add another?" after entry 1
    bot.say("Có, thêm một mục")
    assert bot.state.question == "ho_ten[2]"
    for typed in ("Bình", "38", "Nữ", "Không, xong"):
        bot.say(typed)
    assert bot.state.mode == "review"
    answers = only_report(bot).answers
    assert answers["ho_ten[2]"] == "Bình" and answers["thanh_vien[2]"] == "no"


def test_a_repeat_count_reading_an_unknown_name_is_refused_on_its_row(tmp_path: Path) -> None:
    survey = [
        ["type", "name", "label", "repeat_count"],
        ["integer", "so", "Số", None],
        ["begin repeat", "tv", "Thành viên", "${so_nguoi}"],
        ["text", "ten", "Tên", None],
        ["end repeat", None, None, None],
    ]
    result = load_xlsform(workbook(tmp_path, survey, choices=CHOICES))
    assert [str(issue).split(": ", 1)[1] for issue in result.issues] == [
        "survey, row 3, column repeat_count: ${so_nguoi} is not a question of this form"
    ]
