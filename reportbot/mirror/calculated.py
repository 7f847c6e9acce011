"""A form's calculations in its worksheet: one column per calculation, after the questions.

Values are those stored with the submission (as ODK stores them), so a calculation changed
in a later version of the form never changes what an old report sent; a report stored
before calculations were kept has them computed once from its answers. The header is the
calculation's label, or its name when it has none, as KoboToolbox exports an unlabelled
`calculate` column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportbot.forms.evaluation import stored_or_computed
from reportbot.forms.schema import FormTemplate, pick
from reportbot.mirror.records import ColumnSpec

CALCULATE_KIND = "calculate"


def calculation_columns(template: FormTemplate) -> list[ColumnSpec]:
    """One column per calculation of this template version, in its order."""
    return [
        ColumnSpec(calc.name, pick(calc.label, "vi") or calc.name, CALCULATE_KIND)
        for calc in template.calculations
    ]


def calculated_answers(
    template: FormTemplate,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    stored: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every calculation's value: the `stored` ones (`forms.calculation_types`), or, for a
    report that has none stored, computed from its answers and the facts the chat used:
    unit_type, unit_code, period (`conversation.report.unit_facts`) and `__today__`, the
    day the report was sent (ODK fixes a calculation when the form is saved; the sheet
    must not show a different today() each time it is rebuilt)."""
    return stored_or_computed(template, stored or {}, answers, facts)
