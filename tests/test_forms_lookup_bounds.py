"""Choice-list lookups stay within the expression's work budget (10,000 nodes): a lookup
reading every row of a long list is refused at upload at its row and column; a keyed lookup
(`column = value`) reads only the rows it matches, whatever the value's type; a keyed lookup
compared with another lookup's nodes matches a row equal to any of them, as XPath does
(https://www.w3.org/TR/1999/REC-xpath-19991116/#booleans: `=` between a node and a
node-set is true when one node of the set passes). Work is counted in row reads, not time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.choice_filter import visible_choices
from reportbot.forms.diagnostics import shown
from reportbot.forms.evaluation import evaluate_calculations
from reportbot.forms.expressions import ExpressionError, parse_expression
from tests.test_forms_choice_lookup import CHOICES, SURVEY, workbook


class CountedRow(dict):  # type: ignore[type-arg]
    """A list row that counts the column reads made on it (the work a lookup does)."""

    reads = 0

    def get(self, key: Any, default: Any = None) -> Any:
        CountedRow.reads += 1
        return super().get(key, default)


def counted(count: int, start: int = 0) -> tuple[CountedRow, ...]:
    """`count` rows: name r<i>, n <i> (a number), every tenth one in group 'g'."""
    return tuple(
        CountedRow(name=f"r{i}", n=str(i), g="g" if i % 10 == 0 else "")
        for i in range(start, start + count)
    )


def reads_of(source: str, lists: dict[str, Any], answers: dict[str, Any]) -> tuple[Any, int]:
    """(the value, the row reads one evaluation made), the parse's own reads left out."""
    expression = parse_expression(source, lists=lists)
    CountedRow.reads = 0
    value = expression.evaluate(answers)
    return value, CountedRow.reads


NOTE = ["text", "ghi_chu", "Ghi chú", None, None, None]  # a question the bot asks
BIG_LIST = [["list_name", "name", "label", "n"]] + [
    ["lon", f"r{i}", f"Dòng {i}", str(i)] for i in range(12_000)
]


def test_a_lookup_over_every_row_of_a_long_list_is_refused_at_upload(tmp_path: Path) -> None:
    """12,000 rows read by one lookup: over the 10,000-node budget; the admin reads the
    survey sheet's row and column of each."""
    calculations = [
        "sum(instance('lon')/root/item/n)",  # every row, no predicate
        "instance('lon')/root/item/n = 5",  # compared node by node: every row
        "count(instance('lon')/root/item[n > 5])",  # a predicate over every row
    ]
    survey = [SURVEY[0], NOTE]
    survey += [["calculate", f"x{i}", "X", c, None, None] for i, c in enumerate(calculations)]
    result = load_xlsform(workbook(tmp_path, survey, BIG_LIST))
    assert result.template is None
    where = [(i.sheet, i.row, i.column) for i in result.issues]
    assert where == [("survey", 3, "calculation"), ("survey", 4, "calculation"),
                     ("survey", 5, "calculation")]  # fmt: skip
    assert all("quá nặng" in shown(i.message, "vi") for i in result.issues)


def test_keyed_lookups_on_a_long_list_are_accepted_and_read_one_row(tmp_path: Path) -> None:
    """The keyed forms stay accepted on the same 12,000 rows: pulldata and name = ${q}, and
    a number compared with a text column; the first node as a value reads one row."""
    survey = [
        ["type", "name", "label", "calculation"],
        ["integer", "so", "Số"],
        ["calculate", "ten", "Tên", "instance('lon')/root/item[n = ${so}]/label"],
        ["calculate", "so_lai", "Số lại", "pulldata('lon', 'n', 'name', concat('r', ${so})) + 1"],
        ["calculate", "dau", "Đầu", "instance('lon')/root/item/label"],
    ]
    result = load_xlsform(workbook(tmp_path, survey, BIG_LIST))
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.template is not None
    values = evaluate_calculations(result.template, {"so": 11_999})
    assert (values["ten"], values["so_lai"], values["dau"]) == ("Dòng 11999", 12_000, "Dòng 0")


