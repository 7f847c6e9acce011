"""A stored value that does not fit its question never takes a conversation down."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbot.conversation.values import decode_value, fits_type
from reportbot.forms.loader import load_yaml_template
from tests.test_engine import NQ57_T, Harness
from tests.test_engine_validity import TOTAL, file_report

KEY = (NQ57_T.key, "2026-H2")


def test_a_text_where_a_number_belongs_is_shown_for_correction_and_blocks_sending() -> None:
    bot = Harness()
    file_report(bot)
    view = bot.reports[KEY]
    # Old data: text stored for an integer question (as a wrong template default once did).
    view.answers["tong_so_can_bo"] = decode_value(
        NQ57_T.question("tong_so_can_bo"), '"abc"', strict=False
    )
    review = bot.say("/xemlai")
    assert f"{TOTAL}. Tổng số cán bộ" in review
    assert "⚠️ abc (giá trị không hợp lệ, cần sửa)" in review
    refused = bot.say("/gui")
    assert "Chưa gửi được" in refused and "giá trị đã lưu không hợp lệ" in refused
    assert bot.state.question == "tong_so_can_bo"
    bot.say("30")
    assert bot.state.mode == "review"
    bot.say("/gui")
    bot.say("có")
    assert view.status == "submitted" and view.answers["tong_so_can_bo"] == 30
    assert view.answers["so_tin_bai_web"] == 12  # nothing else lost


def test_an_invalid_stored_reference_does_not_break_answering_the_question_that_reads_it() -> None:
    bot = Harness()
    bot.say("/baocao")
    bot.say("2")
    for typed in ["có", "KH-1", "01/03/2026", "1", "1", "1", "1", "1", "1", "1", "1", "5"]:
        bot.say(typed)
    bot.reports[KEY].answers["tong_so_can_bo"] = "ba mươi"  # damaged old data
    bot.state.question = "so_can_bo_quan_triet"
    reply = bot.say("20")
    assert "sự cố" not in reply
    assert bot.reports[KEY].answers["so_can_bo_quan_triet"] == 20


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ('"abc"', "integer", "abc"),
        ('"2026-13-45"', "date", "2026-13-45"),
        ("not json", "integer", "not json"),
    ],
)
def test_lenient_decoding_keeps_what_was_stored(text: str, kind: str, expected: object) -> None:
    question = next(q for q in NQ57_T.questions if q.type == kind)
    value = decode_value(question, text, strict=False)
    assert value == expected and not fits_type(question, value)
    with pytest.raises(ValueError):
        decode_value(question, text)


WRONG_DEFAULTS = """
key: wrong_defaults
version: "1"
title: {vi: Thử, en: Test}
unit_types: []
period: {kind: monthly, deadlines: ["25"]}
questions:
  - {id: n, type: integer, required: false, default: abc, label: {vi: Số, en: Number}}
  - {id: m, type: integer, required: false, default: 7, label: {vi: Số 2, en: Number 2}}
  - {id: y, type: yes_no, required: false, default: có, label: {vi: Có không, en: Yes or no}}
  - {id: d, type: date, required: false, default: hôm qua, label: {vi: Ngày, en: Date}}
  - {id: c, type: select_one, required: false, default: z, label: {vi: Chọn, en: Pick},
     choices: [{value: a, label: {vi: A, en: A}}, {value: b, label: {vi: B, en: B}}]}
  - {id: x, type: decimal, required: false, default: "2,5", label: {vi: Thập phân, en: Dec}}
"""


def test_wrong_defaults_are_refused_at_load_and_right_ones_stored_on_skip(
    tmp_path: Path,
) -> None:
    path = tmp_path / "defaults.yaml"
    path.write_text(WRONG_DEFAULTS, encoding="utf-8")
    template, issues = load_yaml_template(path)
    assert template is None  # a default that does not parse is a template error
    assert sorted((issue.line, issue.where) for issue in issues) == [(8, "n"), (11, "d"), (12, "c")]
    kept = [line for line in WRONG_DEFAULTS.splitlines() if "{id: n," not in line]
    kept = [line for line in kept if "{id: d," not in line]
    cut = next(i for i, line in enumerate(kept) if "{id: c," in line)
    del kept[cut : cut + 2]  # the choice question and its choices line
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    template, issues = load_yaml_template(path)
    assert template is not None, issues
    bot = Harness(forms=(template,))
    bot.say("/baocao")
    bot.say("2")
    for _ in range(3):
        assert "sự cố" not in bot.say("/boqua")
    answers = next(iter(bot.reports.values())).answers
    assert answers["m"] == 7 and answers["y"] == "yes"
    assert str(answers["x"]) == "2.5"
    assert "sự cố" not in bot.say("/xemlai")
