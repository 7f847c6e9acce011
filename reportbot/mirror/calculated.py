"""A form's calculations in its worksheet: one column per calculation, after the questions.

Values are computed at mirror time from the stored answers (ODK stores them with the
submission; computing them again from the same answers gives the same figures and needs no
schema change). The header is the calculation's label, or its name when it has none, as
KoboToolbox exports an unlabelled `calculate` column.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from reportbot.forms.calculate import evaluate_calculations
from reportbot.forms.repeat_expand import expand
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
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> dict[str, Any]:
    """Every calculation's value from the stored answers and the facts the chat used:
    unit_type, unit_code, period (`conversation.report.unit_facts`) and `__today__`, the
    day the report was sent (ODK fixes a calculation when the form is saved; the sheet
    must not show a different today() each time it is rebuilt)."""
    if not template.calculations:
        return {}
    # sum(${q}) / count(${rep}) over a repeat read the entries of the written-out template,
    # exactly as the chat's review does (OpenReport.template)
    return evaluate_calculations(expand(template, answers, facts), answers, facts)


def report_day(moment: datetime, tz: tzinfo) -> date:
    """The local day of a stored moment (a naive one is UTC, as the store writes it)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).date()
