"""The money unit a number question's label names, read from the label as written.

Only the label's bracketed unit ("(triệu đồng)", "(1.000 đồng)", "(trđ)", "(VNĐ)") or an
explicit "đơn vị …" / "ĐVT: …" counts. It is compared folded (no accents, lower case), so
"(trieu dong)" is triệu đồng, but the whole first word group of the bracket (before ",",
";" or " - ") must be a unit: "(triệu đồng, làm tròn)" is triệu đồng, "(công ty đóng)" is
no "tỷ đồng". Words elsewhere in the label are no unit ("tối đa 2 triệu đồng" is a limit,
not the unit of the answer).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# The scale words of a unit (folded, spaces, dots and digit-group commas removed) and their
# power of ten; the currency words that may stand before or after them.
_SCALES = {"": 0, "nghin": 3, "ngan": 3, "1000": 3, "thousand": 3, "trieu": 6, "tr": 6}
_SCALES |= {"1000000": 6, "million": 6, "ty": 9, "ti": 9, "billion": 9}
_CURRENCIES = ("", "đong", "dong", "đ", "d", "vnđ", "vnd", "₫")
# A scale word alone names the unit ("(triệu)"); "tr" or "1.000" alone does not.
_BARE_SCALES = frozenset({"nghin", "ngan", "thousand", "trieu", "million", "ty", "ti", "billion"})
_UNITS = {s + c: e for s, e in _SCALES.items() for c in _CURRENCIES if c or s in _BARE_SCALES}
# "(VND million)": English puts the currency first.
del _UNITS["d"]  # a bare "(d)" is a list item ("điểm d"); "(đ)" is đồng
_UNITS |= {c + s: e for s, e in _SCALES.items() for c in _CURRENCIES if c and s in _BARE_SCALES}
# "(…)" pieces, and what follows "đơn vị", "đơn vị tính" or "ĐVT" (colon or not) up to a stop.
_BRACKETED = re.compile(r"\(([^()]*)\)")
_NAMED = re.compile(r"(?<!\w)(?:[dđ]on vi(?: tinh)?|[dđ]vt)\s*:?\s*([^(),;\n]*)")
# Where a bracket's first word group ends: ",", ";" or " - " ("1,000" is one number).
_GROUP_END = re.compile(r",(?!\d)|;|\s[-–—]\s")
# How the unit is written out in an answer: "1,5 triệu đồng" (Vietnamese, also in English
# text: the officer types it back as written).
UNIT_WORDS = {3: "nghìn đồng", 6: "triệu đồng", 9: "tỷ đồng"}


class LabelUnit(NamedTuple):
    """A money unit a label names: its power of ten and its name as an answer writes it."""

    exponent: int
    name: str


def _folded(text: str) -> str:
    """`text` lower case without accents but "đ" ("Triệu Đồng" → "trieu đong"), punctuation
    kept: "(đ)" is đồng, "(d)" a list item."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _unit_of(piece: str) -> int | None:
    """The power of ten of a unit written as `piece` ("trieu dong, lam tron" → 6), or None.
    Its whole first word group must be the unit."""
    group = _GROUP_END.split(piece, maxsplit=1)[0]
    named = _NAMED.fullmatch(group.strip())
    unit = (named[1] if named else group).split("/")[0]  # "nghìn đồng/người": per person
    compact = re.sub(r"[\s.,]", "", unit)
    return _UNITS.get(compact)


def label_exponent(label: str) -> int | None:
    """The power of ten of the money unit `label` names in brackets or after "đơn vị"
    (0 for đồng), the last one written; None when it names none."""
    text = _folded(label)
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
