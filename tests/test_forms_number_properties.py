"""Property tests: numbers read back as written, however an officer's keyboard writes them."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.conversation.parsing import AnswerError, parse_decimal, parse_integer
from reportbot.conversation.values import format_number
from reportbot.forms.defaults import parse_default

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
UNIT_WORDS = ["người", "buổi", "bài", "lượt", "cuộc", "đơn vị"]
BOUNDED = st.integers(-(10**15) + 1, 10**15 - 1)
FAST = settings(max_examples=150, deadline=None)  # no deadline: the machine is shared


@FAST
@given(BOUNDED)
def test_an_integer_as_the_bot_shows_it_reads_back(n: int) -> None:
    assert parse_integer(format_number(n, "vi")) == n


@FAST
@given(BOUNDED, st.sampled_from(UNIT_WORDS), st.booleans())
def test_full_width_digits_and_a_unit_word_mean_the_plain_number(
    n: int, word: str, wide: bool
) -> None:
    text = str(n).translate(FULL_WIDTH) if wide else str(n)
    assert parse_integer(f"{text} {word}") == n
    assert parse_decimal(text) == n


@FAST
@given(st.integers(10**15, 10**40))
def test_more_than_15_digits_is_refused_not_stored(n: int) -> None:
    try:
        parse_integer(str(n))
    except AnswerError as exc:
        assert exc.code == "number.too_long"
    else:
        raise AssertionError("a 16+ digit integer was accepted")


@FAST
@given(BOUNDED)
def test_an_integer_default_is_the_integer(n: int) -> None:
    assert parse_default("integer", n) == n
    assert parse_default("integer", str(n)) == n


@FAST
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False))
def test_a_yaml_decimal_default_keeps_its_value(value: Decimal) -> None:
    parsed = parse_default("decimal", float(value))
    assert abs(parsed - value) <= Decimal("0.0005")