@pytest.mark.parametrize(
    ("source", "answers", "expected", "most_reads"),
    [
        # a number: the row whose text reads as that number (was a scan of all 20,000)
        ("instance('a')/root/item[n = ${x}]/name", {"x": 15_321}, "r15321", 1),
        ("instance('a')/root/item[n = ${x}]/name", {"x": 7.0}, "r7", 1),
        ("instance('a')/root/item[n = ${x}]/name", {"x": "15321"}, "r15321", 1),
        ("instance('a')/root/item[n = ${x}]/name", {"x": 20_000}, "", 0),  # no such row
        ("count(instance('a')/root/item[n = ${x}])", {"x": 3}, 1, 1),
        ("instance('a')/root/item/name", {}, "r0", 1),  # as a value: the first node
    ],
)
def test_a_keyed_lookup_reads_only_the_rows_it_matches(
    source: str, answers: dict[str, Any], expected: object, most_reads: int
) -> None:
    value, reads = reads_of(source, {"a": counted(20_000)}, answers)
    assert value == expected
    assert reads <= most_reads


def test_a_lookup_inside_a_predicate_on_two_long_lists_is_bounded() -> None:
    """The reviewer's case: outer rows each comparing with a keyed look-up into 18,000 rows
    (n = 1: one row, r1). With 2,000 outer rows it is over the budget (refused; it took
    92 s); with 1,000 it is accepted and one evaluation reads a row or two per outer row,
    not 18,000. By hand: the inner node-set is r1's n, "1", which equals 1 on every outer
    row (the predicate reads no outer column), so all 1,000 rows count."""
    source = "count(instance('a')/root/item[instance('b')/root/item[n = 1]/n = 1])"
    with pytest.raises(ExpressionError):
        parse_expression(source, lists={"a": counted(2_000), "b": counted(18_000)})
    lists = {"a": counted(1_000), "b": counted(18_000)}
    value, reads = reads_of(source, lists, {})
    assert value == 1_000
    assert reads <= 1_000 * 2  # per outer row: r1's n, and the outer row's name


def test_a_keyed_lookup_over_every_row_is_charged_its_rows() -> None:
    """A key matching every row (all 12,000 rows in group '') costs its rows: refused."""
    rows = tuple({"name": f"r{i}", "g": ""} for i in range(12_000))
    with pytest.raises(ExpressionError):
        parse_expression("count(instance('a')/root/item[g = ${x}])", lists={"a": rows})
    with pytest.raises(ExpressionError):
        parse_expression("count(instance('a')/root/item[g = ''])", lists={"a": rows})
    parse_expression("count(instance('a')/root/item[g = 'x'])", lists={"a": rows})  # none


BAC = "instance('tinh')/root/item[mien = 'bac']/name"  # hn, hp
NAM = "instance('tinh')/root/item[mien = 'nam']/name"  # hcm
DISTRICTS = [
    ["list_name", "name", "label", "tinh", "mien"],
    ["tinh", "hn", "Hà Nội", "", "bac"],
    ["tinh", "hp", "Hải Phòng", "", "bac"],
    ["tinh", "hcm", "TP Hồ Chí Minh", "", "nam"],
    ["huyen", "ba_dinh", "Ba Đình", "hn", ""],
    ["huyen", "dong_da", "Đống Đa", "hn", ""],
    ["huyen", "le_chan", "Lê Chân", "hp", ""],
    ["huyen", "quan_1", "Quận 1", "hcm", ""],
]


@pytest.mark.parametrize(
    ("calculation", "expected"),
    [
        # by hand: the northern provinces are hn, hp; their districts ba_dinh, dong_da
        # (hn) and le_chan (hp): 3 (the bot gave 0, comparing with the text "hn hp")
        ("count(instance('huyen')/root/item[tinh = " + BAC + "])", 3),
        ("count(instance('huyen')/root/item[" + BAC + " = tinh])", 3),
        # the same without the keyed look-up: the per-row comparison gave 3 already
        ("count(instance('huyen')/root/item[tinh = " + BAC + " or 1 = 0])", 3),
        # the first in the list's order: Ba Đình; the southern ones: Quận 1 only
        ("instance('huyen')/root/item[tinh = " + BAC + "]/label", "Ba Đình"),
        ("join(',', instance('huyen')/root/item[tinh = " + NAM + "]/name)", "quan_1"),
    ],
)  # fmt: skip
def test_a_keyed_lookup_compared_with_another_lookup_matches_any_node(
    tmp_path: Path, calculation: str, expected: object
) -> None:
    survey = [SURVEY[0], NOTE, ["calculate", "x", "X", calculation, None, None]]
    result = load_xlsform(workbook(tmp_path, survey, DISTRICTS))
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.template is not None
    assert evaluate_calculations(result.template, {})["x"] == expected


