"""Numbers as officers type them at a number question: "50%" at a percentage, "không" as 0.

Pure: `read_answer` with the questions of a form; the property tests check that whatever is
accepted still satisfies the question's bounds and constraint.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.base import Incoming
from reportbot.conversation.answers import Rejected, read_answer
from reportbot.conversation.typed_numbers import is_percentage
from reportbot.forms.expressions import parse_expression
from reportbot.forms.loader import load_yaml_template
from reportbot.forms.schema import Question
from tests.conftest import NQ57

TODAY = date(2026, 12, 10)
FAST = settings(max_examples=150, deadline=None)  # no deadline: the machine is shared
RATE = Question(
    id="ty_le_ho",
    type="decimal",
    label={"vi": "Tỷ lệ % hộ dân dùng thanh toán số", "en": "Share of households (%)"},
    min=0,
    max=100,
)
RATE_WITHOUT_SIGN = Question(
    id="ty_le", type="integer", label={"vi": "Tỷ lệ người dân được tập huấn"}, min=0, max=100
)
RATIO = Question(id="ty_so", type="decimal", label={"vi": "Tỷ lệ chi trên thu"}, min=0, max=1)
COUNT = Question(
    id="so_buoi", type="integer", label={"vi": "Số buổi tuyên truyền"}, min=0, max=1000
)
AT_MOST_TOTAL = Question(
    id="so_da_tap_huan",
    type="decimal",
    label={"vi": "Phần trăm đã tập huấn"},
    min=0,
    max=100,
    constraint=parse_expression(". <= ${muc_tieu}"),
)


def read(question: Question, text: str, answers: dict[str, Any] | None = None) -> Any:
    """The value stored for `text`, or the sentence refusing it (a `Rejected`)."""
    try:
        message = Incoming("console", "u1", "u1", text)
        return read_answer(question, message, text, answers or {}, {}, "vi", TODAY)
    except Rejected as refused:
        return refused


def refusal(value: Any) -> str:
    assert isinstance(value, Rejected), value
    return value.text


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("50%", Decimal(50)),
        ("50 %", Decimal(50)),
        ("50％", Decimal(50)),
        ("12,5%", Decimal("12.5")),
        ("12,5 phần trăm", Decimal("12.5")),
        ("100%", Decimal(100)),
        ("0%", Decimal(0)),
        ("50", Decimal(50)),
    ],
)
def test_a_percentage_is_read_at_a_percentage_question(typed: str, stored: Decimal) -> None:
    assert read(RATE, typed) == stored


def test_which_questions_ask_a_percentage() -> None:
    assert is_percentage(RATE) and is_percentage(AT_MOST_TOTAL)
    assert is_percentage(RATE_WITHOUT_SIGN)  # "tỷ lệ" and at most 100
    assert not is_percentage(RATIO)  # "tỷ lệ" of at most 1: a ratio, 50% is not 50
    assert not is_percentage(COUNT)
    # a "%" right after a number is what is counted, not the answer's unit
    reached = Question(id="xa_dat", type="integer", label={"vi": "Số xã đạt 100% tiêu chí"})
    assert not is_percentage(reached)
    spaced = Question(id="xa_dat2", type="integer", label={"vi": "Số xã đạt 100 % tiêu chí"})
    assert not is_percentage(spaced)
    assert is_percentage(Question(id="r", type="integer", label={"vi": "Tỷ lệ (%) đạt"}))
    # "tỷ lệ" with no maximum: a percentage (a ratio says so with a maximum of 1)
    assert is_percentage(Question(id="tiem", type="decimal", label={"vi": "Tỷ lệ tiêm chủng"}))
    # the Resolution 57 form counts people, sessions and money: no percentage question
    template, issues = load_yaml_template(NQ57)
    assert template is not None and not issues
    assert not [q.id for q in template.questions if is_percentage(q)]
    assert read(RATE_WITHOUT_SIGN, "70%") == 70


def test_a_percentage_where_none_is_asked_is_refused_with_its_own_sentence() -> None:
    for question in (COUNT, RATIO):
        said = refusal(read(question, "50%"))
        assert said == "Câu này hỏi một số, không phải tỷ lệ phần trăm; xin ghi số, ví dụ 12."


def test_a_percentage_still_meets_the_bounds_and_the_constraint() -> None:
    assert "100" in refusal(read(RATE, "150%"))
    assert refusal(read(AT_MOST_TOTAL, "80%", {"muc_tieu": 70}))
    assert read(AT_MOST_TOTAL, "70%", {"muc_tieu": 70}) == 70


@pytest.mark.parametrize("typed", ["không", "khong", "KHÔNG", "Không.", "0", "không ", "0%"])
def test_zero_in_words_is_zero_at_a_number_question(typed: str) -> None:
    assert read(RATE, typed) == 0
    if "%" not in typed:
        assert read(COUNT, typed) == 0


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1.000", 1000),  # the parser's own rules are kept: a dot groups thousands
        ("1.000,5", Decimal("1000.5")),  # unambiguous: a dot groups, a comma marks decimals
        ("2tr5", 2_500_000),
    ],
)
def test_the_parsers_own_readings_are_kept(typed: str, stored: Any) -> None:
    question = Question(id="kinh_phi", type="decimal", label={"vi": "Kinh phí"})
    assert read(question, typed) == stored


@pytest.mark.parametrize("typed", ["1,000", "1,000%", "không có", "khong biet", "50%%", "%"])
def test_what_could_mean_two_things_or_nothing_is_still_refused(typed: str) -> None:
    assert isinstance(read(RATE, typed), Rejected)


@FAST
@given(
    st.decimals(min_value=-1000, max_value=1000, places=1, allow_nan=False),
    st.sampled_from(["%", " %", "％", " phần trăm", ""]),
)
def test_an_accepted_percentage_meets_the_question(value: Decimal, sign: str) -> None:
    typed = format(value, "f").replace(".", ",") + sign
    result = read(RATE, typed)
    if isinstance(result, Rejected):
        assert not 0 <= value <= 100
    else:
        assert result == value and 0 <= result <= 100


@FAST
@given(
    st.integers(min_value=-50, max_value=200),
    st.integers(min_value=0, max_value=100),
    st.sampled_from(["%", " %", "", "không"]),
)
def test_whatever_is_accepted_meets_the_constraint(number: int, target: int, how: str) -> None:
    typed = "không" if how == "không" else f"{number}{how}"
    result = read(AT_MOST_TOTAL, typed, {"muc_tieu": target})
    if not isinstance(result, Rejected):
        assert 0 <= result <= 100 and result <= target
        assert result == (0 if how == "không" else number)
