"""OA access and refresh tokens, and where they are kept.

A refresh token can be used ONCE: whoever refreshes must save the new pair before using it,
and two refreshes must never race (the loser would use an already spent refresh token and lock
the OA out). A `TokenStore` serialises refreshes and re-reads the current pair under its lock,
so a caller holding a stale access token gets the pair another caller already obtained.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class TokenPair:
    """An access token (may be unknown yet), its refresh token, and when each expires.

    Times are epoch seconds; None is unknown (a configured token: its age is not known).
    """

    access_token: str | None
    refresh_token: str
    expires_at: float | None = None
    refresh_expires_at: float | None = None

    def to_json(self, seed: str) -> str:
        """Serialise with a fingerprint of the configured seed refresh token."""
        return json.dumps(
            {
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_at": self.expires_at,
                "refresh_expires_at": self.refresh_expires_at,
                "seed": fingerprint(seed),
            }
        )

    @staticmethod
    def from_json(text: str) -> tuple[TokenPair, str | None]:
        """The pair and the seed fingerprint it was derived from."""
        data: dict[str, Any] = json.loads(text)
        pair = TokenPair(
            access_token=data.get("access_token"),
            refresh_token=str(data["refresh_token"]),
            expires_at=data.get("expires_at"),
            refresh_expires_at=data.get("refresh_expires_at"),
        )
        return pair, data.get("seed")


def fingerprint(refresh_token: str) -> str:
    """A short hash of a refresh token, to notice a new one in the configuration."""
    return hashlib.sha256(refresh_token.encode()).hexdigest()[:16]


RefreshFn = Callable[[str], Awaitable[TokenPair]]


class TokenStore(Protocol):
    """Where the current pair lives; `refresh` is serialised across callers."""

    async def load(self) -> TokenPair:
        """The current pair (the configured seed the first time)."""

    async def refresh(self, stale_access_token: str | None, do_refresh: RefreshFn) -> TokenPair:
        """Refresh unless someone already replaced `stale_access_token`; save before returning."""


class MemoryTokenStore:
    """A store for one process without a database (tokens are lost on restart)."""

    def __init__(self, seed: TokenPair) -> None:
        self._pair = seed
        self._lock = asyncio.Lock()

    async def load(self) -> TokenPair:
        """The current pair."""
        return self._pair

    async def refresh(self, stale_access_token: str | None, do_refresh: RefreshFn) -> TokenPair:
        """Refresh once for all callers holding the same stale access token."""
        async with self._lock:
            if self._pair.access_token != stale_access_token:
                return self._pair
            self._pair = await do_refresh(self._pair.refresh_token)
            return self._pair
