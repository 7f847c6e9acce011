"""The person behind a platform identity, read in two plain statements: the first message of
every officer (and every message after the repository's cache expires) goes through here, and
the ORM's joined load was about a fifth of the conversation benchmark's CPU."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from reportbot.conversation.session import PersonInfo, UnitInfo
from reportbot.store import sql

PERSON_BY_IDENTITY = (
    "SELECT p.id AS person_id, p.name AS person_name, p.role, p.locale, p.active, "
    "u.id AS unit_id, u.code, u.name AS unit_name, u.type "
    "FROM identities i JOIN people p ON p.id = i.person_id "
    "LEFT JOIN units u ON u.id = p.unit_id "
    "WHERE i.platform = ? AND i.external_id = ?"
)
EXTRA_UNITS = (
    "SELECT u.id, u.code, u.name, u.type FROM person_units l JOIN units u ON u.id = l.unit_id "
    "WHERE l.person_id = ? AND u.active = ? ORDER BY u.id"
)


async def person_by_identity(platform: str, external_id: str) -> PersonInfo | None:
    """The active person of this identity with their units, or None if unknown or inactive."""
    found = await sql.rows(PERSON_BY_IDENTITY, [platform, external_id])
    if not found:
        return None
    person_id, name, role, locale, active, unit_id, code, unit_name, unit_type = found[0]
    if not active:
        return None
    first = UnitInfo(int(unit_id), code, unit_name, unit_type) if unit_id is not None else None
    extra = [
        UnitInfo(int(u[0]), u[1], u[2], u[3])
        for u in await sql.rows(EXTRA_UNITS, [person_id, True])
    ]
    return assemble_person(int(person_id), name, role, locale, first, extra)


def assemble_person(
    person_id: int,
    name: str,
    role: str,
    locale: str,
    first: UnitInfo | None,
    extra: Sequence[UnitInfo] = (),
) -> PersonInfo:
    """The engine's view of a person: the first unit (people.unit_id) then the others; with
    more than one, each is `scoped` so that a question's binding names its unit."""
    units = [first] if first else []
    units += [unit for unit in extra if first is None or unit.id != first.id]
    if len(units) > 1:
        units = [replace(unit, scoped=True) for unit in units]
        first = units[0] if first is not None else None
    return PersonInfo(
        person_id, name, role, locale, first or (units[0] if units else None), tuple(units)
    )
