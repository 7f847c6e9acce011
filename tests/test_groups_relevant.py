"""XLSForm groups (issue 15, "groups" bullet): a group's `relevant` checked once, on the
group's row, and inherited by every question inside; `appearance: field-list` accepted and
asked one question at a time.

ODK: "a group's relevant applies to every question inside it"
(https://docs.getodk.org/form-logic/#relevance-on-groups); `field-list` puts the group on one
screen (https://xlsform.org/en/#multiple-questions-on-one-screen); a chat has no screen, so
the questions come one per message, in order.
"""

from __future__ import annotations

from pathlib import Path

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.schema import FormTemplate
from tests.calc_support import write_workbook
from tests.test_engine import Harness

HEAD = ("type", "name", "label", "relevant", "appearance")
CHOICES = (("list_name", "name", "label"), ("yn", "yes", "Có"), ("yn", "no", "Không"))


def survey(relevant: str, appearance: str = "field-list") -> list[tuple[str, ...]]:
    return [
        HEAD,
        ("select_one yn", "co_hop", "Đơn vị có họp không?", "", ""),
        ("begin group", "hop", "Phần họp", relevant, appearance),
        ("integer", "so_buoi", "Số buổi họp", "", ""),
        ("integer", "so_nguoi", "Số người dự", "${so_buoi} > 0", ""),
        ("text", "noi_dung", "Nội dung chính", "", ""),
        ("end group", "", "", "", ""),
        ("text", "ghi_chu", "Ghi chú", "", ""),
    ]


def load(tmp_path: Path, rows: list[tuple[str, ...]]) -> object:
    return load_xlsform(write_workbook(tmp_path / "hop.xlsx", rows, choices=CHOICES))


def test_an_impossible_group_condition_is_reported_once_on_the_group_row(
    tmp_path: Path,
) -> None:
    result = load(tmp_path, survey("${co_hop} = 'có'"))  # the label, not the value 'yes'
    problems = [str(issue) for issue in result.issues]  # type: ignore[attr-defined]
    # the group is row 3 of the sheet; its three questions (rows 4-6) are not blamed
    assert problems == [
        "hop.xlsx: survey, row 3, column relevant: ${co_hop} can never be 'có' "
        "(its values: 'yes', 'no')"
    ]


def test_an_unknown_name_in_a_group_condition_is_reported_once_on_the_group_row(
    tmp_path: Path,
) -> None:
    result = load(tmp_path, survey("${khong_co} = 'yes'"))
    rows = [issue.row for issue in result.issues]  # type: ignore[attr-defined]
    assert rows == [3]


def template(tmp_path: Path, appearance: str = "field-list") -> FormTemplate:
    result = load(tmp_path, survey("${co_hop} = 'yes'", appearance))
    assert result.issues == [], [str(i) for i in result.issues]  # type: ignore[attr-defined]
    assert result.template is not None  # type: ignore[attr-defined]
    return result.template  # type: ignore[attr-defined,no-any-return]


def test_field_list_is_accepted_without_a_warning_and_other_appearances_are_named(
    tmp_path: Path,
) -> None:
    assert not any("appearance" in w for w in load(tmp_path, survey("")).warnings)  # type: ignore[attr-defined]
    other = load(tmp_path, survey("", "field-list minimal")).warnings  # type: ignore[attr-defined]
    assert [w for w in other if "appearance" in w] == [
        "column “appearance” ignored (display only): minimal"
    ]


def test_the_questions_inside_inherit_the_group_condition(tmp_path: Path) -> None:
    form = template(tmp_path)
    inside = ("so_buoi", "so_nguoi", "noi_dung")
    for qid in inside:
        question = form.question(qid)
        assert question is not None and question.relevant is not None
        # the group's condition decides for each of them
        assert question.relevant.evaluate({"co_hop": "no", "so_buoi": 3}) is False
    assert form.question("ghi_chu").relevant is None  # type: ignore[union-attr]
    assert form.question("so_nguoi").relevant.evaluate({"co_hop": "yes", "so_buoi": 3}) is True  # type: ignore[union-attr]


def test_a_field_list_group_is_asked_one_question_per_message(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),))
    bot.say("/baocao")
    assert "Đơn vị có họp không?" in bot.say("1")
    asked = [bot.say("1")]  # yes: the group applies
    asked += [bot.say(text) for text in ("2", "15", "Chuyển đổi số")]
    labels = ("Số buổi họp", "Số người dự", "Nội dung chính", "Ghi chú")
    for message, label in zip(asked, labels, strict=True):
        # exactly one question in each message, in the form's order
        assert label in message
        assert [other for other in labels if other in message] == [label]
    assert asked[0].splitlines()[0] == "📂 Phần họp"  # the group's header, once


def test_a_group_that_does_not_apply_skips_every_question_inside(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),))
    bot.say("/baocao")
    bot.say("1")
    after = bot.say("2")  # no meetings: the whole group is left out
    assert "Ghi chú" in after and "Số buổi họp" not in after
