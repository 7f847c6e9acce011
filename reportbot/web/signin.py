"""Single-use sign-in links and the sessions they open, stored hashed in the key-value store.

A link token is handed once, in chat, to a coordinator; the store keeps only its SHA-256 (a
leaked database gives no working link or session). Exchanging it deletes it first: the delete
succeeds for one caller only, in any process, so a link opens one session at most. Expiry is
checked against the bot's clock (the tests move it).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from reportbot.store.kv import KeyValueStore
from reportbot.store.queries.web import forget_older_than

NAMESPACE = "web"
LINK = "l:"
SESSION = "s:"
TOKEN_BYTES = 32

Clock = Callable[[], datetime]


def digest(token: str) -> str:
    """The stored form of a token: its SHA-256, base64url (43 characters)."""
    raw = hashlib.sha256(token.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


@dataclass(frozen=True, slots=True)
class Grant:
    """Whom a link or session belongs to, and until when it is valid."""

    person_id: int
    expires_at: datetime

    def dump(self) -> str:
        """The stored JSON value."""
        return json.dumps({"person": self.person_id, "expires": self.expires_at.isoformat()})

    @classmethod
    def load(cls, value: str) -> Grant | None:
        """The grant of a stored value; None for a value this module did not write."""
        try:
            data = json.loads(value)
            return cls(int(data["person"]), datetime.fromisoformat(data["expires"]))
        except (ValueError, KeyError, TypeError):
            return None


class SignIn:
    """Issues links, exchanges them for sessions, and finds the person of a session."""

    def __init__(
        self, clock: Clock, *, link_lifetime: timedelta, session_lifetime: timedelta
    ) -> None:
        self.clock = clock
        self.link_lifetime = link_lifetime
        self.session_lifetime = session_lifetime
        self.kv = KeyValueStore(NAMESPACE, clock=clock)

    async def issue_link(self, person_id: int) -> str:
        """A new single-use link token for the person (only its hash is stored)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        grant = Grant(person_id, self.clock() + self.link_lifetime)
        await self.kv.set(LINK + digest(token), grant.dump())
        return token

    async def link_state(self, token: str) -> str:
        """'valid', 'expired' or 'unknown' (never issued, or already used); changes nothing
        but forgetting an expired link."""
        grant = await self._grant(LINK, token)
        if grant is None:
            return "unknown"
        if grant.expires_at <= self.clock():
            await self.kv.delete(LINK + digest(token))
            return "expired"
        return "valid"

    async def exchange(self, token: str) -> tuple[str, str | None]:
        """Spend a link: ('valid', session token), or ('expired' | 'unknown', None)."""
        key = LINK + digest(token)
        grant = await self._grant(LINK, token)
        # The delete is the single-use guard: only one caller removes the row.
        if grant is None or not await self.kv.delete(key):
            return "unknown", None
        if grant.expires_at <= self.clock():
            return "expired", None
        session = secrets.token_urlsafe(TOKEN_BYTES)
        opened = Grant(grant.person_id, self.clock() + self.session_lifetime)
        await self.kv.set(SESSION + digest(session), opened.dump())
        return "valid", session

    async def session_person(self, session: str) -> int | None:
        """The person of a live session, or None (an expired session is forgotten)."""
        grant = await self._grant(SESSION, session)
        if grant is None:
            return None
        if grant.expires_at <= self.clock():
            await self.kv.delete(SESSION + digest(session))
            return None
        return grant.person_id

    async def prune(self) -> int:
        """Forget links and sessions written longer ago than either can live (a link nobody
        opened, a session nobody closed); how many."""
        cutoff = self.clock() - max(self.link_lifetime, self.session_lifetime)
        return await forget_older_than(NAMESPACE, cutoff)

    async def sign_out(self, session: str) -> None:
        """End a session."""
        if _plausible(session):
            await self.kv.delete(SESSION + digest(session))

    async def _grant(self, prefix: str, token: str) -> Grant | None:
        if not _plausible(token):
            return None
        value = await self.kv.get(prefix + digest(token))
        return Grant.load(value) if value is not None else None


def _plausible(token: str) -> bool:
    """A token as `secrets.token_urlsafe` makes them (anything else is not looked up)."""
    return 20 <= len(token) <= 100 and all(c.isalnum() or c in "-_" for c in token)
