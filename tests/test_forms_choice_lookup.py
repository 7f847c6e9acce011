"""Choice-list lookups, ODK's common pattern for an extra column of the chosen choice:
`instance('list')/root/item[name = ${q}]/column`, with count() and sum() over a predicate,
and pulldata('list', column, key column, value) on a list of the choices sheet
(https://docs.getodk.org/form-datasets/#selects-from-internal-datasets,
https://docs.getodk.org/form-operators-functions/#pulldata). Checked through the
conversation, on the form as the store keeps it; every expected figure is worked out by hand
from the CHOICES table below. Other instances (another form, a CSV file) are refused at upload
at their row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.diagnostics import shown
from reportbot.forms.evaluation import evaluate_calculations
from reportbot.forms.expressions import ExpressionError, parse_expression
from reportbot.forms.loader import (
    parse_yaml_template,
    template_from_definition,
    template_to_definition,
)
from reportbot.forms.schema import FormTemplate
from tests.test_engine import Harness

CHOICES = [
    ["list_name", "name", "label", "ma_so", "mien", "dan_so"],
    ["tinh", "hn", "Hà Nội", "01", "bac", "8500"],
    ["tinh", "hp", "Hải Phòng", "31", "bac", "2100"],
    ["tinh", "hcm", "TP Hồ Chí Minh", "79", "nam", "9500"],
]
SURVEY = [
    ["type", "name", "label", "calculation", "constraint", "constraint_message"],
    ["select_one tinh", "tinh", "Tỉnh", None, None, None],
    ["calculate", "ma", "Mã tỉnh", "instance('tinh')/root/item[name = ${tinh}]/ma_so", None, None],
    [
        "calculate",
        "gap_doi",
        "Dân số gấp đôi",
        "pulldata('tinh', 'dan_so', 'name', ${tinh}) * 2",
        None,
        None,
    ],
    ["calculate", "so_bac", "Số tỉnh miền Bắc", "count(instance('tinh')/root/item[mien = 'bac'])"],
    [
        "calculate",
        "dan_so_bac",
        "Dân số miền Bắc",
        "sum(instance('tinh')/root/item[mien = 'bac']/dan_so)",
    ],
    [
        "integer",
        "so_ho",
        "Số hộ",
        None,
        ". <= instance('tinh')/root/item[name = ${tinh}]/dan_so",
        "Nhiều hơn dân số của tỉnh",
    ],
]


def workbook(tmp_path: Path, survey: list[list[object]], choices: list[list[object]]) -> Path:
    """The test's own XLSForm (survey, choices, settings), written with openpyxl."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    settings = [["form_title", "form_id"], ["Dân số", "dan_so"]]
    for name, rows in (("choices", choices), ("settings", settings)):
        other = book.create_sheet(name)
        for row in rows:
            other.append(row)
    path = tmp_path / "dan_so.xlsx"
    book.save(path)
    return path


def stored_form(tmp_path: Path) -> FormTemplate:
    """The workbook published, then read back as the store keeps it (its lists included)."""
    result = load_xlsform(workbook(tmp_path, SURVEY, CHOICES))
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.template is not None
    return template_from_definition(template_to_definition(result.template))


def test_the_chosen_provinces_columns_are_read_in_the_review(tmp_path: Path) -> None:
    bot = Harness(forms=(stored_form(tmp_path),))
    bot.say("/baocao")
    bot.say("1")
    bot.send(choice="hn")
    bot.say("300")
    lines = bot.say("/xemlai").splitlines()
    assert "• Mã tỉnh: 01 (tự tính)" in lines  # a text column: the leading zero kept
    assert "• Dân số gấp đôi: 17.000 (tự tính)" in lines  # 8500 x 2
    assert "• Số tỉnh miền Bắc: 2 (tự tính)" in lines  # hn and hp
    assert "• Dân số miền Bắc: 10.600 (tự tính)" in lines  # 8500 + 2100


def test_a_constraint_reads_the_chosen_provinces_column(tmp_path: Path) -> None:
    bot = Harness(forms=(stored_form(tmp_path),))
    bot.say("/baocao")
    bot.say("1")
    bot.send(choice="hp")
    refused = bot.say("2101")  # Hải Phòng: 2100 people
    assert "Nhiều hơn dân số của tỉnh" in refused
    assert bot.state.question == "so_ho"
    bot.say("2100")
    (view,) = bot.reports.values()
    assert view.answers == {"tinh": "hp", "so_ho": 2100}


