"""Words for a simple numeric constraint that came without a constraint_message.

Field workbooks often write `. <= 1000` or `. >= 0 and . <= 100` and no message; ODK then
shows "value not allowed", and so did we ("this value does not meet the question's
condition"), which leaves an officer guessing. A constraint of one or two comparisons of the
answer with a number is said in words instead; anything else keeps the general message.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reportbot.vocabulary.catalogue import register
from reportbot.vocabulary.format import number_text

MAX_EXPRESSION = 120
# Bounded: a number of at most 15 digits and 6 decimals, one operator, optional spaces.
COMPARISON = re.compile(r"\s{0,8}\.\s{0,8}(<=|>=|<|>|!=)\s{0,8}(-?\d{1,15}(?:\.\d{1,6})?)\s{0,8}")
AND = re.compile(r"\s+and\s+")
# Operator -> its words (after "Giá trị phải " / "The value must be ").
OPERATOR_KEYS = {
    "<=": "at_most",
    "<": "less_than",
    ">=": "at_least",
    ">": "more_than",
    "!=": "other_than",
}
WORDS = register(
    "constraint_words",
    {
        "at_most": {"vi": "không lớn hơn {n}", "en": "at most {n}"},
        "less_than": {"vi": "nhỏ hơn {n}", "en": "less than {n}"},
        "at_least": {"vi": "từ {n} trở lên", "en": "at least {n}"},
        "more_than": {"vi": "lớn hơn {n}", "en": "more than {n}"},
        "other_than": {"vi": "khác {n}", "en": "other than {n}"},
        "between": {"vi": "từ {low} đến {high}", "en": "between {low} and {high}"},
        "and": {"vi": "{first} và {second}", "en": "{first} and {second}"},
        "message": {
            "vi": "Giá trị phải {clauses}; xin kiểm tra lại.",
            "en": "The value must be {clauses}; please check it.",
        },
    },
)


def constraint_words(expression: str) -> dict[str, str] | None:
    """A Vietnamese and English message for `expression`, or None when it is not simple."""
    if len(expression) > MAX_EXPRESSION:
        return None
    bounds: list[tuple[str, Decimal]] = []
    for part in AND.split(expression.strip()):
        found = COMPARISON.fullmatch(part)
        if found is None:
            return None
        bounds.append((found.group(1), Decimal(found.group(2))))
    if len(bounds) > 2:
        return None
    return {locale: _said(bounds, locale) for locale in ("vi", "en")}


def _said(bounds: list[tuple[str, Decimal]], locale: str) -> str:
    operators = [operator for operator, _ in bounds]
    if sorted(operators) == ["<=", ">="]:
        low = next(value for operator, value in bounds if operator == ">=")
        high = next(value for operator, value in bounds if operator == "<=")
        clauses = WORDS.say(
            "between", locale, low=number_text(low, locale), high=number_text(high, locale)
        )
    else:
        said = [
            WORDS.say(OPERATOR_KEYS[operator], locale, n=number_text(value, locale))
            for operator, value in bounds
        ]
        clauses = (
            said[0] if len(said) == 1 else WORDS.say("and", locale, first=said[0], second=said[1])
        )
    return WORDS.say("message", locale, clauses=clauses)
