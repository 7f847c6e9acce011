"""`calculate` fields and form metadata: read from a template, and evaluated purely.

A calculation is never asked. Expressions of the form that mention it (${total}) compute it
from the same answers (the parser inlines it), so relevance and constraints need no caller
help. `evaluate_calculations` gives every calculation's value in dependency order, for storage,
the review and the sheet. Metadata fields (today, start, username, ...) are values the caller
supplies next to the answers; the template only declares their names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reportbot.forms.diagnostics import said
from reportbot.forms.evaluation import choice_labels as choice_labels
from reportbot.forms.evaluation import evaluate_calculations as evaluate_calculations
from reportbot.forms.expressions import ExpressionError, parse_expression
from reportbot.forms.schema import Calculation

# XLSForm metadata types (https://xlsform.org/en/#metadata) the bot can fill or leave empty.
METADATA_KINDS = frozenset(
    {"today", "start", "end", "username", "phonenumber", "deviceid", "instanceid"}
    | {"email", "subscriberid", "simserial", "imei", "audit"}
)
_MAX_CALCULATIONS = 300


def calculation_names(data: Mapping[str, Any]) -> set[str]:
    """The names of the template's calculations (for checking references before parsing)."""
    items = data.get("calculations")
    if not isinstance(items, list):
        return set()
    return {str(item.get("name")) for item in items if isinstance(item, Mapping)}


def metadata_fields(checker: Any, data: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The declared metadata as (name, kind); a problem is reported through `checker.fail`."""
    from reportbot.forms.loader import QUESTION_NAME

    items = data.get("metadata")
    if items is None:
        return ()
    if not isinstance(items, list):
        checker.fail(data, "metadata", "metadata", said("formrule:metadata_shape"))
        return ()
    fields: list[tuple[str, str]] = []
    for item in items:
        name = item.get("name") if isinstance(item, Mapping) else None
        kind = str(item.get("type", "")).lower() if isinstance(item, Mapping) else ""
        if not isinstance(name, str) or not QUESTION_NAME.match(name):
            problem = said("formrule:metadata_name", value=repr(name))
            checker.fail(data, "metadata", "metadata", problem)
        elif kind not in METADATA_KINDS:
            allowed = ", ".join(sorted(METADATA_KINDS))
            problem = said("formrule:metadata_type", value=repr(kind), allowed=allowed)
            checker.fail(item, "type", name, problem)
        else:
            fields.append((name, kind))
    return tuple(fields)


def stated_types(checker: Any, data: Mapping[str, Any]) -> dict[str, str]:
    """The `type` a YAML template states on some calculations (name -> type)."""
    from reportbot.forms.calculation_types import CALCULATION_TYPES

    stated: dict[str, str] = {}
    for item in data.get("calculations") or []:
        if not isinstance(item, Mapping) or item.get("type") is None:
            continue
        kind, name = str(item.get("type")).lower(), str(item.get("name"))
        if kind in CALCULATION_TYPES:
            stated[name] = kind
        else:
            allowed = ", ".join(sorted(CALCULATION_TYPES))
            problem = said("formrule:calculation_type", value=repr(kind), allowed=allowed)
            checker.fail(item, "type", name, problem)
    return stated


def read_calculations(checker: Any, data: Mapping[str, Any]) -> tuple[Calculation, ...]:
    """Parse the calculations in order; each may read the ones before it (no cycles)."""
    from reportbot.forms.loader import QUESTION_NAME

    items = data.get("calculations") or []
    if not isinstance(items, list) or len(items) > _MAX_CALCULATIONS:
        checker.fail(data, "calculations", "calculations", said("formrule:calculations_shape"))
        return ()
    result: list[Calculation] = []
    for position, item in _dependency_order(checker, items):
        if not isinstance(item, Mapping):
            problem = said("formrule:calculation_not_mapping")
            checker.fail(data, "calculations", f"calculation {position}", problem)
            continue
        name, source = item.get("name"), item.get("calculation")
        where = name if isinstance(name, str) and name else f"calculation {position}"
        if not isinstance(name, str) or not QUESTION_NAME.match(name):
            checker.fail(item, "name", where, said("formrule:calculation_name", value=repr(name)))
            continue
        if name in checker.calcs:
            checker.fail(
                item, "name", where, said("formrule:calculation_duplicate", value=repr(name))
            )
            continue
        if not isinstance(source, str) or not source.strip():
            checker.fail(item, "calculation", where, said("formrule:calculation_empty"))
            continue
        try:
            expression = parse_expression(source, dict(checker.calcs))
        except ExpressionError as exc:
            problem = said(
                "formcheck:expression_invalid",
                field="calculation",
                detail=exc.message,
                value=repr(source),
            )
            checker.fail(item, "calculation", where, problem)
            continue
        if expression.uses_current():
            checker.fail(item, "calculation", where, said("formrule:calculation_current"))
            continue
        label = checker.text(item, "label", where, required=False)
        checker.calcs[name] = expression
        result.append(Calculation(name, expression, label))
    return tuple(result)


_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}")


def _dependency_order(checker: Any, items: list[Any]) -> list[tuple[int, Any]]:
    """(position, item) with every calculation after the ones it reads, as ODK orders them
    (a form may list them in any order); a cycle is reported and its members left out."""
    names = {
        item.get("name"): index
        for index, item in enumerate(items)
        if isinstance(item, Mapping) and isinstance(item.get("name"), str)
    }
    needs: dict[int, set[int]] = {}
    for index, item in enumerate(items):
        source = item.get("calculation") if isinstance(item, Mapping) else None
        found = _REFERENCE.findall(source[:2000]) if isinstance(source, str) else []
        needs[index] = {names[name] for name in found if name in names and names[name] != index}
    ordered: list[int] = []
    done: set[int] = set()
    while len(done) < len(items):
        ready = [i for i in range(len(items)) if i not in done and needs[i] <= done]
        if not ready:
            stuck = [items[i].get("name") for i in range(len(items)) if i not in done]
            item = items[min(set(range(len(items))) - done)]
            message = said("formrule:calculation_cycle", value=", ".join(map(str, stuck)))
            checker.fail(item, "calculation", str(stuck[0]), message)
            break
        ordered.append(ready[0])  # the earliest ready one keeps the written order stable
        done.add(ready[0])
    return [(index + 1, items[index]) for index in ordered]


def check_calculation_inputs(
    checker: Any,
    data: Mapping[str, Any],
    calculations: tuple[Calculation, ...],
    question_ids: set[str],
) -> None:
    """Every name a calculation reads is a question, a metadata field, a built-in name or a
    calculation ordered before it (see _dependency_order)."""
    from reportbot.forms.loader import BUILTIN_NAMES

    items = {
        item.get("name"): item
        for item in data.get("calculations") or []
        if isinstance(item, Mapping)
    }
    known = question_ids | BUILTIN_NAMES | {name for name, _ in checker.metadata}
    known |= getattr(checker, "repeat_names", set())  # count(${repeat}) counts its entries
    earlier: set[str] = set()
    for calculation in calculations:
        if calculation.name in question_ids:
            problem = said("formrule:calculation_duplicate", value=repr(calculation.name))
            checker.fail(items[calculation.name], "name", calculation.name, problem)
        for name in sorted(calculation.expression.references() - known - earlier):
            message = said("formrule:calculation_reference", name=name)
            checker.fail(items[calculation.name], "calculation", calculation.name, message)
        earlier.add(calculation.name)
