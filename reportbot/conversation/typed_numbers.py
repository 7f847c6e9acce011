"""Numbers as officers type them at a number question, beyond what `parse_decimal` reads.

The question decides: "50%" means 50 where the question asks a percentage, and is refused
with its own sentence where it does not ("Số lượt tham dự" is no rate); "không" (zero in
words, also "ko") is 0 at any number question. Everything else goes to `parse_decimal` unchanged, so
its rules stay the only ones (a dot groups thousands, a comma marks decimals, "1,000" is
asked again because it could be either).
"""

from __future__ import annotations

import re

from reportbot.conversation.parsing import AnswerError, fold
from reportbot.forms.schema import Question

NUMBER_TYPES = frozenset({"integer", "decimal"})
# Zero said in words, diacritics folded ("không", "khong", "KHÔNG"), its usual short form
# "ko" and the telex left when the keyboard's accents are off ("khoong").
ZERO_WORDS = frozenset({"khong", "ko", "khoong"})
# A label asks a percentage when it names the unit: "Tỷ lệ %", "Tỷ lệ (%)", "Phần trăm hộ
# dân…", "Share (percent)". A "%" right after a number is part of what is counted, not the
# unit of the answer ("Số xã đạt 100% tiêu chí" asks a count).
PERCENT_LABEL = re.compile(r"(?<![0-9])(?<![0-9]\s)%|\bphan tram\b|\bpercent\b")
# "Tỷ lệ" alone may be a ratio written 0.75: a percentage unless the question's own maximum
# says it is a ratio (at most 1) or something else (over 100).
RATE_LABEL_WORD = "ty le"
_PERCENT_TYPED = re.compile(r"(?P<number>.*?[0-9])\s*(?:%|％|phan tram|percent)")


def is_percentage(question: Question) -> bool:
    """Whether a number question asks a percentage (its label says %, "phần trăm" or
    "percent", or says "tỷ lệ" with no maximum or one over 1 and at most 100)."""
    if question.type not in NUMBER_TYPES:
        return False
    labels = " ".join(fold(text) for text in question.label.values())
    if PERCENT_LABEL.search(labels):
        return True
    high = question.max
    return RATE_LABEL_WORD in labels and (high is None or 1 < high <= 100)


def number_text(question: Question, text: str) -> str:
    """The text `parse_decimal` should read for a number question's answer `text`.

    "không" becomes "0"; a percent sign (or "phần trăm") after the number is dropped where
    the question asks a percentage. Raises AnswerError('number.not_percent') for a
    percentage typed where the question asks a count or an amount: 50% of what is unknown.
    """
    folded = fold(text)
    if folded in ZERO_WORDS:
        return "0"
    typed = _PERCENT_TYPED.fullmatch(folded)
    if typed is None:
        return text
    if not is_percentage(question):
        raise AnswerError("number.not_percent")
    return typed["number"]
