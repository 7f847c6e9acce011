"""Invite codes: created by an admin, redeemed once by a person from their chat app.

Redemption says as little as possible to someone guessing codes: an unknown, used or expired
code all get the same outcome ("refused"), and one chat account may try at most
`MAX_TRIES` codes per `TRY_WINDOW` (counted in the database, so across processes and
restarts); beyond that the outcome is "throttled" and the code is not even looked up.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from connectors.base import Outgoing
from reportbot.conversation.i18n import say
from reportbot.conversation.session import PersonInfo
from reportbot.conversation.texts_units import UNITS
from reportbot.store.kv import KeyValueStore
from reportbot.store.queries.organisations import organisation_by_id, person_scope
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
MAX_TRIES = 5
TRY_WINDOW = timedelta(minutes=10)
REFUSED = "refused"  # unknown, used or expired: told apart only in the store, never in a chat
THROTTLED = "throttled"
TRIES_NAMESPACE = "invite_tries"


class HasId(Protocol):
    """A unit or person record (anything with an id)."""

    @property
    def id(self) -> int:
        """The database id."""
        ...


@dataclass(frozen=True, slots=True)
class Redemption:
    """The outcome of redeeming a code: `outcome` is registered, refused or throttled."""

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
    organisation_id: int | None = None,
) -> InviteRecord:
    """Create a single-use invite for a unit and role (or for an existing person); a new
    coordinator sees `organisation_id` (a commune or province; None: everything)."""
    return await insert_invite(
        new_code(),
        unit_id=unit.id if unit else None,
        role=role,
        person_id=person.id if person else None,
        expires_at=now + validity,
        organisation_id=organisation_id,
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
    """Bind a platform account to the person of an invite, exactly once.

    The try is counted first (see the module docstring); a refused code's reason stays here.
    """
    if not await count_try(platform, external_id, now):
        return Redemption(THROTTLED, code=code)
    outcome, person = await redeem_invite(
        code,
        platform=platform,
        external_id=external_id,
        chat_id=chat_id,
        display_name=display_name,
        locale=locale,
        now=now,
    )
    if person is None:
        return Redemption(REFUSED, code=code)
    return Redemption(outcome, person=person, code=code)


async def registered_text(info: PersonInfo) -> str:
    """What a person reads on redeeming their invite: their role and unit (or no unit), and
    for a coordinator or admin of a commune or province, whose units they follow."""
    role = say(f"role_{info.role}", info.locale)
    if info.unit is None:
        text = UNITS.say("no_unit_registered", info.locale, role=role)
    else:
        text = say("registered", info.locale, role=role, unit=info.unit.name)
    if info.role == "officer":  # files for a unit, follows nobody (an import may still
        return text  # have written a commune on the officer's row)
    scope = await person_scope(info.id)
    place = await organisation_by_id(scope.root_id) if scope.root_id is not None else None
    if place is None:
        return text
    return f"{text} {UNITS.say('follows', info.locale, place=place.name)}"


def _tries_key(platform: str, external_id: str) -> str:
    # A fixed-width key whatever the platform's id looks like (the column holds 64 characters).
    return hashlib.sha256(f"{platform}\0{external_id}".encode()).hexdigest()[:40]


async def count_try(platform: str, external_id: str, now: datetime) -> bool:
    """Record one redemption try of this account; False when it is over the limit.

    The recent tries are kept as a JSON list of timestamps in the key-value store, updated
    under its row lock, so two processes cannot both grant the fifth try. A refused try is not
    recorded, so waiting always helps.
    """
    store = KeyValueStore(TRIES_NAMESPACE, clock=lambda: now)
    allowed = False

    async def add(current: str | None) -> str:
        nonlocal allowed
        since = now - TRY_WINDOW
        tries = [t for t in _moments(current) if since < t <= now]
        allowed = len(tries) < MAX_TRIES
        if allowed:
            tries.append(now)
        return json.dumps([t.isoformat() for t in tries])

    await store.update(_tries_key(platform, external_id), add)
    return allowed


def _moments(stored: str | None) -> list[datetime]:
    try:
        return [datetime.fromisoformat(item) for item in json.loads(stored or "[]")]
    except (TypeError, ValueError):  # a damaged value counts as no tries, not as an error
        return []


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
    locale = person.locale
    if not await count_try(platform, external_id, now):  # the same limit as for strangers
        return [Outgoing(say(f"invite_{THROTTLED}", locale, code=code))]
    outcome, joined = await join_unit(code, platform=platform, external_id=external_id, now=now)
    if outcome in ("unknown", "used", "expired"):  # told apart only in the store
        return [Outgoing(say(f"invite_{REFUSED}", locale, code=code))]
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


@functools.lru_cache(maxsize=256)
def spoken_language(language_code: str | None) -> str | None:
    """The bot's language for a chat app's language code ("en-GB" -> "en"), or None when the
    code is missing or names a language the bot does not speak.

    Asked twice for every message (its locale, then the person's): a cache of the few codes
    chat apps send (bounded, so odd codes only push out old ones)."""
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
