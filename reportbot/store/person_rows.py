"""The person behind a platform identity, read in one plain statement: the first message of
every officer (and every message after the repository's cache expires) goes through here, and
the ORM's joined load was about a fifth of the conversation benchmark's CPU."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from reportbot.conversation.session import PersonInfo, UnitInfo
from reportbot.store import sql

# One statement: the person, their first unit, and one row per other active unit (or one row
# with no other unit); with `WITH_STATE`, also their stored conversation state. Every first
# message of an officer waits for it, and then for the state: read here, it costs no second
# trip. With several workers the state is read again on every step, so it is left out.
_PERSON = (
    "SELECT p.id AS person_id, p.name AS person_name, p.role, p.locale, p.active, "
    "u.id AS unit_id, u.code, u.name AS unit_name, u.type, "
    "x.id AS extra_id, x.code AS extra_code, x.name AS extra_name, x.type AS extra_type{state} "
    "FROM identities i JOIN people p ON p.id = i.person_id "
    "LEFT JOIN units u ON u.id = p.unit_id{join} "
    "LEFT JOIN person_units l ON l.person_id = p.id "
    "LEFT JOIN units x ON x.id = l.unit_id AND x.active = ? "
    "WHERE i.platform = ? AND i.external_id = ? ORDER BY p.id, x.id"
)
PERSON = _PERSON.format(state="", join="")
PERSON_WITH_STATE = _PERSON.format(
    state=", s.data AS state_data",
    join=" LEFT JOIN conversation_states s ON s.person_id = p.id",
)
Rows = Callable[[str, Sequence[object]], Awaitable[list[Sequence[Any]]]]


async def person_and_state(
    platform: str, external_id: str, *, with_state: bool = True, rows: Rows | None = None
) -> tuple[PersonInfo | None, str | None]:
    """The active person of this identity with their units (None if unknown or inactive),
    and, `with_state`, their stored conversation state (JSON text; None when they never
    talked, or without `with_state`). `rows` runs the statement (default: tortoise's
    connection)."""
    statement = PERSON_WITH_STATE if with_state else PERSON
    found = await (rows or sql.rows)(statement, [True, platform, external_id])
    if not found:
        return None, None
    person_id, name, role, locale, active, unit_id, code, unit_name, unit_type = found[0][:9]
    if not active:
        return None, None
    first = UnitInfo(int(unit_id), code, unit_name, unit_type) if unit_id is not None else None
    extra = sorted(
        (
            UnitInfo(int(row[9]), row[10], row[11], row[12])
            for row in found
            if row[0] == person_id and row[9] is not None
        ),
        key=lambda unit: unit.id,
    )
    info = assemble_person(int(person_id), name, role, locale, first, extra)
    return info, found[0][13] if with_state else None


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
