"""Who is in the deployment, for an admin's `units list` and `people list`: each unit with
its people and how many of them have joined a chat, each person with their units, role,
platforms and open invite. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportbot.collation import sort_vietnamese
from reportbot.store.models import Identity, Invite, Organisation, Person, PersonUnit, Unit
from reportbot.store.queries.organisations import Scope, ensure_default_commune


@dataclass(frozen=True, slots=True)
class UnitLine:
    """One unit: its commune, and its active people (joined: with a chat identity)."""

    code: str
    name: str
    type: str
    commune: str
    active: bool
    people: int
    joined: int


@dataclass(frozen=True, slots=True)
class PersonLine:
    """One active person: role, units (codes), platforms joined, an open invite's expiry."""

    name: str
    phone: str
    role: str
    units: tuple[str, ...]
    platforms: tuple[str, ...]
    invite_expires: datetime | None
    sees: str | None = None  # a coordinator's or admin's organisation code ('' : everything)


async def _units_of_people(unit_ids: set[int] | None) -> dict[int, set[int]]:
    """Active person id -> their unit ids (the first unit plus the extra links)."""
    links: dict[int, set[int]] = {}
    rows = await Person.filter(active=True).values_list("id", "unit_id")
    extra = await PersonUnit.all().values_list("person_id", "unit_id")
    active = {person_id for person_id, _ in rows}
    for person_id, unit_id in [*rows, *extra]:
        wanted = unit_ids is None or unit_id in unit_ids
        if person_id in active and unit_id is not None and wanted:
            links.setdefault(person_id, set()).add(unit_id)
    return links


async def _joined_people() -> dict[int, set[str]]:
    """Person id -> the platforms they talk on."""
    found: dict[int, set[str]] = {}
    for person_id, platform in await Identity.all().values_list("person_id", "platform"):
        found.setdefault(person_id, set()).add(platform)
    return found


async def units_roster(scope: Scope) -> list[UnitLine]:
    """Every unit of `scope`, in Vietnamese order of name, with its people and joined count."""
    default = await ensure_default_commune()
    communes = dict(await Organisation.all().values_list("id", "code"))
    units = await Unit.filter(scope.unit_filter())
    people = await _units_of_people({unit.id for unit in units})
    joined = await _joined_people()
    members_of: dict[int, list[int]] = {}  # unit id -> its people, built once
    for person_id, held in people.items():
        for unit_id in held:
            members_of.setdefault(unit_id, []).append(person_id)
    lines = []
    for unit in sort_vietnamese(units, key=lambda row: row.name):
        members = members_of.get(unit.id, [])
        lines.append(
            UnitLine(
                code=unit.code,
                name=unit.name,
                type=unit.type,
                commune=communes.get(unit.organisation_id or default.id, ""),  # type: ignore[attr-defined]
                active=unit.active,
                people=len(members),
                joined=sum(1 for p in members if p in joined),
            )
        )
    return lines


async def people_roster(scope: Scope, unit_code: str | None, now: datetime) -> list[PersonLine]:
    """Every active person with a unit in `scope` (or in the unit `unit_code`), in Vietnamese
    order of name; coordinators and admins of the scope without a unit are listed too."""
    units = await Unit.filter(scope.unit_filter())
    if unit_code is not None:
        units = [unit for unit in units if unit.code == unit_code]
    codes = {unit.id: unit.code for unit in units}
    held = await _units_of_people(set(codes))
    ids = set(held)
    if unit_code is None:  # people of the scope who report for no unit
        ids |= set(await _unitless_in(scope))
    joined = await _joined_people()
    invites = await _open_invites(ids, now)
    persons = await Person.filter(id__in=list(ids))
    organisations = dict(await Organisation.all().values_list("id", "code"))
    return [
        PersonLine(
            name=person.name,
            phone=person.phone or "",
            role=person.role,
            units=tuple(sorted(codes[u] for u in held.get(person.id, ()))),
            platforms=tuple(sorted(joined.get(person.id, ()))),
            invite_expires=invites.get(person.id),
            sees=None
            if person.role == "officer"
            else organisations.get(person.organisation_id, ""),  # type: ignore[attr-defined]
        )
        for person in sort_vietnamese(persons, key=lambda row: row.name)
    ]


async def _unitless_in(scope: Scope) -> list[int]:
    query = Person.filter(active=True, unit_id__isnull=True)
    rows = await query.values_list("id", "organisation_id")
    return [person_id for person_id, org in rows if scope.everything or scope.holds(org)]


async def _open_invites(person_ids: set[int], now: datetime) -> dict[int, datetime]:
    """Person id -> the latest expiry of their unused, unexpired invites."""
    rows = await Invite.filter(
        person_id__in=list(person_ids), used_at__isnull=True, expires_at__gt=now
    ).values_list("person_id", "expires_at")
    found: dict[int, datetime] = {}
    for person_id, expires in rows:
        if person_id not in found or expires > found[person_id]:
            found[person_id] = expires
    return found
