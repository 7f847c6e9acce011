"""Template defaults read with the parsers officers' answers go through, once, at load time.

A default is stored in the answer's own in-memory type (int, Decimal, 'yes'/'no', a choice
value, a list of values, a date, a text), so skipping a question stores exactly what typing
the default would have stored. A default that does not parse for its question's type is a
template error, never a text stored in a number column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from reportbot.conversation.parsing import (
    DEFAULT_MAX_DIGITS,
    AnswerError,
    fold,
    parse_date,
    parse_decimal,
    parse_yes_no,
)
from reportbot.conversation.parsing_types import (
    parse_datetime,
    parse_geopoint,
    parse_geopoints,
    parse_time,
)
from reportbot.forms.diagnostics import said

TEXT_DEFAULT_LIMIT = {"text": 500, "long_text": 4000, "barcode": 500}
_SHAPED = frozenset({"time", "datetime", "geopoint", "geotrace", "geoshape"})
# ODK's now() (and the words an officer would type for it) stay as written: the default is
# then read when the question is skipped, giving the time of that moment.
_NOW_DEFAULTS = frozenset({"now()", "now", "bay gio"})
_RELATIVE_WORDS = frozenset({"hom nay", "today", "hom qua", "yesterday"})


class DefaultError(ValueError):
    """A default that does not fit its question: `problem` says why (English as `str`, and
    Vietnamese through the catalogue, see forms/diagnostics.py)."""

    def __init__(self, code: str, **params: object) -> None:
        self.problem = said("formrule:" + code, **params)
        super().__init__(self.problem)


def digit_limit(low: float | None, high: float | None) -> int:
    """How many digits a number answer may have: 15, or more if the template's min/max need it."""
    needed = [len(str(abs(int(bound)))) for bound in (low, high) if bound is not None]
    return max([DEFAULT_MAX_DIGITS, *needed])


def parse_default(
    qtype: str,
    raw: Any,
    choices: Sequence[str] = (),
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """The in-memory value of a default `raw` for a question of type `qtype`.

    Numbers written as numbers (YAML 2.5, or XLSForm's '2.5' given here as a Decimal) are taken
    as they are; texts go through the officer's parser ('1.500' is one thousand five hundred).
    Raises DefaultError with a short English explanation.
    """
    if isinstance(raw, str) and not raw.strip():
        raise DefaultError("default_empty")
    try:
        value = _parse(qtype, raw, choices, digit_limit(low, high))
    except AnswerError as exc:
        detail = {"vi": exc.message("vi"), "en": exc.message("en")}
        raise DefaultError("default_not_answer", kind=qtype, detail=detail) from None
    if qtype in ("integer", "decimal"):
        if low is not None and value < low:
            raise DefaultError("default_below", value=repr(raw), limit=low)
        if high is not None and value > high:
            raise DefaultError("default_above", value=repr(raw), limit=high)
    return value


def default_to_definition(value: Any) -> Any:
    """A parsed default as JSON (what the database stores); parse_default reads it back."""
    if isinstance(value, Decimal):
        return float(value) if value.adjusted() < 15 else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def _parse(qtype: str, raw: Any, choices: Sequence[str], max_digits: int) -> Any:
    if isinstance(raw, bool) and qtype != "yes_no":
        raise DefaultError("default_yes_no", value=repr(raw), kind=qtype)
    if qtype in ("integer", "decimal"):
        return _number(qtype, raw, max_digits)
    if qtype == "yes_no":
        if isinstance(raw, bool):
            return "yes" if raw else "no"
        if isinstance(raw, str) and raw.strip().lower() in ("yes", "no"):
            return raw.strip().lower()
        return "yes" if parse_yes_no(_scalar_text(raw)) else "no"
    if qtype == "date":
        return _date(raw)
    if qtype == "select_one":
        return _choice(_scalar_text(raw), choices)
    if qtype == "select_multiple":
        items = raw if isinstance(raw, list) else _scalar_text(raw).split()
        wanted = {_choice(_scalar_text(item), choices) for item in items}
        if not wanted:
            raise DefaultError("default_empty")
        return [value for value in choices if value in wanted]
    if qtype in _SHAPED:
        return _shaped(qtype, raw)
    if qtype in TEXT_DEFAULT_LIMIT:
        text = _scalar_text(raw)
        if len(text) > TEXT_DEFAULT_LIMIT[qtype]:
            raise DefaultError("default_too_long", limit=TEXT_DEFAULT_LIMIT[qtype])
        return text
    raise DefaultError("default_none_for_type", kind=qtype)


def _shaped(qtype: str, raw: Any) -> str:
    """A time, date-time or position default in its stored shape ("now()" kept as written)."""
    if isinstance(raw, time) and qtype == "time":
        return raw.strftime("%H:%M")
    if isinstance(raw, datetime) and qtype == "datetime":
        return raw.strftime("%Y-%m-%dT%H:%M")
    if qtype == "time" and isinstance(raw, int) and not isinstance(raw, bool):
        hours, minutes = divmod(raw, 60)
        raise DefaultError("default_minutes", value=raw, time=f"{hours}:{minutes:02d}")
    text = _scalar_text(raw)
    if qtype in ("time", "datetime") and fold(text) in _NOW_DEFAULTS:
        return "now()"
    if qtype == "time":
        return parse_time(text)
    if qtype == "datetime":
        return parse_datetime(text)
    if qtype == "geopoint":
        return parse_geopoint(text)
    return parse_geopoints(text, closed=qtype == "geoshape")


def _scalar_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
        return str(raw)
    raise DefaultError("default_not_scalar", value=repr(raw))


def _number(qtype: str, raw: Any, max_digits: int) -> int | Decimal:
    if isinstance(raw, int | float | Decimal):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise DefaultError("default_not_number", value=repr(raw))
        try:
            value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        except InvalidOperation:
            raise DefaultError("default_not_number", value=repr(raw)) from None
        digits = len(value.as_tuple().digits)
        if digits > max_digits and value == value.to_integral_value():
            raise AnswerError("number.too_long", max=max_digits)
    else:
        value = parse_decimal(_scalar_text(raw), max_digits=max_digits)
    if qtype == "integer":
        if value != value.to_integral_value():
            raise AnswerError("number.not_integer", text=str(raw))
        return int(value)
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _date(raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    text = _scalar_text(raw)
    if fold(text) in _RELATIVE_WORDS:
        raise DefaultError("default_relative_date", value=repr(raw))
    return parse_date(text)


def _choice(text: str, choices: Sequence[str]) -> str:
    if text in choices:
        return text
    listed = ", ".join(choices[:10]) + (", ..." if len(choices) > 10 else "")
    raise DefaultError("default_not_choice", value=repr(text), allowed=listed)