def test_calculations_for_each_province_match_the_table(tmp_path: Path) -> None:
    form = stored_form(tmp_path)
    expected = {  # by hand from CHOICES
        "hn": {"ma": "01", "gap_doi": 17000},
        "hp": {"ma": "31", "gap_doi": 4200},
        "hcm": {"ma": "79", "gap_doi": 19000},
    }
    for province, values in expected.items():
        computed = evaluate_calculations(form, {"tinh": province})
        assert {name: computed[name] for name in values} == values
        assert (computed["so_bac"], computed["dan_so_bac"]) == (2, 10600)
    unanswered = evaluate_calculations(form, {})
    assert unanswered["ma"] == "" and unanswered["gap_doi"] is None  # no province: no row


ROWS = {"tinh": tuple({k: str(v) for k, v in zip(CHOICES[0][1:], row[1:], strict=True)}
                      for row in CHOICES[1:])}  # fmt: skip


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("instance('tinh')/root/item[2]/label", "Hải Phòng"),  # a number picks by position
        ("instance('tinh')/root/item[position() = 3]/ma_so", "79"),
        ("count(instance('tinh')/root/item[position() > 1])", 2),
        ("instance('tinh')/root/item[dan_so > 9000]/name", "hcm"),
        ("instance('tinh')/root/item[dan_so > 2000]/name", "hn"),  # first in the list's order
        ("instance('tinh')/root/item[name = 'xx']/ma_so", ""),  # none: empty
        ("join(', ', instance('tinh')/root/item[mien = 'bac']/label)", "Hà Nội, Hải Phòng"),
        ("max(instance('tinh')/root/item/dan_so)", 9500),
        ("concat(instance('tinh')/root/item/ma_so)", "013179"),  # every node, as ODK joins
        ("count(instance('tinh')/root/item[mien = 'tay'])", 0),
        # XPath compares a node-set with a value node by node: true if one node matches
        ("instance('tinh')/root/item[mien = 'bac']/name = 'hp'", True),  # hn, hp: hp matches
        ("instance('tinh')/root/item[mien = 'bac']/name != 'hn'", True),  # hp differs
        ("instance('tinh')/root/item[mien = 'bac']/dan_so > 8000", True),  # 8500
        ("instance('tinh')/root/item[mien = 'bac']/dan_so < 2000", False),  # 8500, 2100
        ("instance('tinh')/root/item[name = 'xx']/ma_so = ''", False),  # no node: false
        ("instance('tinh')/root/item[name = 'xx']/ma_so != ''", False),
    ],
)
def test_lookup_paths(source: str, expected: object) -> None:
    assert parse_expression(source, lists=ROWS).evaluate({}) == expected


@pytest.mark.parametrize(
    ("calculation", "vietnamese"),
    [
        (  # node-set against node-set: every pair; not bounded by the list sizes
            "instance('tinh')/root/item/name = instance('tinh')/root/item/ma_so",
            "so sánh hai đường dẫn instance() với nhau ở vị trí 34 chưa được hỗ trợ",
        ),
        (  # ODK's "parent form" pattern: another form's data
            "instance('parent')/root/data[P_SN = ${tinh}]/P_Age",
            "instance('parent') ở vị trí 9 không phải danh sách của trang choices",
        ),
        (  # a CSV file attached to the form
            "pulldata('fruits', 'name', 'name', ${tinh})",
            "pulldata('fruits', ...) ở vị trí 0 đọc tệp CSV “fruits.csv” gửi kèm biểu mẫu",
        ),
        (
            "instance('tinh')/root/item[name = current()/../tinh]/ma_so",
            "hàm ODK current() không dùng được ở vị trí 34",
        ),
        (
            "instance('tinh')/root/item/ma_so/x",
            "đường dẫn XPath ở vị trí 32 không được hỗ trợ",
        ),
        ("instance('tinh')/root/item", "instance(...)/root/item ở vị trí 0 cần /cột phía sau"),
    ],
)
def test_other_instances_are_refused_at_their_row_and_column(
    tmp_path: Path, calculation: str, vietnamese: str
) -> None:
    survey = [SURVEY[0], SURVEY[1], ["calculate", "x", "X", calculation, None, None]]
    result = load_xlsform(workbook(tmp_path, survey, CHOICES))
    assert result.template is None
    (issue,) = result.issues
    assert (issue.sheet, issue.row, issue.column) == ("survey", 3, "calculation")
    assert vietnamese in shown(issue.message, "vi")


