"""Invite codes: created by an admin, redeemed once by a person from their chat app."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from connectors.base import Outgoing
from reportbot.conversation.i18n import say
from reportbot.conversation.session import PersonInfo
from reportbot.conversation.texts_units import UNITS
from reportbot.store.queries.people import (
    InviteRecord,
    insert_invite,
    invite_exists,
    join_unit,
    redeem_invite,
    set_locale,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_LENGTH = 8
CODE_PATTERN = re.compile(r"^(?:/?start\s+)?([A-Za-z0-9]{6,16})$", re.IGNORECASE)
DEFAULT_VALIDITY = timedelta(days=14)


class HasId(Protocol):
    """A unit or person record (anything with an id)."""

    @property
    def id(self) -> int:
        """The database id."""
        ...


@dataclass(frozen=True, slots=True)
class Redemption:
    """The outcome of redeeming a code: `outcome` is registered, unknown, used or expired."""

    outcome: str
    person: PersonInfo | None = None
    code: str = ""


def extract_code(text: str) -> str | None:
    """An invite code in a message ("/start CODE", "start CODE" or the bare code)."""
    match = CODE_PATTERN.match(text.strip())
    return match.group(1).upper() if match else None


def new_code() -> str:
    """A fresh random invite code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def create_invite(
    *,
    unit: HasId | None,
    role: str,
    now: datetime,
    person: HasId | None = None,
    validity: timedelta = DEFAULT_VALIDITY,
) -> InviteRecord:
    """Create a single-use invite for a unit and role (or for an existing person)."""
    return await insert_invite(
        new_code(),
        unit_id=unit.id if unit else None,
        role=role,
        person_id=person.id if person else None,
        expires_at=now + validity,
    )


async def redeem(
    code: str,
    *,
    platform: str,
    external_id: str,
    chat_id: str,
    display_name: str | None,
    locale: str,
    now: datetime,
) -> Redemption:
    """Bind a platform account to the person of an invite, exactly once."""
    outcome, person = await redeem_invite(
        code,
        platform=platform,
        external_id=external_id,
        chat_id=chat_id,
        display_name=display_name,
        locale=locale,
        now=now,
    )
    return Redemption(outcome, person=person, code=code)


async def join_another_unit(
    text: str, person: PersonInfo, *, platform: str, external_id: str, now: datetime
) -> list[Outgoing] | None:
    """A registered person sent an invite code: add its unit to theirs and say so.

    None when the text is no invite code (the message then goes on to the conversation):
    a bare word that looks like a code is only taken when such an invite exists.
    """
    code = extract_code(text)
    if code is None:
        return None
    explicit = text.strip().lstrip("/").casefold().startswith("start")
    if not explicit and not await invite_exists(code):
        return None
    outcome, joined = await join_unit(code, platform=platform, external_id=external_id, now=now)
    locale = person.locale
    if outcome in ("unknown", "used", "expired"):
        return [Outgoing(say(f"invite_{outcome}", locale, code=code))]
    if joined is None:
        return [Outgoing(UNITS.say("other", locale, code=code))]
    held = {u.id for u in person.units}
    added = next((u for u in joined.units if u.id not in held), None)
    if outcome == "member" or added is None:
        names = ", ".join(u.name for u in joined.units) or "—"
        return [Outgoing(UNITS.say("member", locale, unit=names, code=code))]
    units = ", ".join(u.name for u in joined.units)
    count = len(joined.units)
    return [Outgoing(UNITS.say("added", locale, unit=added.name, count=count, units=units))]


SPOKEN = ("vi", "en")  # the languages every sentence of the bot is written in


def spoken_language(language_code: str | None) -> str | None:
    """The bot's language for a chat app's language code ("en-GB" -> "en"), or None when the
    code is missing or names a language the bot does not speak."""
    code = (language_code or "").strip().lower()
    return next((language for language in SPOKEN if code.startswith(language)), None)


async def follow_language(person: PersonInfo, language_code: str | None) -> PersonInfo:
    """The person answered in their chat app's language (which also picks the command menu).

    A change is stored, so reminders, which no message carries, are written in it too.
    """
    language = spoken_language(language_code)
    if language is None or language == person.locale:
        return person
    await set_locale(person.id, language)
    return replace(person, locale=language)
