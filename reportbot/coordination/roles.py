"""Who may do what: officers file their own unit's reports, coordinators follow every unit,
admins also set up units, people and forms. Refusals are one polite sentence."""

from __future__ import annotations

from connectors.base import Outgoing
from reportbot.conversation.session import PersonInfo
from reportbot.coordination.texts import t

RANKS = {"officer": 0, "coordinator": 1, "admin": 2}
COORDINATOR = "coordinator"
ADMIN = "admin"


def has_role(person: PersonInfo, needed: str) -> bool:
    """Whether the person holds `needed` or a higher role (admin > coordinator > officer)."""
    return RANKS.get(person.role, -1) >= RANKS[needed]


def refusal(person: PersonInfo, needed: str) -> list[Outgoing]:
    """The polite refusal for someone lacking `needed`."""
    key = "refused_admin" if needed == ADMIN else "refused_coordinator"
    return [Outgoing(t(key, person.locale))]


def may_see_unit(person: PersonInfo, unit_id: int) -> bool:
    """Coordinators and admins see every unit; an officer only their own (each of them)."""
    if has_role(person, COORDINATOR):
        return True
    own = person.units or ((person.unit,) if person.unit is not None else ())
    return any(unit.id == unit_id for unit in own)  # every unit of an officer of several
