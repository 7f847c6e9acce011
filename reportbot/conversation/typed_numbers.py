"""Numbers as officers type them at a number question, beyond what `parse_decimal` reads.

The question decides: "50%" means 50 where the question asks a percentage, and is refused
with its own sentence where it does not ("Số lượt tham dự" is no rate); "không" (zero in
words, also "ko") is 0 at any number question. Everything else goes to `parse_decimal` unchanged, so
its rules stay the only ones (a dot groups thousands, a comma marks decimals, "1,000" is
asked again because it could be either).
"""

from __future__ import annotations

import re
from decimal import Decimal

from reportbot.conversation.money_units import LabelUnit, labels_unit
from reportbot.conversation.parsing import (
    AnswerError,
    fold,
    normalize_text,
    parse_decimal,
    parse_integer,
    vi_decimal,
)
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


# An amount typed with its own unit or currency right after the digits ("1,5 triệu",
# "500k", "1.500.000 đ", "15tr"); a counted word ("12 đội", "5 khóa") is none.
_TYPED_UNIT = re.compile(r"[0-9]\s*(?:k|nghin|ngan|tr|trieu|m|ty|ti|vnd|dong|d|₫)(?![a-z])")


def money_unit(question: Question) -> LabelUnit | None:
    """The money unit a number question's label names in brackets or after "đơn vị:"
    ("(triệu đồng)": 10^6), or None when it names none or đồng (amounts are in đồng)."""
    if question.type not in NUMBER_TYPES:
        return None
    return labels_unit(question.label)


def read_number(question: Question, text: str) -> int | Decimal:
    """The value of a number question's answer, in the unit the question's label names: an
    amount typed with its own unit ("1,5 triệu" at "(nghìn đồng)") is converted (1500); a
    bare number is taken as in the question's unit. Raises AnswerError."""
    typed = number_text(question, text)
    unit = money_unit(question)
    if unit is None or not _TYPED_UNIT.search(fold(typed)):
        if unit is not None and question.type == "integer":
            _ask_bare_decimal_comma(question, typed, unit)
        return parse_integer(typed) if question.type == "integer" else parse_decimal(typed)
    scale = Decimal(10) ** unit.exponent
    try:
        value = parse_decimal(typed) / scale
    except AnswerError as error:
        if error.code != "number.ambiguous":
            raise
        value = _settled(question, error, unit, scale)
    whole = value == value.to_integral_value()
    if question.type == "integer" and not whole:
        shown = vi_decimal(value)
        raise AnswerError(
            "number.not_whole_unit", text=normalize_text(text), value=shown, unit=unit.name
        )
    if question.type == "integer":
        return int(value)
    return value.quantize(Decimal(1)) if whole else value.normalize()


def _ask_bare_decimal_comma(question: Question, typed: str, unit: LabelUnit) -> None:
    """A bare "1,500" at a whole-number question in a unit ("(triệu đồng)") is as likely
    1,5 of the unit (decimal comma) as 1500: asked as "1,500 triệu" is, never stored unseen
    (parse_integer alone keeps 1500 because 1,5 is not whole)."""
    try:
        parse_decimal(typed)
    except AnswerError as error:
        if error.code == "number.ambiguous":
            _settled(question, error, unit, Decimal(1))


def _settled(question: Question, error: AnswerError, unit: LabelUnit, scale: Decimal) -> Decimal:
    """The reading of an ambiguous amount ("1,500 triệu") in the question's unit, `scale`
    being the unit's size in what was typed: at a whole number question where neither
    reading is whole the thousands one is kept (and refused by the caller); else the
    question is asked again with the readings written in the question's unit, so either
    typed back (bare or with the unit) is stored right."""
    thousands = parse_decimal(error.params["thousands"]) / scale
    decimal = parse_decimal(error.params["decimal"]) / scale
    if question.type == "integer" and decimal != decimal.to_integral_value():
        if thousands != thousands.to_integral_value():
            return thousands  # neither is whole: refused as no whole number of the unit
        # "1,500 triệu" most likely means 1,5 triệu in decimal-comma Vietnamese: never
        # stored as 1.500 triệu without asking
        raise AnswerError(
            "number.ambiguous_whole",
            text=error.params["text"],
            thousands=f"{vi_decimal(thousands)} {unit.name}",
            decimal=f"{vi_decimal(decimal)} {unit.name}",
            unit=unit.name,
        ) from None
    raise AnswerError(
        "number.ambiguous",
        text=error.params["text"],
        thousands=f"{vi_decimal(thousands)} {unit.name}",
        decimal=f"{vi_decimal(decimal)} {unit.name}",
    ) from None


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
