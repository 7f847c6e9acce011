"""People, identities and invites: redeeming a code, seeding the demo commune, finding people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from reportbot.conversation.session import PersonInfo
from reportbot.store.models import Identity, Invite, Person, PersonUnit, Unit
from reportbot.store.queries.coordination import PersonRecord, unit_record
from reportbot.store.repository import extra_units, person_info


@dataclass(frozen=True, slots=True)
class InviteRecord:
    """A stored invite."""

    id: int
    code: str
    role: str
    unit_id: int | None
    person_id: int | None
    expires_at: datetime


def _person_record(person: Person) -> PersonRecord:
    unit = unit_record(person.unit) if person.unit else None
    return PersonRecord(person.id, person.name, person.role, person.phone, unit)


async def insert_invite(
    code: str,
    *,
    unit_id: int | None,
    role: str,
    person_id: int | None,
    expires_at: datetime,
    organisation_id: int | None = None,
) -> InviteRecord:
    """Store a new invite (`organisation_id`: what the invited coordinator will see)."""
    invite = await Invite.create(
        code=code,
        unit_id=unit_id,
        role=role,
        person_id=person_id,
        expires_at=expires_at,
        organisation_id=organisation_id,
    )
    return InviteRecord(invite.id, invite.code, role, unit_id, person_id, invite.expires_at)


async def redeem_invite(
    code: str,
    *,
    platform: str,
    external_id: str,
    chat_id: str,
    display_name: str | None,
    locale: str,
    now: datetime,
) -> tuple[str, PersonInfo | None]:
    """Bind a platform account to the person of an invite, exactly once (row-locked).

    Returns ('registered', the person) or ('unknown' | 'used' | 'expired', None).
    """
    async with in_transaction():
        refused, invite = await _locked_invite(code, now)
        if invite is None:
            return refused, None
        person = await invite.person if invite.person_id is not None else None  # type: ignore[attr-defined]
        if person is None:
            person = await Person.create(
                name=display_name or code,
                role=invite.role,
                unit_id=invite.unit_id,  # type: ignore[attr-defined]
                locale=locale,
                organisation_id=invite.organisation_id,  # type: ignore[attr-defined]
            )
        identity, _ = await Identity.update_or_create(
            defaults={"person": person, "chat_id": chat_id, "display_name": display_name},
            platform=platform,
            external_id=external_id,
        )
        invite.used_at = now
        invite.used_by = identity
        invite.person = person
        await invite.save(update_fields=["used_at", "used_by_id", "person_id"])
    await person.fetch_related("unit")
    return "registered", person_info(person)


async def set_locale(person_id: int, locale: str) -> None:
    """Store the language a person reads."""
    await Person.filter(id=person_id).update(locale=locale)


async def invite_exists(code: str) -> bool:
    """Whether an invite with this code was ever made (used or not)."""
    return await Invite.exists(code=code)


async def join_unit(
    code: str, *, platform: str, external_id: str, now: datetime
) -> tuple[str, PersonInfo | None]:
    """A registered person redeems another unit's invite: the unit is added to theirs.

    Returns ('added', the person with every unit), ('member', the person) when they already
    report for that unit (the code stays unused), or ('unknown' | 'used' | 'expired' |
    'other', None); 'other' is an invite made for someone else or for no unit.
    """
    async with in_transaction():
        refused, invite = await _locked_invite(code, now)
        if invite is None:
            return refused, None
        identity = await Identity.get(platform=platform, external_id=external_id)
        person = await Person.get(id=identity.person_id).select_related("unit")  # type: ignore[attr-defined]
        unit_id = invite.unit_id  # type: ignore[attr-defined]
        if unit_id is None or invite.person_id not in (None, person.id):  # type: ignore[attr-defined]
            return "other", None
        held = {u.id for u in await extra_units(person.id)} | {person.unit_id}  # type: ignore[attr-defined]
        if unit_id in held:
            return "member", person_info(person, await extra_units(person.id))
        if person.unit_id is None:  # type: ignore[attr-defined]
            person.unit_id = unit_id  # type: ignore[attr-defined]
            await person.save(update_fields=["unit_id"])
        else:
            await PersonUnit.create(person_id=person.id, unit_id=unit_id)
        invite.used_at = now
        invite.used_by = identity
        invite.person = person
        await invite.save(update_fields=["used_at", "used_by_id", "person_id"])
    await person.fetch_related("unit")
    return "added", person_info(person, await extra_units(person.id))


async def add_unit(person_id: int, unit_id: int) -> bool:
    """Add a unit to a person (an import naming the same phone in a second unit); False when
    the person already reports for it."""
    person = await Person.get(id=person_id)
    if person.unit_id == unit_id:  # type: ignore[attr-defined]
        return False
    if person.unit_id is None:  # type: ignore[attr-defined]
        person.unit_id = unit_id  # type: ignore[attr-defined]
        await person.save(update_fields=["unit_id"])
        return True
    _, created = await PersonUnit.get_or_create(person_id=person_id, unit_id=unit_id)
    return created


async def seed_units_and_people(
    units: Sequence[tuple[str, str, str]],
    people: Sequence[tuple[str, str, str, str]],
    *,
    platform: str,
    user_id: str,
    locale: str = "vi",
) -> bool:
    """Create units (code, name, type) and people (name, unit code, role, phone), each with
    an identity on `platform`, if the database has no unit yet; return whether it did.

    `user_id` is a format with `{id}` for the identity's user and chat id; `locale`, the
    people's language (REPORTBOT_LOCALE: the language of new people)."""
    if await Unit.exists():
        return False
    async with in_transaction():
        created = {}
        for code, name, unit_type in units:
            created[code] = await Unit.create(code=code, name=name, type=unit_type)
        for name, unit_code, role, phone in people:
            person = await Person.create(
                name=name, unit=created[unit_code], role=role, phone=phone, locale=locale
            )
            external = user_id.format(id=person.id)
            await Identity.create(
                platform=platform,
                external_id=external,
                chat_id=external,
                display_name=name,
                person=person,
            )
    return True


