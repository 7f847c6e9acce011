"""A rule comparing a question with a value it can never hold is a template error (issue 15)."""

from __future__ import annotations

import pytest

from reportbot.forms.loader import parse_yaml_template

TEMPLATE = """key: mau
title: Mẫu
period: {{kind: annual, deadlines: ["20/12"]}}
questions:
  - id: co_ke_hoach
    type: yes_no
    label: Có kế hoạch?
  - id: muc
    type: select_multiple
    label: Mức
    choices:
      - {{value: cao, label: Cao}}
      - {{value: thap, label: Thấp}}
  - id: q
    type: integer
    label: Số
    relevant: "{rule}"
"""


@pytest.mark.parametrize(
    ("rule", "problem"),
    [
        ("${co_ke_hoach} = 'có'", "${co_ke_hoach} can never be 'có' (its values: 'yes', 'no')"),
        ("'Có' != ${co_ke_hoach}", "${co_ke_hoach} can never be 'Có'"),
        ("selected(${muc}, 'Cao')", "${muc} can never be 'Cao' (its values: 'cao', 'thap')"),
        ("${co_ke_hoach} = 'yes' and ${muc} = 'vua'", "${muc} can never be 'vua'"),
    ],
)
def test_impossible_values_are_refused_with_the_line(rule: str, problem: str) -> None:
    template, issues = parse_yaml_template(TEMPLATE.format(rule=rule), "mau.yaml")
    assert template is None
    assert len(issues) == 1
    assert str(issues[0]).startswith(f"mau.yaml:17: q: relevant: {problem}")


@pytest.mark.parametrize(
    "rule",
    ["${co_ke_hoach} = 'yes'", "selected(${muc}, 'thap')", "${muc} != ''", "${muc} = 'cao thap'"],
)
def test_possible_values_pass(rule: str) -> None:
    template, issues = parse_yaml_template(TEMPLATE.format(rule=rule), "mau.yaml")
    assert issues == []
    assert template is not None
