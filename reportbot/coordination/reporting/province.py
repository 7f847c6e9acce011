"""Consolidation one level up: over every unit of a scope, and the same figures per commune.

The provincial figures are computed once over the reports of every commune below (not summed
from the communes' figures, so averages and shares keep their true base); each commune's
figures are the same computation over its own units' reports, split from the same read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reportbot.coordination.reporting.consolidate import Consolidation, compute, consolidate
from reportbot.coordination.reporting.formatting import number_text
from reportbot.coordination.reporting.status import PeriodStatus
from reportbot.forms.schema import FormTemplate, pick
from reportbot.periods import Period
from reportbot.store.queries.organisations import (
    OrganisationRecord,
    Scope,
    communes_in,
    unit_organisations,
)
from reportbot.vocabulary.catalogue import register

MESSAGES: dict[str, dict[str, str]] = {
    "breakdown": {
        "vi": "Theo từng xã ({count} xã):",
        "en": "By commune ({count} communes):",
    },
    "commune": {
        "vi": "• {name}: đã nộp {filed}/{total} đơn vị",
        "en": "• {name}: {filed}/{total} units filed",
    },
    "commune_number": {
        "vi": "  – {label}: {total}",
        "en": "  – {label}: {total}",
    },
}
TENANCY = register("tenancy", MESSAGES)


@dataclass(slots=True)
class ScopeConsolidation:
    """The figures over a whole scope, and per commune when it holds more than one."""

    total: Consolidation
    communes: list[tuple[OrganisationRecord, Consolidation]] = field(default_factory=list)


async def consolidate_scope(
    form_key: str, template: FormTemplate, period: Period, *, now: datetime, scope: Scope
) -> ScopeConsolidation:
    """Consolidate over `scope`; split per commune when more than one commune has units in it."""
    total = await consolidate(form_key, template, period, now=now, scope=scope)
    owner = await unit_organisations([unit.unit_id for unit in total.status.units])
    result = ScopeConsolidation(total)
    communes = [c for c in await communes_in(scope) if c.id in set(owner.values())]
    if len(communes) < 2:
        return result
    for commune in communes:
        units = [u for u in total.status.units if owner[u.unit_id] == commune.id]
        status = PeriodStatus(form_key, template, period, units, total.status.owed)
        part = Consolidation(form_key, template, period, status, now)
        part.reports = [r for r in total.reports if owner[r.status.unit_id] == commune.id]
        result.communes.append((commune, compute(part, template)))
    return result


def render_breakdown(data: ScopeConsolidation, locale: str) -> str:
    """The per-commune lines under the provincial summary ('' for one commune)."""
    if not data.communes:
        return ""
    lines = [TENANCY.say("breakdown", locale, count=len(data.communes))]
    for commune, part in data.communes:
        lines.append(
            TENANCY.say("commune", locale, name=commune.name, filed=part.filed, total=part.total)
        )
        for number in part.numbers:
            if number.shown_total is None or not number.count:
                continue
            lines.append(
                TENANCY.say(
                    "commune_number",
                    locale,
                    label=pick(number.question.label, locale),
                    total=number_text(number.shown_total, locale),
                )
            )
    return "\n".join(lines)
