"""Invites an admin hands out: the code, the Telegram deep link and the text to send on Zalo.

A Telegram link opens the bot with ``/start CODE``; on Zalo the person sends the code itself
(the bot reads a bare code too). Codes are single-use and expire (`registration`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from reportbot.conversation.i18n import say
from reportbot.coordination import audit
from reportbot.coordination.texts import Problem, t
from reportbot.registration import DEFAULT_VALIDITY, create_invite
from reportbot.store.queries.coordination import (
    PersonRecord,
    UnitRecord,
    person_by_phone,
    unit_by_code,
)
from reportbot.store.queries.organisations import (
    OrganisationRecord,
    commune_of_unit,
    organisation_by_id,
    organisation_by_ref,
    person_scope,
)
from reportbot.vocabulary.format import date_text

USERNAME_VARIABLE = "REPORTBOT_TELEGRAM_BOT_USERNAME"


@dataclass(frozen=True, slots=True)
class InviteCard:
    """Everything an admin passes on to the invited person."""

    code: str
    role: str
    unit_name: str
    expires_at: datetime
    telegram_link: str
    has_username: bool
    inviter: str = ""  # the inviting commune or province ("": the deployment's, "UBND xã")


def bot_username(env: Mapping[str, str]) -> str | None:
    """The Telegram bot's username from the environment, without the '@'."""
    name = (env.get(USERNAME_VARIABLE) or "").strip().lstrip("@")
    return name or None


def telegram_link(code: str, env: Mapping[str, str]) -> str:
    """The deep link that starts the bot with the code; empty when the bot's name is unknown."""
    username = bot_username(env)
    return f"https://t.me/{username}?start={code}" if username else ""


async def issue_invite(
    *,
    unit_code: str | None,
    role: str,
    now: datetime,
    env: Mapping[str, str],
    created_by: int | None,
    phone: str | None = None,
    validity: timedelta = DEFAULT_VALIDITY,
    commune: str | None = None,
) -> InviteCard:
    """Create an invite for a unit and role, or for a person already imported (by phone).

    `commune` (code or name) is the commune or province an invited coordinator will see; by
    default the commune of the person who creates the invite (none: everything).
    Raises Problem('unit_unknown' | 'unit_needed' | 'person_unknown' | 'commune_unknown').
    """
    person: PersonRecord | None = None
    unit: UnitRecord | None
    if phone:
        person = await person_by_phone(phone)
        if person is None:
            raise Problem("person_unknown", phone=phone)
        unit, role = person.unit, person.role
    elif unit_code:
        unit = await unit_by_code(unit_code)
        if unit is None:
            raise Problem("unit_unknown", unit=unit_code)
    else:
        if role == "officer":
            raise Problem("unit_needed", command="moi")
        unit = None
    # An officer goes by their unit's commune; a coordinator or admin by the invite's, and an
    # imported one by the commune or province their CSV line gave them.
    organisation = await _invited_organisation(commune, person.id if person else created_by)
    invite = await create_invite(
        unit=unit,
        role=role,
        now=now,
        person=person,
        validity=validity,
        organisation_id=organisation.id if organisation and role != "officer" else None,
    )
    await audit.record(
        "invite.create",
        {"code": invite.code, "unit": unit.code if unit else None, "role": role, "phone": phone},
        now=now,
        person_id=created_by,
    )
    return InviteCard(
        code=invite.code,
        role=role,
        unit_name=await _place(unit, organisation),
        expires_at=invite.expires_at,
        telegram_link=telegram_link(invite.code, env),
        has_username=bot_username(env) is not None,
        inviter=await _inviter(unit, organisation),
    )


async def _invited_organisation(
    commune: str | None, person_id: int | None
) -> OrganisationRecord | None:
    """The organisation `commune` names, else the one of `person_id` (the invited person
    when imported, else the creator: a commune's coordinator invites into it)."""
    if commune:
        found = await organisation_by_ref(commune)
        if found is None:
            raise Problem("commune_unknown", commune=commune)
        return found
    if person_id is None:
        return None
    scope = await person_scope(person_id)
    return await organisation_by_id(scope.root_id) if scope.root_id is not None else None


async def _place(unit: UnitRecord | None, organisation: OrganisationRecord | None) -> str:
    """Where the invited person works, as the card names it: the unit and its commune (the
    default commune is not named, as before communes existed), or the commune alone."""
    if unit is None:
        return organisation.name if organisation else "UBND xã"
    commune = await commune_of_unit(unit.id)
    return unit.name if commune.is_default else f"{unit.name} – {commune.name}"


async def _inviter(unit: UnitRecord | None, organisation: OrganisationRecord | None) -> str:
    """Who invites, as the Zalo text names it: the unit's commune, else the invite's commune
    or province; "" for the default commune or the whole deployment."""
    if unit is None:
        return organisation.name if organisation else ""
    commune = await commune_of_unit(unit.id)
    return "" if commune.is_default else commune.name


def render_card(card: InviteCard, locale: str, tz: tzinfo) -> str:
    """The invite as a message: code, expiry, Telegram link, and the text for Zalo."""
    role = say(f"role_{card.role}", locale)
    expires = date_text(card.expires_at, tz)
    # Never a made-up link: without the bot's username the card says how to get one, and
    # the text the admin forwards on Zalo gives the code alone.
    link = card.telegram_link if card.has_username else t("invite_link_missing", locale)
    zalo = t(
        "invite_zalo_text" if card.has_username else "invite_zalo_text_code_only",
        locale,
        role=role,
        inviter=card.inviter or t("invite_from_default", locale),
        unit=card.unit_name,
        link=card.telegram_link,
        code=card.code,
        expires=expires,
    )
    return t(
        "invite_card",
        locale,
        code=card.code,
        role=role,
        unit=card.unit_name,
        expires=expires,
        link=link,
        zalo=zalo,
    )
