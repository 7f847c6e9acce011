"""Invite codes: created by an admin, redeemed once by a person from their chat app."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from reportbot.store.models import Identity, Invite, Person, Unit

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on phones
CODE_LENGTH = 8
CODE_PATTERN = re.compile(r"^(?:/?start\s+)?([A-Za-z0-9]{6,16})$", re.IGNORECASE)
DEFAULT_VALIDITY = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Redemption:
    """The outcome of redeeming a code: `outcome` is registered, unknown, used or expired."""

    outcome: str
    person: Person | None = None
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
    unit: Unit | None,
    role: str,
    now: datetime,
    person: Person | None = None,
    validity: timedelta = DEFAULT_VALIDITY,
) -> Invite:
    """Create a single-use invite for a unit and role (or for an existing person)."""
    return await Invite.create(
        code=new_code(), unit=unit, role=role, person=person, expires_at=now + validity
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
    async with in_transaction():
        invite = await Invite.filter(code=code).select_for_update().first()
        if invite is None:
            return Redemption("unknown", code=code)
        if invite.used_at is not None:
            return Redemption("used", code=code)
        if invite.expires_at < now:
            return Redemption("expired", code=code)
        person = await invite.person if invite.person_id is not None else None  # type: ignore[attr-defined]
        if person is None:
            person = await Person.create(
                name=display_name or code,
                role=invite.role,
                unit_id=invite.unit_id,  # type: ignore[attr-defined]
                locale=locale,
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
    return Redemption("registered", person=person, code=code)
