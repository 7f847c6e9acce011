"""Evaluating a template's calculations over answers: what the review, the mirror and other
expressions read. Kept apart from `calculate` (which checks templates and so reaches the form
loader) so that the conversation engine may import it under the import contracts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportbot.forms.schema import FormTemplate, pick


def choice_labels(template: FormTemplate) -> dict[str, dict[str, str]]:
    """Question id -> {choice value: officers' label}, for jr:choice-name()."""
    return {
        question.id: {choice.value: pick(choice.label, "vi") for choice in question.choices}
        for question in template.questions
        if question.choices
    }


def evaluate_calculations(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Every calculation's value from the answers (and facts: unit, period, metadata, today),
    in dependency order; a calculation that cannot be computed is None. Never raises."""
    scope: dict[str, Any] = {**answers, **(facts or {})}
    scope.setdefault("__choice_labels__", choice_labels(template))
    values: dict[str, Any] = {}
    for calculation in template.calculations:
        scope.pop(calculation.name, None)  # computed, never taken from a stale stored value
        value = calculation.expression.evaluate(scope)
        values[calculation.name] = value
        scope[calculation.name] = value
    return values
