"""Finding what a coordinator names in a command: a unit, a form, a period, a role."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportbot.conversation.parsing import fold
from reportbot.conversation.session import PersonInfo
from reportbot.coordination.names import commune_labels, fold_words
from reportbot.coordination.people.fields import ROLE_WORDS
from reportbot.coordination.roles import COORDINATOR, has_role
from reportbot.coordination.texts import Problem
from reportbot.store.queries.coordination import (
    UnitRecord,
    active_units_by_name,
    unit_by_code,
    unit_by_id,
)
from reportbot.store.queries.organisations import (
    EVERYTHING,
    Scope,
    person_scope,
)
from reportbot.vocabulary.format import unit_in_commune

# Any word shaped like a period key is read as one, a wrong one too ("2026-H9"): the form then
# says which periods it has, instead of the mistake being taken for a unit or a form name.
PERIOD_KEY = re.compile(r"^\d{4}(?:-[A-Z0-9]{1,3})?$|^once-\d{8}$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Arguments:
    """A command's words split into a unit (free text), a form key and a period key."""

    unit: str
    form: str | None
    period: str | None


def split_arguments(argument: str, form_keys: set[str]) -> Arguments:
    """Pick the form key and the period key out of the words; the rest names the unit."""
    form = period = None
    rest: list[str] = []
    for word in argument.split():
        if form is None and word in form_keys:
            form = word
        elif period is None and PERIOD_KEY.match(word):
            period = word.upper() if not word.lower().startswith("once") else word.lower()
        else:
            rest.append(word)
    return Arguments(" ".join(rest), form, period)


def split_role(argument: str) -> tuple[str, str | None]:
    """('hoiphunu', 'coordinator') from 'hoiphunu chuyên viên'; role None when not named."""
    words = argument.split()
    for size in (3, 2, 1):
        if len(words) >= size:
            role = ROLE_WORDS.get(fold(" ".join(words[-size:])))
            if role is not None:
                return " ".join(words[:-size]), role
    return argument.strip(), None


async def resolve_unit(text: str, scope: Scope = EVERYTHING) -> UnitRecord:
    """A unit by code (any case), else by its name with or without diacritics, or by some
    words of its name ("hoi phu nu" finds "Hội Liên hiệp Phụ nữ xã") when only one unit fits.

    Only units of `scope` are searched: a unit of another commune is unknown, never named.
    Raises Problem('unit_unknown' | 'unit_ambiguous')."""
    unit = await unit_by_code(text, scope)
    if unit is not None:
        return unit
    wanted = fold(text)
    units = await active_units_by_name(scope)
    exact = [u for u in units if fold(u.name) == wanted]
    if len(exact) == 1:
        return exact[0]
    words = set(fold_words(text))
    partial = exact or [u for u in units if words and words <= set(fold_words(u.name))]
    if len(partial) == 1:
        return partial[0]
    if partial:
        # Several communes' units (a province's): each named with its commune, as lists do.
        communes = await commune_labels((u.id for u in partial[:6]), scope)
        names = ", ".join(
            f"{unit_in_commune(u.name, communes.get(u.id, ''))} ({u.code})" for u in partial[:6]
        )
        raise Problem("unit_ambiguous", unit=text, names=names)
    raise Problem("unit_unknown", unit=text)


class OtherUnit(Exception):
    """An officer named a unit that is not their own (which one is never looked up)."""


async def resolve_unit_for(person: PersonInfo, text: str) -> UnitRecord:
    """The unit `text` names, as far as `person` may look units up.

    Coordinators and admins search every unit (`resolve_unit`). An officer's words are only
    compared with their own unit: anything else raises OtherUnit without a database search,
    so that an officer cannot list other units' names and codes through "not found" or
    "several units match" replies.
    Raises Problem('no_unit_of_yours' | 'unit_unknown' | 'unit_ambiguous') or OtherUnit.
    """
    if has_role(person, COORDINATOR):
        return await resolve_unit(text, await person_scope(person.id))
    held = person.units or ((person.unit,) if person.unit is not None else ())
    owns = [unit for unit in [await unit_by_id(u.id) for u in held] if unit is not None]
    if not owns:
        raise Problem("no_unit_of_yours")
    if not text:
        return owns[0]
    for own in owns:  # an officer of several units (kiêm nhiệm) may name any of them
        if _names_unit(text, own):
            return own
    raise OtherUnit


def _names_unit(text: str, unit: UnitRecord) -> bool:
    wanted = fold(text)
    words = set(fold_words(text))
    return (
        wanted == fold(unit.code)
        or wanted == fold(unit.name)
        or bool(words and words <= set(fold_words(unit.name)))
    )
