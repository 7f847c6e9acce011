"""Evaluating a template's calculations over answers: what the review, the mirror and other
expressions read. Kept apart from `calculate` (which checks templates and so reaches the form
loader) so that the conversation engine may import it under the import contracts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from reportbot.forms.expression_nodes import COMPUTED
from reportbot.forms.schema import Calculation, FormTemplate, pick

KEPT = "__kept__"  # a fact: the calculations stored with the report (for once())
_ONCE = re.compile(r"(?<![\w:.-])once\s*\(")


def report_day(moment: datetime | None, tz: tzinfo) -> date | None:
    """The local day of a stored moment, the `__today__` of a report computed after the fact
    (a naive moment is UTC, as the store writes it). One rule for the sheet and the
    consolidation: a report sent at 06:00 in Hanoi is 23:00 UTC the day before."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).date()


def choice_labels(template: FormTemplate) -> dict[str, dict[str, str]]:
    """Question id -> {choice value: officers' label}, for jr:choice-name()."""
    return {
        question.id: {choice.value: pick(choice.label, "vi") for choice in question.choices}
        for question in template.questions
        if question.choices
    }


def keeps_first_value(calculation: Calculation) -> bool:
    """Whether the calculation calls once(): ODK then keeps the value it took first."""
    return _ONCE.search(calculation.expression.source) is not None


def evaluate_calculations(
    template: FormTemplate,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any] | None = None,
    kept: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every calculation's value from the answers (and facts: unit, period, metadata, today),
    in dependency order; a calculation that cannot be computed is None. Never raises.
    `kept` (else `facts["__kept__"]`): the values stored with the report; a once()
    calculation keeps its stored value when it has one (ODK's once() evaluates only while
    the field is empty)."""
    scope: dict[str, Any] = {**answers, **(facts or {})}
    kept = kept if kept is not None else (facts or {}).get(KEPT)
    scope.setdefault("__choice_labels__", choice_labels(template))
    computed: set[str] = set()
    scope[COMPUTED] = computed
    values: dict[str, Any] = {}
    for calculation in template.calculations:
        scope.pop(calculation.name, None)  # computed, never taken from a stale stored value
        first = (kept or {}).get(calculation.name)
        if first is not None and first != "" and keeps_first_value(calculation):
            value = first
        else:
            value = calculation.expression.evaluate(scope)
        values[calculation.name] = value
        scope[calculation.name] = value
        computed.add(calculation.name)
    return values


def values_to_store(
    template: FormTemplate,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    kept: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every calculation's value as it is stored with the submission: computed in dependency
    order from these answers (a repeat's entries written out, as the chat asks them), an
    empty or impossible value as None. `facts` carry `__today__`: ODK fixes today() when
    the form is saved, so the day the answer was written is the day the value keeps; `kept`
    (the values stored before) keeps a once() calculation's first value."""
    from reportbot.forms.calculation_types import stored_value
    from reportbot.forms.repeat_expand import expand
    from reportbot.forms.repeats import typed_entries

    if not template.calculations:
        return {}
    used = template
    if template.repeats:  # entry answers arrive undecoded from storage
        answers = typed_entries(template, answers)
        used = expand(template, answers, facts)
    values = evaluate_calculations(used, answers, facts, kept)
    return {c.name: stored_value(values.get(c.name)) for c in template.calculations}


def stored_or_computed(
    template: FormTemplate,
    stored: Mapping[str, Any],
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
) -> dict[str, Any]:
    """The calculations of a submission as stored with it; a submission stored before
    calculations were kept (no calculation row at all) has them computed once from its
    answers here, so an old report is not empty."""
    if not template.calculations:
        return {}
    if any(c.name in stored for c in template.calculations):
        return {c.name: stored.get(c.name) for c in template.calculations}
    return values_to_store(template, answers, facts)
