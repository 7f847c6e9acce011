"""The type of a `calculate` field's value, and the calculation seen as a read-only question.

XLSForm gives a `calculate` row no type: ODK stores its value as a string. The bot stores it
with the submission and the consolidation must know whether to add it up, so the type is
decided once, from the expression, by these explicit rules (nothing else is guessed):

- ``decimal``: arithmetic (``+ - * div mod``, a unary minus), a number literal, a numeric
  function (``sum``, ``count``, ``round``, ``int``, ``number``, ``pow``, ``max``, ``min``,
  ``count-selected``, ``string-length``, ``floor``, ``ceiling``, ``abs``,
  ``decimal-date-time``, ``decimal-time``, ``count-non-empty``, ``random`` and the math
  functions ``sqrt``, ``exp``, ``log``, ``sin``...), a reference to an integer or decimal
  question or to a numeric calculation, and ``if``/``coalesce`` whose branches are numeric
  or empty (``''``);
- ``date``: ``today()``, ``date(..)``, a reference to a date question;
- ``text``: everything else (``concat``, ``format-date``, comparisons, ``jr:choice-name``,
  a choice-list lookup ``instance('l')/root/item[..]/column``: "01" keeps its zero...).

A YAML template may state it instead (`type: decimal|integer|date|text` on a calculation).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

# The tree's node classes: reading the tree is the only way to type an expression.
from reportbot.forms.expression_nodes import CalcRef, Call, Chain, Const, Neg, Ref
from reportbot.forms.schema import NUMERIC_TYPES, Calculation, FormTemplate, Question

CALCULATION_TYPES = frozenset({"decimal", "integer", "date", "text"})
_ARITHMETIC = frozenset({"+", "-", "*", "div", "mod"})
_NUMERIC_FUNCTIONS = frozenset(
    {"sum", "count", "round", "int", "number", "pow", "max", "min", "count-selected"}
    | {"string-length", "floor", "ceiling", "abs", "decimal-date-time", "decimal-time"}
    | {"count-non-empty", "sqrt", "exp", "exp10", "log", "log10", "pi", "random"}
    | {"sin", "cos", "tan", "asin", "acos", "atan", "atan2"}
)
_DATE_FUNCTIONS = frozenset({"today", "date"})
_EMPTY = "empty"  # the '' branch of if(.., x, ''): takes the other branch's type


def typed_calculations(
    calculations: tuple[Calculation, ...],
    questions: tuple[Question, ...],
    stated: Mapping[str, str] | None = None,
) -> tuple[Calculation, ...]:
    """The calculations (in dependency order) with their value type decided: the `stated`
    type when the template gives one, else by the rules above."""
    kinds = {question.id: question.type for question in questions}
    result = []
    for calculation in calculations:
        kind = (stated or {}).get(calculation.name) or _kind(calculation.expression._root, kinds)
        kind = "text" if kind == _EMPTY else kind
        kinds[calculation.name] = kind
        result.append(replace(calculation, type=kind))
    return tuple(result)


def _kind(node: Any, kinds: Mapping[str, str]) -> str:
    """The type of one expression node (see the module's rules)."""
    if isinstance(node, Const):
        if isinstance(node.value, bool):
            return "text"
        if isinstance(node.value, int | Decimal):
            return "decimal"
        return _EMPTY if node.value == "" else "text"
    if isinstance(node, Neg):
        return "decimal"
    if isinstance(node, Ref | CalcRef):
        kind = kinds.get(node.name.split("[", 1)[0], "text")
        return "decimal" if kind in NUMERIC_TYPES else kind if kind == "date" else "text"
    if isinstance(node, Chain):
        return "decimal" if set(node.ops) <= _ARITHMETIC else "text"
    if isinstance(node, Call):
        if node.name in _NUMERIC_FUNCTIONS:
            return "decimal"
        if node.name in _DATE_FUNCTIONS:
            return "date"
        if node.name in ("if", "coalesce"):
            branches = node.args[1:] if node.name == "if" else node.args
            found = {_kind(branch, kinds) for branch in branches} - {_EMPTY}
            return found.pop() if len(found) == 1 else "text" if found else _EMPTY
    return "text"


def as_question(calculation: Calculation) -> Question:
    """The calculation as a read-only question of its type (label: its own, else its name),
    so that the consolidation and the indicators read it like any answer."""
    kind = "decimal" if calculation.type == "integer" else calculation.type
    return Question(calculation.name, kind, calculation.label or {"vi": calculation.name})


def stored_value(value: Any) -> Any:
    """A computed value as it is stored: '' (ODK's "not computable"), a NaN or an infinity
    become None (a "null" row: computed, and empty); a number is written as ODK writes it."""
    if value == "" or value is None:
        return None
    if isinstance(value, float):
        value = Decimal(str(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        # as ODK writes a number: 60, not 60.0; 42.9, not 42.90
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value


def decode_calculated(calculation: Calculation, text: str) -> Any:
    """A stored calculated value back in memory, by the calculation's type; a value that
    does not fit (a type changed by hand) is returned as stored."""
    try:
        raw = json.loads(text)
    except ValueError:
        return text
    if raw is None or isinstance(raw, bool):
        return raw
    try:
        if calculation.type in ("decimal", "integer"):
            return raw if isinstance(raw, int) else Decimal(str(raw))
        if calculation.type == "date" and isinstance(raw, str):
            return date.fromisoformat(raw[:10])
    except (ValueError, InvalidOperation):
        return raw
    return raw


def calculations_of(template: FormTemplate) -> dict[str, Calculation]:
    """A template's calculations by name (what tells a stored calculation from an answer)."""
    return {calculation.name: calculation for calculation in template.calculations}


def split_stored(
    template: FormTemplate, rows: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, Any]]:
    """A submission's stored rows (name -> encoded value) as (answers still encoded, the
    calculations stored with it decoded)."""
    calculations = calculations_of(template)
    answers = {name: text for name, text in rows.items() if name not in calculations}
    stored = {
        name: decode_calculated(calculations[name], text)
        for name, text in rows.items()
        if name in calculations
    }
    return answers, stored


def calculation_questions(templates: tuple[FormTemplate, ...], known: set[str]) -> list[Question]:
    """The calculations of these template versions as read-only questions (`as_question`),
    first version first, leaving out the names in `known` (a name is taken once)."""
    found: dict[str, Question] = {}
    for template in templates:
        for calculation in template.calculations:
            if calculation.name not in known and calculation.name not in found:
                found[calculation.name] = as_question(calculation)
    return list(found.values())
