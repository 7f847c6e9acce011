"""Consolidation one level up: over every unit of a scope, and the same figures per commune.

The provincial figures are computed once over the reports of every commune below (not summed
from the communes' figures, so averages and shares keep their true base); each commune's
figures are the same computation over its own units' reports, split from the same read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from reportbot.coordination.reporting.consolidate import Consolidation, compute, consolidate
from reportbot.coordination.reporting.formatting import number_text
from reportbot.coordination.reporting.status import PeriodStatus
from reportbot.forms.schema import FormTemplate, pick
from reportbot.office_xlsx import save_workbook, style_header_row, widen_columns
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
    "sheet": {"vi": "Theo xã", "en": "By commune"},
    "column_commune": {"vi": "Xã", "en": "Commune"},
    "column_total": {"vi": "Phải nộp", "en": "Must file"},
    "column_filed": {"vi": "Đã nộp", "en": "Filed"},
}
TENANCY = register("tenancy", MESSAGES)


@dataclass(slots=True)
class ScopeConsolidation:
    """The figures over a whole scope, and per commune when it holds more than one."""

    total: Consolidation
    communes: list[tuple[OrganisationRecord, Consolidation]] = field(default_factory=list)


async def consolidate_scope(
    form_key: str,
    template: FormTemplate,
    period: Period,
    *,
    now: datetime,
    tz: tzinfo,
    scope: Scope,
) -> ScopeConsolidation:
    """Consolidate over `scope`; split per commune when more than one commune has units in it."""
    total = await consolidate(form_key, template, period, now=now, tz=tz, scope=scope)
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


def add_commune_sheet(data: ScopeConsolidation, path: Path, locale: str = "vi") -> None:
    """Add the per-commune breakdown to a /tonghop workbook: one row per commune with its
    filed count and the total of every number question (nothing for a single commune)."""
    if not data.communes:
        return
    from openpyxl import load_workbook  # only a provincial workbook needs it here

    book = load_workbook(path)
    sheet = book.create_sheet(TENANCY.say("sheet", locale))
    numbers = [n for n in data.total.numbers if n.shown_total is not None]
    titles = [TENANCY.say(f"column_{key}", locale) for key in ("commune", "total", "filed")]
    sheet.append(titles + [pick(n.question.label, locale) for n in numbers])
    for commune, part in data.communes:
        totals = {n.question.id: n.total for n in part.numbers}
        row: list[object] = [commune.name, part.total, part.filed]
        sheet.append(row + [totals.get(n.question.id) for n in numbers])
    widen_columns(sheet, {1: 24} | {c: 14 for c in range(2, len(titles) + len(numbers) + 1)})
    style_header_row(sheet, 1, range(1, len(titles) + len(numbers) + 1))
    sheet.freeze_panes = "B2"
    save_workbook(book, path, mode=0o644)


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
