"""Template defaults are read with the officers' parsers when the template is loaded (issue 11)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pyxform.xls2json_backends import md_table_to_workbook

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.loader import (
    content_hash,
    parse_yaml_template,
    template_from_definition,
    template_to_definition,
)

HEAD = """key: mau
title: Mẫu
period: {kind: annual, deadlines: ["20/12"]}
questions:
  - id: dau
    type: text
    label: Câu đầu
"""


def yaml_with(question: str) -> str:
    """A template whose second question (starting on line 8) is `question`."""
    return HEAD + "".join(f"  {line}\n" for line in question.strip().splitlines())


CHOICES = """choices:
  - {value: a, label: A}
  - {value: b, label: B}"""

# type, the question's extra lines, a wrong default, the problem named (line 8 + offset)
WRONG = [
    ("integer", "", "abc", "not a valid integer answer"),
    ("integer", "", "2,5", "not a valid integer answer"),
    ("integer", "", "1" * 23, "at most 15 digits"),
    ("integer", "max: 10", "11", "above max"),
    ("decimal", "", "hai phẩy năm", "not a valid decimal answer"),
    ("decimal", "min: 0", "-1", "below min"),
    ("text", "", "x" * 501, "longer than 500"),
    ("long_text", "", "x" * 4001, "longer than 4000"),
    ("yes_no", "", "có lẽ", "not a valid yes_no answer"),
    ("select_one", CHOICES, "c", "'c' is not a choice of this question (choices: a, b)"),
    ("select_one", CHOICES, "A", "'A' is not a choice"),
    ("select_multiple", CHOICES, "a z", "'z' is not a choice"),
    ("date", "", "hôm nay", "changes every day"),
    ("date", "", "31/02/2026", "not a valid date answer"),
    ("note", "", "x", "a note question cannot have one"),
    ("photo", "", "x", "a photo question cannot have one"),
    ("file", "", "x", "a file question cannot have one"),
]


@pytest.mark.parametrize(("qtype", "extra", "default", "problem"), WRONG)
def test_every_type_refuses_a_wrong_default_with_file_and_line(
    qtype: str, extra: str, default: str, problem: str
) -> None:
    question = f"- id: q\n  type: {qtype}\n  label: Câu hỏi\n  default: '{default}'\n"
    question += "".join(f"  {line}\n" for line in extra.splitlines())
    template, issues = parse_yaml_template(yaml_with(question), "mau.yaml")
    assert template is None
    assert len(issues) == 1, issues
    text = str(issues[0])
    assert text.startswith("mau.yaml:11: q: default: ")  # the line of `default:`
    assert problem in text


@pytest.mark.parametrize(
    ("qtype", "extra", "default", "stored"),
    [
        ("integer", "", "'1.500'", 1500),  # typed the Vietnamese way: one thousand five hundred
        ("integer", "", "12 người", 12),
        ("integer", "", "１２", 12),
        ("integer", "", "7", 7),
        ("decimal", "", "2.5", Decimal("2.5")),  # a YAML number is taken as it is
        ("decimal", "", "'2,5'", Decimal("2.5")),
        ("yes_no", "", "có", "yes"),
        ("yes_no", "", "'no'", "no"),
        ("yes_no", "", "false", "no"),
        ("select_one", CHOICES, "b", "b"),
        ("select_multiple", CHOICES, "b a", ["a", "b"]),
        ("select_multiple", CHOICES, "[a]", ["a"]),
        ("date", "", "20/06/2026", date(2026, 6, 20)),
        ("date", "", "2026-06-20", date(2026, 6, 20)),
        ("text", "", "'12'", "12"),
    ],
)
def test_a_good_default_is_stored_as_the_answer_would_be(
    qtype: str, extra: str, default: str, stored: object
) -> None:
    question = f"- id: q\n  type: {qtype}\n  label: Câu hỏi\n  default: {default}\n"
    question += "".join(f"  {line}\n" for line in extra.splitlines())
    template, issues = parse_yaml_template(yaml_with(question), "mau.yaml")
    assert issues == []
    assert template is not None
    parsed = template.question("q")
    assert parsed is not None
    assert parsed.default == stored
    assert type(parsed.default) is type(stored)
    # the stored definition reads back to the same template
    again = template_from_definition(template_to_definition(template))
    assert again.question("q").default == stored  # type: ignore[union-attr]
    assert content_hash(again) == content_hash(template)


SURVEY = """
| survey |
| | type | name | label::Tiếng Việt (vi) | default |
| | text | dau | Câu đầu | |
| | {type} | q | Câu hỏi | {default} |
| choices |
| | list_name | name | label::Tiếng Việt (vi) |
| | ab | a | A |
| | ab | b | B |
| settings |
| | form_id | form_title | period |
| | mau | Mẫu | annual |
"""


@pytest.mark.parametrize(
    ("qtype", "default", "problem"),
    [
        ("integer", "abc", "not a valid integer answer"),
        ("integer", "2.5", "not a valid integer answer"),
        ("integer", "1" * 23, "at most 15 digits"),
        ("decimal", "2,5,5", "not a valid decimal answer"),
        ("date", "hôm nay", "changes every day"),
        ("select_one ab", "c", "'c' is not a choice"),
        ("select_multiple ab", "a c", "'c' is not a choice"),
        ("text", "x" * 501, "longer than 500"),
    ],
)
def test_xlsform_defaults_are_refused_on_their_row_and_column(
    tmp_path: Path, qtype: str, default: str, problem: str
) -> None:
    path = tmp_path / "mau.xlsx"
    md_table_to_workbook(SURVEY.format(type=qtype, default=default)).save(path)
    result = load_xlsform(path)
    assert result.template is None
    assert len(result.issues) == 1, result.issues
    issue = result.issues[0]
    assert (issue.sheet, issue.row, issue.column) == ("survey", 3, "default")
    assert problem in issue.message


@pytest.mark.parametrize(
    ("qtype", "default", "stored"),
    [
        ("decimal", "2.5", Decimal("2.5")),  # an XPath literal: the point is decimal
        ("decimal", "1.500", Decimal("1.5")),
        ("integer", "12", 12),
        ("date", "2026-06-20", date(2026, 6, 20)),
        ("select_multiple ab", "b a", ["a", "b"]),
        ("select_one ab", "a", "a"),
    ],
)
def test_xlsform_defaults_store_what_odk_would(
    tmp_path: Path, qtype: str, default: str, stored: object
) -> None:
    path = tmp_path / "mau.xlsx"
    md_table_to_workbook(SURVEY.format(type=qtype, default=default)).save(path)
    result = load_xlsform(path)
    assert result.issues == []
    assert result.template is not None
    question = result.template.question("q")
    assert question is not None and question.default == stored
