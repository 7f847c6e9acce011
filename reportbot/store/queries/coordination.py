"""What coordinators' and admins' commands read and write: units, people, audit, templates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportbot.store.models import AuditLog, FormTemplateRecord, Person, Unit
from reportbot.store.queries.organisations import EVERYTHING, Scope


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """A unit as commands name and show it."""

    id: int
    code: str
    name: str
    type: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person as commands show them, with their unit if any."""

    id: int
    name: str
    role: str
    phone: str | None
    unit: UnitRecord | None


@dataclass(frozen=True, slots=True)
class TemplateVersion:
    """A stored template version: key, version, content hash and definition."""

    id: int
    key: str
    version: int
    content_hash: str
    definition: dict[str, Any]


def unit_record(unit: Unit) -> UnitRecord:
    """The record of a unit model (inside the store only)."""
    return UnitRecord(unit.id, unit.code, unit.name, unit.type, unit.active)


async def unit_by_code(code: str, scope: Scope = EVERYTHING) -> UnitRecord | None:
    """A unit of `scope` by code, any case."""
    unit = await Unit.filter(scope.unit_filter(), code__iexact=code).first()
    return unit_record(unit) if unit else None


async def unit_by_id(unit_id: int, scope: Scope = EVERYTHING) -> UnitRecord | None:
    """A unit of `scope` by id."""
    unit = await Unit.filter(scope.unit_filter(), id=unit_id).first()
    return unit_record(unit) if unit else None


async def active_units_by_name(scope: Scope = EVERYTHING) -> list[UnitRecord]:
    """Active units of a scope, by name."""
    units = await Unit.filter(scope.unit_filter(), active=True).order_by("name")
    return [unit_record(unit) for unit in units]


async def person_by_phone(phone: str) -> PersonRecord | None:
    """The first person with this phone number, with their unit."""
    person = await Person.filter(phone=phone).select_related("unit").first()
    if person is None:
        return None
    unit = unit_record(person.unit) if person.unit else None
    return PersonRecord(person.id, person.name, person.role, person.phone, unit)


async def record_audit(
    action: str, detail: dict[str, Any], *, now: datetime, person_id: int | None
) -> None:
    """Write one audit entry (in the caller's transaction, if one is open)."""
    await AuditLog.create(
        person_id=person_id,
        action=action,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        created_at=now,
    )


async def latest_template_version(key: str) -> TemplateVersion | None:
    """The newest stored version of a form, active or not."""
    record = await FormTemplateRecord.filter(key=key).order_by("-version").first()
    if record is None:
        return None
    return TemplateVersion(
        record.id, record.key, record.version, record.content_hash, record.definition
    )
