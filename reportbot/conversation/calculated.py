"""Calculations in the chat: their values from the answers, written for the reader.

The values come from `reportbot.forms.evaluation`, the one evaluation the mirror uses too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from reportbot.forms.evaluation import evaluate_calculations
from reportbot.forms.schema import FormTemplate, pick
from reportbot.vocabulary.format import MISSING, date_text, datetime_text, number_text

VALUE_LIMIT = 80


def calculated_values(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> dict[str, Any]:
    """Every calculation's value, in dependency order (`forms.evaluation`). Never raises."""
    return evaluate_calculations(template, answers, facts)


def shorten(text: str, limit: int = VALUE_LIMIT) -> str:
    """One line, cut with an ellipsis past `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# Marks a computed value in the review, so nobody looks for a question to change it.
CALCULATED = {"vi": "tự tính", "en": "calculated"}


def calculation_lines(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any], locale: str
) -> list[str]:
    """A "Label: value (tự tính)" line per calculation that has a label (template order);
    an unlabelled calculation is plumbing (ODK shows it nowhere) and is left out."""
    if not any(pick(c.label, locale) for c in template.calculations):
        return []
    return value_lines(template, calculated_values(template, answers, facts), locale)


def value_lines(template: FormTemplate, values: Mapping[str, Any], locale: str) -> list[str]:
    """The "Label: value (tự tính)" lines of values already known (those stored with a sent
    report, for a coordinator's view), labelled calculations only, in template order."""
    mark = CALCULATED.get(locale, CALCULATED["vi"])
    return [
        f"• {label}: {text} ({mark})" for label, text in labelled_values(template, values, locale)
    ]


def labelled_values(
    template: FormTemplate, values: Mapping[str, Any], locale: str
) -> list[tuple[str, str]]:
    """(label, value as the reader writes it, one line, cut past VALUE_LIMIT) of each
    labelled calculation, in template order; an unlabelled one is plumbing and left out."""
    found = []
    for calculation in template.calculations:
        label = pick(calculation.label, locale)
        if label:
            found.append((label, shorten(calculated_text(values.get(calculation.name), locale))))
    return found


def calculated_text(value: Any, locale: str) -> str:
    """A computed value as the reader writes it: numbers grouped, dates dd/mm/yyyy, and a
    dash when it cannot be computed yet (ODK's empty string), never 0."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return ("Yes" if value else "No") if locale == "en" else ("Có" if value else "Không")
    if isinstance(value, int | float | Decimal):
        if not isinstance(value, int) and not math.isfinite(value):  # 0 div 0, 1 div 0
            return MISSING
        return number_text(value, locale)
    if isinstance(value, datetime):
        return datetime_text(value)
    if isinstance(value, date):
        return date_text(value)
    return str(value)
