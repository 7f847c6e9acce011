"""A unit's stored report as a coordinator reads it (`/xem` in chat, the web unit page):
its answers decoded, each repeat's entries written out, and its calculations as they were
stored when it was sent (computed once as of that day for a report stored before)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from reportbot.conversation.stored_values import stored_values
from reportbot.forms.repeat_expand import expand
from reportbot.forms.repeats import typed_entries
from reportbot.forms.schema import FormTemplate
from reportbot.store.queries.coordination import UnitRecord
from reportbot.store.queries.unit_reports import UnitReport


@dataclass(frozen=True, slots=True)
class UnitView:
    """What to show: the template (repeats expanded), the answers, the calculations."""

    template: FormTemplate
    answers: dict[str, Any]
    calculated: dict[str, Any]


def unit_view(template: FormTemplate, unit: UnitRecord, report: UnitReport, tz: tzinfo) -> UnitView:
    """The report of `unit` read with the template version it was filed on."""
    values = stored_values(
        template,
        report.answers,
        unit_code=unit.code,
        unit_type=unit.type,
        period_key=report.period_key,
        sent=report.submitted_at,
        tz=tz,
    )
    answers = values.answers
    if template.repeats:  # each entry written out, as the officer's review shows it
        answers = typed_entries(template, answers)
        template = expand(template, answers, {})
    return UnitView(template, answers, values.calculated)
