"""The engine's caches give what the uncached computation gives: per form version, per
value (its type included) and per change of the answers. (Periods per day: test_periods.)"""

from __future__ import annotations

from connectors.binding import question_token
from reportbot.conversation.render import review_message
from reportbot.conversation.report import OpenReport
from reportbot.conversation.session import SubmissionView, UnitInfo
from reportbot.conversation.state import PendingEdits
from reportbot.forms.loader import parse_yaml_template
from reportbot.forms.schema import FormTemplate
from reportbot.periods import period_by_key
from tests.conftest import TZ
from tests.test_engine import NQ57_T

FORM = """
key: tap_huan
version: "{version}"
title: Tập huấn
unit_types: []
period: {{kind: monthly, deadlines: ["20"]}}
questions:
  - {{id: so_buoi, type: integer, label: {label}, required: true}}
"""
UNIT = UnitInfo(1, "u1", "Đơn vị 1", "doan_the")


def form(version: str, label: str) -> FormTemplate:
    template, issues = parse_yaml_template(FORM.format(version=version, label=label))
    assert issues == [] and template is not None
    return template


def review(template: FormTemplate, value: object) -> str:
    period = period_by_key(template.period, "2026-11", TZ)
    questions = list(template.questions)
    return review_message(template, period, questions, {"so_buoi": value}, "vi").text


def opened(
    answers: dict[str, object], template: FormTemplate = NQ57_T, period: str = "2026-H2"
) -> OpenReport:
    view = SubmissionView(template.key, period, template, 1, answers=dict(answers))
    return OpenReport(view, UNIT, TZ, PendingEdits())


def test_review_rows_follow_the_form_version_of_the_same_question() -> None:
    first, second = form("1", "Số buổi"), form("2", "Số buổi tập huấn")
    assert "1. Số buổi: 3" in review(first, 3)
    assert "1. Số buổi tập huấn: 3" in review(second, 3)
    assert "1. Số buổi: 3" in review(first, 3)


def test_review_rows_tell_equal_values_of_other_types_apart() -> None:
    # 1 == True == 1.0, but only the integer fits an integer question.
    template = form("3", "Số buổi")
    assert "1. Số buổi: 1\n" in review(template, 1)
    assert "không hợp lệ" in review(template, True)
    assert "không hợp lệ" in review(template, "1")
    assert "1. Số buổi: 1\n" in review(template, 1)
    assert "1. Số buổi: 1.234\n" in review(template, 1234)


def test_a_change_looked_at_first_then_made_with_another_value_is_judged_afresh() -> None:
    report = opened({"co_ke_hoach": "yes", "so_ke_hoach": "KH-1", "ngay_ke_hoach": "x"})
    cleared = report.would_clear("co_ke_hoach", "no")
    assert [q.id for q in cleared] == ["so_ke_hoach", "ngay_ke_hoach"]
    report.set("co_ke_hoach", "yes")  # not the value looked at: nothing stops applying
    assert report.answers["so_ke_hoach"] == "KH-1"
    report.would_clear("co_ke_hoach", "no")
    report.set("co_ke_hoach", "no")  # the value looked at: its clearing is applied
    assert "so_ke_hoach" not in report.answers and "ngay_ke_hoach" not in report.answers
    assert report.edits.clears == {"so_ke_hoach", "ngay_ke_hoach"}


def test_a_look_is_forgotten_once_the_answers_change() -> None:
    report = opened({"co_ke_hoach": "yes", "so_ke_hoach": "KH-1"})
    value = "no"
    report.would_clear("co_ke_hoach", value)  # clears so_ke_hoach with these answers
    report.set("so_ke_hoach", None)
    report.set("co_ke_hoach", "yes")
    report.set("so_ke_hoach", "KH-2")
    report.set("co_ke_hoach", value)
    assert "so_ke_hoach" not in report.answers


def test_question_tokens_name_the_form_version_and_the_period() -> None:
    first, second = form("1", "Số buổi"), form("2", "Số buổi")
    one = opened({}, first, "2026-11").token("so_buoi")
    assert one == question_token("so_buoi", "tap_huan@1@2026-11")
    assert opened({}, second, "2026-11").token("so_buoi") != one
    assert opened({}, first, "2026-12").token("so_buoi") != one
    assert opened({}, first, "2026-11").token("so_buoi") == one
