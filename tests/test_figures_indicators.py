"""The `indicators:` section of a template: checked at load with file:line, stored, measured."""

from __future__ import annotations

from decimal import Decimal

from reportbot.forms.loader import (
    content_hash,
    load_yaml_template,
    parse_yaml_template,
    template_from_definition,
    template_to_definition,
)
from tests.conftest import NQ57

HEAD = """key: thu
title: Thử
period: {kind: annual, deadlines: ["20/12"]}
questions:
  - {id: tong, type: integer, label: Tổng}
  - {id: dat, type: integer, label: Đạt}
  - {id: co, type: yes_no, label: Có không}
  - id: kenh
    type: select_one
    label: Kênh
    choices: [{value: web, label: Web}, {value: zalo, label: Zalo}, {value: khong, label: Không}]
  - {id: ghi_chu, type: text, label: Ghi chú}
indicators:
"""


def issues_of(indicators: str) -> list[str]:
    template, issues = parse_yaml_template(HEAD + indicators, "thu.yaml")
    assert (template is None) == bool(issues)
    return [str(issue) for issue in issues]


def test_the_shipped_nq57_template_declares_the_plan_indicators() -> None:
    template, issues = load_yaml_template(NQ57)
    assert issues == [] and template is not None
    found = {
        i.key: (i.kind, i.numerator or i.question, i.denominator or i.value, i.target, i.due)
        for i in template.indicators
    }
    assert found == {
        "can_bo_quan_triet": (
            "ratio_of_sums",
            "so_can_bo_quan_triet",
            "tong_so_can_bo",
            Decimal(100),
            "2025",
        ),
        "can_bo_tt_dao_tao": (
            "ratio_of_sums",
            "so_can_bo_tt_dao_tao",
            "tong_can_bo_truyen_thong",
            Decimal(70),
            "2030",
        ),
        "don_vi_co_ke_hoach": (
            "share_of_units_with_value",
            "co_ke_hoach",
            "yes",
            Decimal(100),
            "2025",
        ),
        "don_vi_co_chuyen_muc": (
            "share_of_units_with_value",
            "chuyen_muc_web",
            "co",
            Decimal(100),
            "2025",
        ),
    }
    web = template.indicators[3]
    assert web.excluded == ("chua_co_trang_ttdt",)
    # Stored as JSON and read back: the same indicators, the same hash.
    again = template_from_definition(template_to_definition(template))
    assert again.indicators == template.indicators
    assert content_hash(again) == content_hash(template)


def test_every_kind_is_accepted_when_right() -> None:
    assert (
        issues_of(
            """  - {key: a, kind: ratio_of_sums, numerator: dat, denominator: tong, target: 90,
     due: 2030, label: {vi: Tỷ lệ đạt, en: Share met}}
  - {key: b, kind: share_of_units_with_value, question: kenh, value: web, excluded: [khong],
     target: 100, label: Có web}
  - {key: c, kind: count, question: co, value: "yes", target: 5, label: Số đơn vị có}
  - {key: d, kind: average, question: tong, label: Bình quân}
"""
        )
        == []
    )


def test_each_mistake_is_reported_with_file_and_line() -> None:
    found = issues_of(
        """  - {key: a, kind: ratio_of_sums, numerator: dat, label: Thiếu mẫu số}
  - {key: b, kind: share_of_units_with_value, question: kenh, value: fax, label: Sai giá trị}
  - {key: c, kind: average, question: ghi_chu, label: Không phải số}
  - {key: d, kind: ratio_of_sums, numerator: dat, denominator: khong_co, label: Câu lạ}
  - {key: e, kind: tong, question: tong, label: Sai loại}
  - {key: f, kind: share_of_units_with_value, question: co, value: "yes", target: 150,
     label: Quá 100}
  - {key: g, kind: count, question: co, value: "yes", due: sau nay, label: Sai năm}
  - {key: a, kind: average, question: tong, label: Trùng khóa}
  - {key: h, kind: average, question: tong, colour: red, label: Lạ}
  - {key: i, kind: average, question: tong}
"""
    )
    assert found == [
        "thu.yaml:14: indicator a: a ratio_of_sums indicator needs 'denominator'",
        "thu.yaml:15: indicator b: value 'fax' is not one of: web, zalo, khong",
        "thu.yaml:16: indicator c: question: 'ghi_chu' is a text question, not decimal, integer",
        "thu.yaml:17: indicator d: denominator: 'khong_co' is not a question of this form",
        "thu.yaml:18: indicator e: kind 'tong' is not one of: ratio_of_sums, "
        "share_of_units_with_value, count, average",
        "thu.yaml:19: indicator f: target must be from 0 to 100 (percent)",
        "thu.yaml:21: indicator g: due must be a year such as 2030",
        "thu.yaml:22: indicator a: duplicate indicator key",
        "thu.yaml:23: indicator h: unknown field 'colour'",
        "thu.yaml:24: indicator i: label must be a text or {vi: ..., en: ...} with vi",
    ]


def test_indicators_must_be_a_list() -> None:
    assert issues_of("  key: a\n") == [
        "thu.yaml:13: indicators: must be a list of {key, label, kind, ...}"
    ]
