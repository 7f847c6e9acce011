"""A template regex cannot block the bot: patterns run on a linear-time engine (issue 11)."""

from __future__ import annotations

import time

import pytest

from reportbot.forms.expressions import ExpressionError, parse_expression

CATASTROPHIC = [
    # each takes seconds to hours on a backtracking engine (Python's re) at this size
    ("regex(., '.*.*.*=')", "x" * 10_000, False),
    ("regex(., '^(a+)+$')", "a" * 10_000 + "!", False),
    ("regex(., '^(a|aa)+$')", "a" * 10_000 + "!", False),
    ("regex(., '(x+x+)+y')", "x" * 10_000, False),
    ("regex(., '.*.*.*=')", "x" * 9_999 + "=", True),
]


@pytest.mark.parametrize(("source", "answer", "expected"), CATASTROPHIC)
def test_catastrophic_patterns_finish_fast_on_10000_characters(
    source: str, answer: str, expected: bool
) -> None:
    expression = parse_expression(source)
    started = time.perf_counter()
    result = expression.evaluate({}, current=answer)
    elapsed = time.perf_counter() - started
    assert result is expected
    # generous bound for a loaded machine; the real figure is in benchmarks/regex_bound.py
    assert elapsed < 2.0


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=a)", "(?!a)b", "(?<=a)b"])
def test_patterns_that_cannot_be_bounded_are_refused_by_the_validator(pattern: str) -> None:
    with pytest.raises(ExpressionError, match="cannot be bounded"):
        parse_expression(f"regex(., '{pattern}')")
