"""`calculate` fields and metadata: parsed, checked and evaluated purely (issue 15)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pyxform.xls2json_backends import md_table_to_workbook

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.calculate import evaluate_calculations
from reportbot.forms.loader import (
    build_template,
    content_hash,
    template_from_definition,
    template_to_definition,
)

WORKBOOK = """
| survey |
| | type | name | label | relevant | constraint | calculation |
| | today | hom_nay | | | | |
| | username | nguoi_nhap | | | | |
| | integer | tong | Tổng số cán bộ | | | |
| | integer | quan_triet | Số cán bộ được quán triệt | | . <= ${tong} | |
| | calculate | ty_le | | | | round(${quan_triet} div ${tong} * 100, 1) |
| | calculate | dat | | | | if(${ty_le} >= 80, 'đạt', 'chưa đạt') |
| | begin group | nhom | Nhóm | ${tong} > 10 | | |
| | calculate | trong_nhom | | | | ${tong} * 2 |
| | end group | | | | | |
| | note | canh_bao | Tỷ lệ thấp: ${ty_le} % | ${ty_le} < 50 | | |
| | text | ghi_chu | Người nhập | ${nguoi_nhap} != '' | | |
| | date | ngay | Ngày | | . <= ${hom_nay} | |
| settings |
| | form_id | form_title |
| | nq57 | Báo cáo NQ57 |
"""


def test_calculations_from_a_workbook_evaluate_in_order(tmp_path: Path) -> None:
    path = tmp_path / "nq57.xlsx"
    md_table_to_workbook(WORKBOOK).save(path)
    result = load_xlsform(path)
    assert result.issues == []
    template = result.template
    assert template is not None
    assert [c.name for c in template.calculations] == ["ty_le", "dat", "trong_nhom"]
    assert template.metadata == (("hom_nay", "today"), ("nguoi_nhap", "username"))
    assert [q.id for q in template.questions] == [
        "tong",
        "quan_triet",
        "canh_bao",
        "ghi_chu",
        "ngay",
    ]
    # the oracle: 17 of 20 is 85.0 %, "đạt"; 7 of 20 is 35.0 %; the group needs tong > 10
    values = evaluate_calculations(template, {"tong": 20, "quan_triet": 17})
    assert values == {"ty_le": Decimal("85.0"), "dat": "đạt", "trong_nhom": 40}
    values = evaluate_calculations(template, {"tong": 8, "quan_triet": 2})
    assert values == {"ty_le": Decimal("25.0"), "dat": "chưa đạt", "trong_nhom": ""}
    assert evaluate_calculations(template, {})["ty_le"] == ""  # empty, as ODK
    # a question's relevance reads the calculation straight from the answers
    warning = template.question("canh_bao")
    assert warning is not None and warning.relevant is not None
    assert warning.relevant.evaluate({"tong": 20, "quan_triet": 7}) is True
    assert warning.relevant.evaluate({"tong": 20, "quan_triet": 17}) is False
    # ...and names the answers it depends on, so a cache keyed on them stays right
    assert {"tong", "quan_triet", "ty_le"} <= warning.relevant.references()
    # metadata values are supplied by the caller
    note = template.question("ghi_chu")
    assert note is not None and note.relevant is not None
    assert note.relevant.evaluate({"nguoi_nhap": "lan"}) is True
    day = template.question("ngay")
    assert day is not None and day.constraint is not None
    assert day.constraint.evaluate({"hom_nay": date(2026, 6, 20)}, date(2026, 6, 21)) is False
    again = template_from_definition(template_to_definition(template))
    assert content_hash(again) == content_hash(template)
    assert evaluate_calculations(again, {"tong": 20, "quan_triet": 17})["dat"] == "đạt"


def _template(calculations: list[dict], questions: list[dict] | None = None):
    data = {
        "key": "mau",
        "title": "Mẫu",
        "period": {"kind": "annual", "deadlines": ["20/12"]},
        "questions": questions or [{"id": "so", "type": "integer", "label": "Số"}],
        "calculations": calculations,
    }
    return build_template(data, "mau.yaml")


def test_calculations_run_in_dependency_order_whatever_the_written_order() -> None:
    template, issues = _template(
        [
            {"name": "a", "calculation": "${b} + 1"},
            {"name": "b", "calculation": "${so} * 2"},
            {"name": "c", "calculation": "${a} + ${b}"},
        ]
    )
    assert issues == []
    assert template is not None
    assert [c.name for c in template.calculations] == ["b", "a", "c"]
    assert evaluate_calculations(template, {"so": 5}) == {"b": 10, "a": 11, "c": 21}


def test_calculations_that_read_each_other_in_a_cycle_are_refused() -> None:
    template, issues = _template(
        [
            {"name": "a", "calculation": "${b} + 1"},
            {"name": "b", "calculation": "${a} * 2"},
            {"name": "c", "calculation": "${so}"},
        ]
    )
    assert template is None
    assert [str(i) for i in issues] == [
        "mau.yaml: a: calculation: the calculations read each other in a cycle: a, b"
    ]


def test_calculation_problems_are_reported() -> None:
    template, issues = _template(
        [
            {"name": "so", "calculation": "1"},
            {"name": "x", "calculation": "1 +"},
            {"name": "y", "calculation": ". + 1"},
            {"name": "y2", "calculation": "${khong_co}"},
        ]
    )
    assert template is None
    assert [str(i) for i in issues] == [
        "mau.yaml: x: calculation: unexpected end of expression at 3 in '1 +'",
        "mau.yaml: y: calculation: '.' has no meaning here",
        "mau.yaml: so: duplicate id 'so'",
        "mau.yaml: y2: calculation: ${khong_co} is not a question or a calculation",
    ]


def test_a_chain_of_calculations_cannot_explode() -> None:
    chain = [{"name": "c0", "calculation": "${so} + ${so}"}]
    chain += [
        {"name": f"c{i}", "calculation": f"${{c{i - 1}}} + ${{c{i - 1}}}"} for i in range(1, 30)
    ]
    template, issues = _template(chain)
    assert template is None
    assert any("too costly" in str(issue) for issue in issues)
