"""The type of a calculation's value (forms.calculation_types): explicit rules, no guessing.

XLSForm gives a `calculate` row no type (ODK keeps a string); the bot reads a calculation as
a number only when its expression is numeric by the rules, so a consolidation adds up what
is a number and nothing else.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from reportbot.conversation.values import encode_value
from reportbot.forms.calculation_types import as_question, decode_calculated, stored_value
from reportbot.forms.loader import parse_yaml_template, template_from_definition
from reportbot.forms.loader import template_to_definition as definition

HEAD = """
key: kieu
title: Kiểu giá trị
period: {kind: monthly, deadlines: ["20"]}
questions:
  - {id: n, type: integer, label: Số}
  - {id: t, type: text, label: Chữ}
  - {id: d, type: date, label: Ngày}
calculations:
"""
# name: (expression, the type the rules give)
CASES = {
    "cong": ("${n} + 1", "decimal"),
    "so": ("5", "decimal"),
    "am": ("-${n}", "decimal"),
    "cau_hoi_so": ("${n}", "decimal"),
    "qua_tinh": ("${cong} * 2", "decimal"),  # a numeric calculation read by another
    "tron": ("round(${n} div 3, 1)", "decimal"),
    "dem": ("count-selected(${t})", "decimal"),
    "neu_so": ("if(${n} > 3, ${n}, '')", "decimal"),  # '' takes the other branch's type
    "neu_tron": ("if(${n} > 3, 'a', 5)", "text"),  # mixed: text
    "chuoi_so": ("'5'", "text"),  # a quoted literal is text, as ODK reads it
    "ghep": ("concat(${t}, 'x')", "text"),
    "so_sanh": ("${n} > 3", "text"),
    "hom_nay": ("today()", "date"),
    "ngay": ("${d}", "date"),
    "dinh_dang": ("format-date(today(), '%d/%m/%Y')", "text"),
    "can": ("sqrt(${n})", "decimal"),  # ODK's math functions are numbers
    "thoi_gian": ("decimal-time('12:00')", "decimal"),
    "khong_trong": ("count-non-empty(${t})", "decimal"),
}


def parsed(extra: str = "") -> object:
    lines = [
        f'  - {{name: {name}, calculation: "{source}"}}' for name, (source, _) in CASES.items()
    ]
    template, issues = parse_yaml_template(HEAD + "\n".join(lines) + extra, "kieu.yaml")
    assert template is not None, [str(i) for i in issues]
    return template


def test_each_calculation_has_the_type_the_rules_give() -> None:
    template = parsed()
    found = {c.name: c.type for c in template.calculations}  # type: ignore[attr-defined]
    assert found == {name: kind for name, (_, kind) in CASES.items()}


def test_a_stated_type_wins_and_is_kept_in_storage_but_an_inferred_one_is_not_written() -> None:
    template = parsed('\n  - {name: ma, calculation: "${t}", type: integer}')
    assert {c.name: c.type for c in template.calculations}["ma"] == "integer"  # type: ignore[attr-defined]
    stored = definition(template)  # type: ignore[arg-type]
    written = {item["name"]: item.get("type") for item in stored["calculations"]}
    assert written["ma"] == "integer" and written["cong"] is None  # hashes of old forms stay
    again = template_from_definition(stored)
    assert [c.type for c in again.calculations] == [c.type for c in template.calculations]  # type: ignore[attr-defined]


def test_an_unknown_stated_type_is_refused_on_its_line() -> None:
    text = HEAD + '  - {name: ma, calculation: "${t}", type: so_nguyen}'
    template, issues = parse_yaml_template(text, "kieu.yaml")
    assert template is None
    assert [(i.line, i.where) for i in issues] == [(10, "ma")]
    assert "type 'so_nguyen' is not one of date, decimal, integer, text" in issues[0].message


def test_a_calculation_reads_as_a_question_of_its_type() -> None:
    template = parsed()
    calcs = {c.name: c for c in template.calculations}  # type: ignore[attr-defined]
    question = as_question(calcs["cong"])
    assert (question.id, question.type, question.label) == ("cong", "decimal", {"vi": "cong"})


def test_values_are_stored_as_odk_writes_them_and_read_back_by_type() -> None:
    assert stored_value(Decimal("60.0")) == 60 and isinstance(stored_value(Decimal("60.0")), int)
    assert str(stored_value(Decimal("42.90"))) == "42.9"
    assert stored_value("") is None and stored_value(float("nan")) is None
    assert stored_value(Decimal("Infinity")) is None
    calcs = {c.name: c for c in parsed().calculations}  # type: ignore[attr-defined]
    for name, value in (("tron", Decimal("42.9")), ("cong", 7), ("hom_nay", date(2026, 11, 26))):
        assert decode_calculated(calcs[name], encode_value(stored_value(value))) == value
    assert decode_calculated(calcs["ghep"], encode_value("42.9")) == "42.9"  # text stays text
    assert decode_calculated(calcs["cong"], "null") is None
