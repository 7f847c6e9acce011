"""Events chosen by the dates and words of their labels, as an officer types them.

Found filing the Resolution 57 report: "Đơn vị đã tổ chức, hưởng ứng sự kiện nào?" lists
"Ngày Khoa học và Công nghệ Việt Nam (18/5)" … "(10/10)"; "18/5 và 10/10" was answered
"Chỉ có 4 lựa chọn" (the "/" of the dates split them into 18, 5, 10, 10) and "ngày 18/5"
"Xin gõ số thứ tự…". Words (và, hoặc) now split before symbols, and a piece whose every word
begins a word of one option's label, and of no other, is that option.
"""

from __future__ import annotations

import pytest

from reportbot.conversation.answers import choice_options
from reportbot.conversation.parsing import AnswerError
from reportbot.conversation.parsing_choices import parse_choice, parse_choices
from reportbot.forms.loader import load_yaml_template
from tests.conftest import NQ57

TEMPLATE = load_yaml_template(NQ57)[0]
EVENTS = choice_options(TEMPLATE.question("su_kien"))
WEB = choice_options(TEMPLATE.question("chuyen_muc_web"))


@pytest.mark.parametrize(
    ("typed", "values"),
    [
        ("18/5 và 10/10", ["ngay_18_5", "ngay_10_10"]),
        ("ngày 18/5", ["ngay_18_5"]),
        ("ngày 18/5, ngày 10/10", ["ngay_18_5", "ngay_10_10"]),
        ("ngày 18/5 và ngày 1/10", ["ngay_18_5", "ngay_1_10"]),
        ("1/3", ["ngay_18_5", "ngay_10_10"]),  # numbers joined by a slash: as before
        ("1 và 3", ["ngay_18_5", "ngay_10_10"]),
    ],
)
def test_events_by_their_dates(typed: str, values: list[str]) -> None:
    assert parse_choices(typed, EVENTS) == values


@pytest.mark.parametrize("typed", ["ngày", "ngày 20/11", "chưa có web"])
def test_words_found_in_several_options_or_none_are_refused(typed: str) -> None:
    with pytest.raises(AnswerError):
        parse_choices(typed, EVENTS) if typed.startswith("ng") else parse_choice(typed, WEB)
