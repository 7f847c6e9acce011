"""Answer values: how each question type is stored (JSON text) and shown to people.

In memory an answer is an int, a Decimal, a str ('yes'/'no' for yes_no, a choice value for
select_one), a list of choice values, a date, or a dict describing an attachment. In the
database it is JSON text; decoding needs the question to know the type.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

from reportbot.forms.schema import ATTACHMENT_TYPES, Question, pick
from reportbot.vocabulary.format import date_text, number_text

# The stored shape of each fixed-shape text type (see conversation.parsing_types).
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
_POINT = rf"{_NUMBER} {_NUMBER} {_NUMBER} {_NUMBER}"
SHAPES = {
    "time": re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]"),
    "datetime": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]"),
    "geopoint": re.compile(_POINT),
    "geotrace": re.compile(rf"{_POINT}(?:;{_POINT})+"),
    "geoshape": re.compile(rf"{_POINT}(?:;{_POINT}){{3,}}"),
}


def encode_value(value: Any) -> str:
    """Encode an answer as compact JSON text (Decimal as a string, date as ISO)."""
    if isinstance(value, Decimal):
        return json.dumps(str(value))
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def decode_value(question: Question | None, text: str, *, strict: bool = True) -> Any:
    """Decode stored JSON text into the in-memory value for the question's type.

    With `strict=False` a value that does not fit the type (old data, a template changed
    since) is returned as stored instead of raising: the conversation shows it for
    correction (`fits_type` is False for it) and nothing is lost.
    """
    try:
        raw = json.loads(text)
    except ValueError:
        if strict:
            raise
        return text
    if question is None or raw is None:
        return raw
    try:
        if question.type == "decimal":
            return Decimal(str(raw))
        if question.type == "integer":
            return int(raw)
        if question.type == "date" and isinstance(raw, str):
            return date.fromisoformat(raw)
    except (ValueError, TypeError, ArithmeticError):
        if strict:
            raise
    return raw


def fits_type(question: Question, value: Any) -> bool:
    """Whether a non-empty value has the in-memory type of the question's answers."""
    kind = question.type
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "decimal":
        return isinstance(value, Decimal | int) and not isinstance(value, bool)
    if kind == "date":
        return isinstance(value, date)
    if kind == "yes_no":
        return value in ("yes", "no")
    if kind == "select_one":
        return isinstance(value, str) and question.choice(value) is not None
    if kind == "select_multiple":
        return isinstance(value, list) and all(
            isinstance(item, str) and question.choice(item) is not None for item in value
        )
    if kind in ATTACHMENT_TYPES:
        return isinstance(value, dict)
    if kind in SHAPES:
        return isinstance(value, str) and SHAPES[kind].fullmatch(value) is not None
    return isinstance(value, str)


def is_empty(value: Any) -> bool:
    """Whether an answer counts as not given."""
    # `isinstance` rather than `== []`: the same answer without building a list per call
    return value is None or value == "" or (isinstance(value, list) and not value)


def format_number(value: int | Decimal, locale: str = "vi") -> str:
    """Format a number the way the reader writes it: 1.234,5 in Vietnamese, 1,234.5 in English.

    The vocabulary's `number_text`, under the name the engine and its tests already use.
    """
    return number_text(value, locale)


def format_value(question: Question, value: Any, locale: str = "vi") -> str:
    """A short human-readable rendering of an answer in the given locale."""
    if is_empty(value):
        return ""
    if not fits_type(question, value):
        return str(value)  # stored data that does not fit: shown as it is, never an error
    kind = question.type
    if kind in ("integer", "decimal"):
        return format_number(value, locale)
    if kind == "yes_no":
        yes = value == "yes"
        if locale == "en":
            return "Yes" if yes else "No"
        return "Có" if yes else "Không"
    if kind == "select_one":
        choice = question.choice(str(value))
        return pick(choice.label, locale) if choice else str(value)
    if kind == "select_multiple":
        labels = []
        for item in value:
            choice = question.choice(str(item))
            labels.append(pick(choice.label, locale) if choice else str(item))
        return "; ".join(labels)
    if kind == "date":
        return date_text(value) if isinstance(value, date) else str(value)
    if kind in ATTACHMENT_TYPES and isinstance(value, dict):
        return str(value.get("name") or value.get("path") or value.get("file_id") or "tệp")
    if kind in ("datetime", "geopoint", "geotrace", "geoshape"):
        return format_shaped(kind, value, locale)
    return str(value)


def format_shaped(kind: str, value: str, locale: str = "vi") -> str:
    """A stored date-time as "dd/mm/yyyy HH:MM"; a point as "lat, lon" (with its accuracy
    when known); a line or an area as its number of points and its first point."""
    if kind == "datetime":
        day, _, moment = value.partition("T")
        year, month, date_of_month = day.split("-")
        return f"{date_of_month}/{month}/{year} {moment}"
    points = value.split(";")
    if kind == "geoshape":
        points = points[:-1]  # the closing point repeats the first
    first = points[0].split()
    shown = f"{first[0]}, {first[1]}"
    if kind == "geopoint":
        accuracy = first[3] if len(first) > 3 else "0"
        if accuracy != "0":
            shown += f" (± {accuracy} m)"
        return shown
    word = "điểm" if locale == "vi" else "points"
    return f"{len(points)} {word}: {shown}; …"