async def find_person(selector: str | None, *, default_phone: str) -> PersonRecord | None:
    """A person by id, phone or part of the name; with no selector, the person with
    `default_phone`, else the first officer."""
    query = Person.all().select_related("unit")
    if not selector:
        person = (
            await query.filter(phone=default_phone).first()
            or await query.filter(role="officer").order_by("id").first()
        )
        return _person_record(person) if person else None
    person = None
    if selector.isdigit():
        person = await query.filter(id=int(selector)).first()
    person = person or await Person.filter(phone=selector).select_related("unit").first()
    person = person or (
        await Person.filter(name__icontains=selector).select_related("unit").order_by("id").first()
    )
    return _person_record(person) if person else None


async def name_and_phone_rows() -> list[tuple[int, str, str]]:
    """(id, name, phone) of every person, by id: for a loose look-up done by the caller."""
    rows = await Person.all().order_by("id").values_list("id", "name", "phone")
    return [(int(pid), name or "", phone or "") for pid, name, phone in rows]


async def ensure_identity(person_id: int, platform: str, user_id: str, name: str) -> None:
    """Make sure a person has this identity (user id = chat id)."""
    await Identity.get_or_create(
        platform=platform,
        external_id=user_id,
        defaults={"chat_id": user_id, "display_name": name, "person_id": person_id},
    )


async def real_accounts() -> int:
    """How many identities are on a real platform (anything but the console)."""
    return await Identity.exclude(platform="console").count()


async def _locked_invite(code: str, now: datetime) -> tuple[str, Invite | None]:
    """The invite of `code`, row-locked, if it can still be redeemed; else why not ('unknown',
    'used' or 'expired'). Call inside a transaction."""
    invite = await Invite.filter(code=code).select_for_update().first()
    if invite is None:
        return "unknown", None
    if invite.used_at is not None:
        return "used", None
    if invite.expires_at < now:
        return "expired", None
    return "", invite
