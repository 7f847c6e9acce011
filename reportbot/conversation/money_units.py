"""The money unit a number question's label names, read from the label as written.

Only the label's bracketed unit ("(triệu đồng)", "(1.000 đồng)", "(trđ)", "(VNĐ)") or an
explicit "đơn vị: …" / "ĐVT: …" counts, matched with its accents: words elsewhere in the
label are no unit ("công ty đóng" is no "tỷ đồng" once the accents are gone; "tối đa 2
triệu đồng" is a limit, not the unit of the answer).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# The scale words of a unit (accented, lower case, spaces and dots removed) and their power
# of ten; the currency words that may follow them.
_SCALES = {"": 0, "nghìn": 3, "ngàn": 3, "1000": 3, "thousand": 3, "triệu": 6, "tr": 6}
_SCALES |= {"1000000": 6, "million": 6, "tỷ": 9, "tỉ": 9, "billion": 9}
_CURRENCIES = ("", "đồng", "đ", "vnđ", "vnd", "₫")
# A scale word alone names the unit ("(triệu)"); "tr" or "1.000" alone does not.
_BARE_SCALES = frozenset({"nghìn", "ngàn", "thousand", "triệu", "million", "tỷ", "tỉ", "billion"})
_UNITS = {s + c: e for s, e in _SCALES.items() for c in _CURRENCIES if c or s in _BARE_SCALES}
# "(…)" pieces, and what follows "đơn vị:", "đơn vị tính:" or "ĐVT:" up to a stop.
_BRACKETED = re.compile(r"\(([^()]*)\)")
_NAMED = re.compile(r"(?:đơn vị(?: tính)?|đvt)\s*:\s*([^(),;\n]*)")
# How the unit is written out in an answer: "1,5 triệu đồng" (Vietnamese, also in English
# text: the officer types it back as written).
UNIT_WORDS = {3: "nghìn đồng", 6: "triệu đồng", 9: "tỷ đồng"}


class LabelUnit(NamedTuple):
    """A money unit a label names: its power of ten and its name as an answer writes it."""

    exponent: int
    name: str


def _unit_of(piece: str) -> int | None:
    """The power of ten of a unit written as `piece` ("triệu đồng" → 6), or None."""
    named = _NAMED.fullmatch(piece.strip())
    unit = (named[1] if named else piece).split("/")[0]  # "nghìn đồng/người": per person
    compact = re.sub(r"[\s.]", "", unit)
    return _UNITS.get(compact)


def label_exponent(label: str) -> int | None:
    """The power of ten of the money unit `label` names in brackets or after "đơn vị:"
    (0 for đồng), the last one written; None when it names none."""
    text = unicodedata.normalize("NFC", label).casefold()
    found: list[tuple[int, int]] = []
    for match in _BRACKETED.finditer(text):
        if (exponent := _unit_of(match[1])) is not None:
            found.append((match.start(), exponent))
    for match in _NAMED.finditer(text):
        if (exponent := _unit_of(match[1])) is not None:
            found.append((match.start(), exponent))
    return max(found)[1] if found else None


def labels_unit(labels: dict[str, str]) -> LabelUnit | None:
    """The money unit a question's labels name (the first language naming one), or None
    when they name none or name đồng: amounts are then read in đồng, unconverted."""
    for label in labels.values():
        exponent = label_exponent(label)
        if exponent is not None:
            return LabelUnit(exponent, UNIT_WORDS[exponent]) if exponent else None
    return None