def test_a_predicate_over_a_long_list_is_bounded() -> None:
    """A predicate runs once per row: 5000 rows x a 5-node predicate is over the 10,000-node
    budget, so it is refused; the keyed form (name = value) is a look-up and is accepted; a
    lookup inside another's predicate runs once per outer row."""
    rows = tuple({"name": f"x{i}", "n": str(i)} for i in range(5000))
    with pytest.raises(ExpressionError) as caught:
        parse_expression("instance('big')/root/item[n > ${a} + 1]/name", lists={"big": rows})
    assert "quá nặng" in shown(caught.value.message, "vi")
    keyed = parse_expression("instance('big')/root/item[name = ${a}]/n", lists={"big": rows})
    assert keyed.evaluate({"a": "x4321"}) == "4321"
    small = {"a": rows[:150], "b": rows[:150]}  # 150 x 150 rows: within budget one by one
    parse_expression("instance('a')/root/item[n > 3]/name", lists=small)
    with pytest.raises(ExpressionError):  # nested, each row of a scans all of b
        parse_expression(
            "instance('a')/root/item[n = instance('b')/root/item[n > 3]/n]/name", lists=small
        )


YAML = """
key: dan_so
title: Dân số
period: {kind: monthly, deadlines: ["20"]}
lists:
  tinh:
    - {name: hn, label: Hà Nội, dan_so: "8500"}
    - {name: hcm, label: TP Hồ Chí Minh, dan_so: "9500"}
questions:
  - {id: tinh, type: text, label: Mã tỉnh}
calculations:
  - {name: dan_so, calculation: "instance('tinh')/root/item[name = ${tinh}]/dan_so"}
"""


def test_a_yaml_template_carries_its_lists_and_a_wrong_shape_is_named() -> None:
    template, issues = parse_yaml_template(YAML, "dan_so.yaml")
    assert template is not None, [str(i) for i in issues]
    assert evaluate_calculations(template, {"tinh": "hcm"})["dan_so"] == "9500"
    broken, issues = parse_yaml_template(YAML.replace("  tinh:\n", "  tinh: 3\n  x:\n"))
    assert broken is None
    assert any(
        i.where == "lists" and shown(i.message, "vi").startswith("lists: phải là") for i in issues
    ), [str(i) for i in issues]


def test_lists_over_the_bounds_are_refused() -> None:
    """51 lists (one over 50): refused with the limits named, not loaded."""
    lists = "".join(f"\n  l{i}: [{{name: x, label: X}}]" for i in range(51))
    text = YAML.replace(YAML[YAML.index("  tinh:") : YAML.index("questions:")], f"{lists}\n")
    template, issues = parse_yaml_template(text, "dan_so.yaml")
    assert template is None
    assert (
        "lists: phải là {tên danh sách: [{cột: chữ}]} (tối đa 50 danh sách, 20000 dòng, 64 cột)"
        in [shown(i.message, "vi") for i in issues]
    )


def test_a_list_only_looked_up_needs_no_labels(tmp_path: Path) -> None:
    """ODK (pyxform) accepts a choices list no select shows without labels: a lookup table.
    A list a select shows still needs its Vietnamese labels."""
    table = [
        *CHOICES,
        ["he_so", "hn", None, None, None, "1.5"],
        ["he_so", "hcm", None, None, None, "2"],
    ]
    factor = "instance('he_so')/root/item[name = ${tinh}]/dan_so * 10"
    survey = [SURVEY[0], SURVEY[1], ["calculate", "k", "Hệ số", factor, None, None]]
    result = load_xlsform(workbook(tmp_path, survey, table))
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.template is not None
    assert evaluate_calculations(result.template, {"tinh": "hcm"})["k"] == 20  # 2 x 10
    unlabelled = [[*row[:2], None, *row[3:]] if row[1] == "hp" else row for row in CHOICES]
    refused = load_xlsform(workbook(tmp_path, survey, unlabelled + table[4:]))
    assert [(i.sheet, i.row, i.column) for i in refused.issues] == [("choices", 3, "label")]