def test_the_reference_table_still_reads_as_before() -> None:
    """CHOICES is the other test file's table: its keyed figures are unchanged."""
    rows = tuple(dict(zip(CHOICES[0][1:], row[1:], strict=True)) for row in CHOICES[1:])
    lists = {"tinh": rows}
    assert (
        parse_expression("pulldata('tinh', 'dan_so', 'ma_so', 31)", lists=lists).evaluate({})
        == "2100"
    )  # a number against "31"
    assert (
        parse_expression("pulldata('tinh', 'name', 'dan_so', ${x})", lists=lists).evaluate(
            {"x": 9500.0}
        )
        == "hcm"
    )


def test_a_choice_filter_reading_a_list_is_charged_once_per_choice(tmp_path: Path) -> None:
    """A choice_filter runs once per choice: reading a list of 100 districts (50 per
    province) for each of 3,000 communes (150,000 steps) is over a showing's budget and
    refused at the select's row; the same filter over the small table is accepted and keeps
    the northern districts' communes."""
    communes = [["xa", f"x{i}", f"Xã {i}", f"h{i % 100}", ""] for i in range(3_000)]
    districts = [["huyen", f"h{i}", f"Huyện {i}", "", f"t{i % 2}"] for i in range(100)]
    provinces = [["tinh", "t0", "Tỉnh 0", "", ""], ["tinh", "t1", "Tỉnh 1", "", ""]]
    header = ["list_name", "name", "label", "huyen", "tinh"]
    rule = "huyen = instance('huyen')/root/item[tinh = ${tinh}]/name"
    survey = [
        ["type", "name", "label", "choice_filter"],
        ["select_one tinh", "tinh", "Tỉnh", None],
        ["select_one xa", "xa", "Xã", rule],
    ]
    result = load_xlsform(workbook(tmp_path, survey, [header, *provinces, *districts, *communes]))
    assert result.template is None
    (issue,) = result.issues
    assert (issue.sheet, issue.row, issue.column) == ("survey", 3, "choice_filter")
    assert "3000 lựa chọn" in shown(issue.message, "vi")
    small = [header, *provinces, *districts[:4], *communes[:8]]  # h0..h3, x0..x7
    accepted = load_xlsform(workbook(tmp_path, survey, small))
    assert accepted.issues == [], [str(i) for i in accepted.issues]
    assert accepted.template is not None
    (question,) = [q for q in accepted.template.questions if q.id == "xa"]
    shown_choices = visible_choices(question, {"tinh": "t0"})
    # by hand: t0's districts are h0, h2 (h_i in t_{i % 2}); x_i lies in h_i for i < 100,
    # so of x0..x7 only x0 and x2 are in them
    assert [c.value for c in shown_choices] == ["x0", "x2"]


def test_a_national_commune_list_filtered_through_a_keyed_lookup_is_accepted(
    tmp_path: Path,
) -> None:
    """Vietnam has about 3,321 communes since the 2025 merger: a select of them filtered by
    the province of the chosen district (a keyed lookup, a few steps per commune) is a form
    admins bring, and must load (it was refused at 2,100 choices by one expression's budget)."""
    communes = [["xa", f"x{i}", f"Xã {i}", "", f"t{i % 34}"] for i in range(3_321)]
    districts = [["huyen", f"h{i}", f"Huyện {i}", "", f"t{i % 34}"] for i in range(200)]
    header = ["list_name", "name", "label", "huyen", "tinh"]
    rule = "tinh = instance('huyen')/root/item[name = ${huyen}]/tinh"
    survey = [
        ["type", "name", "label", "choice_filter"],
        ["select_one huyen", "huyen", "Huyện", None],
        ["select_one xa", "xa", "Xã", rule],
    ]
    result = load_xlsform(workbook(tmp_path, survey, [header, *districts, *communes]))
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.template is not None
    (question,) = [q for q in result.template.questions if q.id == "xa"]
    shown_choices = visible_choices(question, {"huyen": "h35"})
    # by hand: h35 is in t1 (35 % 34); the communes of t1 are x1, x35, x69, … (i % 34 == 1)
    assert len(shown_choices) == len(range(1, 3_321, 34)) == 98
    assert [c.value for c in shown_choices[:3]] == ["x1", "x35", "x69"]
