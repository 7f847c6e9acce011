"""What the sheet mirror reads: submissions with their answers, template versions, units."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportbot.store.models import FormTemplateRecord, Organisation, Submission, Unit


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """One stored template version: its record id, form key, version and definition."""

    id: int
    key: str
    version: int
    definition: dict[str, Any]


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit as the sheets show it."""

    id: int
    code: str
    name: str
    type: str
    organisation_id: int | None = None  # its commune (None: the default commune)
    active: bool = True  # False: removed; still listed for a period it reported on


@dataclass(frozen=True, slots=True)
class CommuneSheet:
    """A commune whose rows go to a spreadsheet of its own (`reportbot org set-sheet`)."""

    organisation_id: int
    code: str
    name: str
    sheet_id: str | None
    workbook: str | None


@dataclass(frozen=True, slots=True)
class SubmissionRow:
    """A submission with its unit, template version and who sent it."""

    id: int
    form_key: str
    unit: UnitRow
    period_key: str
    status: str
    revision: int
    submitted_by: str | None
    submitted_at: datetime | None
    updated_at: datetime
    template: TemplateRow


def _template(record: FormTemplateRecord) -> TemplateRow:
    return TemplateRow(record.id, record.key, record.version, record.definition)


def _unit(unit: Unit) -> UnitRow:
    return UnitRow(
        unit.id,
        unit.code,
        unit.name,
        unit.type,
        unit.organisation_id,  # type: ignore[attr-defined]
        unit.active,
    )


async def submissions(ids: Sequence[int]) -> list[SubmissionRow]:
    """The submissions with these ids that still exist."""
    if not ids:
        return []
    found = await Submission.filter(id__in=list(ids)).select_related(
        "unit", "template", "submitted_by"
    )
    return [
        SubmissionRow(
            id=s.id,
            form_key=s.form_key,
            unit=_unit(s.unit),
            period_key=s.period_key,
            status=s.status,
            revision=s.revision,
            submitted_by=s.submitted_by.name if s.submitted_by else None,
            submitted_at=s.submitted_at,
            updated_at=s.updated_at,
            template=_template(s.template),
        )
        for s in found
    ]


async def template_versions(form_keys: Iterable[str]) -> list[TemplateRow]:
    """Every version of these forms, by key then version."""
    records = await FormTemplateRecord.filter(key__in=list(form_keys)).order_by("key", "version")
    return [_template(record) for record in records]


async def latest_active_templates() -> dict[str, TemplateRow]:
    """The newest active version of every form: key -> version."""
    latest: dict[str, TemplateRow] = {}
    for record in await FormTemplateRecord.filter(active=True).order_by("key", "-version"):
        latest.setdefault(record.key, _template(record))
    return latest


async def active_units() -> list[UnitRow]:
    """Active units by code."""
    return [_unit(unit) for unit in await Unit.filter(active=True).order_by("code")]


async def all_units() -> list[UnitRow]:
    """Every unit by code, removed ones included (a removed unit that reported is listed)."""
    return [_unit(unit) for unit in await Unit.all().order_by("code")]


async def period_filings(
    form_key: str, period_key: str
) -> dict[int, tuple[str, datetime | None, str | None]]:
    """Each unit's report of one period: unit id -> (status, submitted at, sent by)."""
    found = await Submission.filter(form_key=form_key, period_key=period_key).select_related(
        "submitted_by"
    )
    return {
        s.unit_id: (  # type: ignore[attr-defined]
            s.status,
            s.submitted_at,
            s.submitted_by.name if s.submitted_by else None,
        )
        for s in found
    }


async def all_submission_ids() -> list[int]:
    """Every submission id, ascending."""
    return list(await Submission.all().order_by("id").values_list("id", flat=True))


async def commune_sheets() -> list[CommuneSheet]:
    """The communes with a spreadsheet of their own, by code."""
    rows = await Organisation.filter(kind="commune").order_by("code")
    return [
        CommuneSheet(row.id, row.code, row.name, row.sheet_id, row.workbook)
        for row in rows
        if row.sheet_id or row.workbook
    ]
