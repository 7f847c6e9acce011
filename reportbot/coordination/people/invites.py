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
from reportbot.vocabulary.format import date_text

USERNAME_VARIABLE = "REPORTBOT_TELEGRAM_BOT_USERNAME"
PLACEHOLDER_USERNAME = "<ten_bot>"


@dataclass(frozen=True, slots=True)
class InviteCard:
    """Everything an admin passes on to the invited person."""

    code: str
    role: str
    unit_name: str
    expires_at: datetime
    telegram_link: str
    has_username: bool


def bot_username(env: Mapping[str, str]) -> str | None:
    """The Telegram bot's username from the environment, without the '@'."""
    name = (env.get(USERNAME_VARIABLE) or "").strip().lstrip("@")
    return name or None


def telegram_link(code: str, env: Mapping[str, str]) -> str:
    """The deep link that starts the bot with the code (a placeholder name when unknown)."""
    return f"https://t.me/{bot_username(env) or PLACEHOLDER_USERNAME}?start={code}"


async def issue_invite(
    *,
    unit_code: str | None,
    role: str,
    now: datetime,
    env: Mapping[str, str],
    created_by: int | None,
    phone: str | None = None,
    validity: timedelta = DEFAULT_VALIDITY,
) -> InviteCard:
    """Create an invite for a unit and role, or for a person already imported (by phone).

    Raises Problem('unit_unknown' | 'unit_needed' | 'person_unknown').
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
    invite = await create_invite(unit=unit, role=role, now=now, person=person, validity=validity)
    await audit.record(
        "invite.create",
        {"code": invite.code, "unit": unit.code if unit else None, "role": role, "phone": phone},
        now=now,
        person_id=created_by,
    )
    return InviteCard(
        code=invite.code,
        role=role,
        unit_name=unit.name if unit else "UBND xã",
        expires_at=invite.expires_at,
        telegram_link=telegram_link(invite.code, env),
        has_username=bot_username(env) is not None,
    )


def render_card(card: InviteCard, locale: str, tz: tzinfo) -> str:
    """The invite as a message: code, expiry, Telegram link, and the text for Zalo."""
    role = say(f"role_{card.role}", locale)
    expires = date_text(card.expires_at, tz)
    link = card.telegram_link
    if not card.has_username:
        link = f"{link} {t('invite_link_placeholder', locale)}"
    zalo = t(
        "invite_zalo_text",
        locale,
        role=role,
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
