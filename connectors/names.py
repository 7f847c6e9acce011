"""An optional connector hook: a user's name asked of the platform when the bot needs it.

Some platforms (the Zalo OA) send messages without the sender's name. The application asks
for it only where a name is used: a stranger redeeming an invite code, so that the new
person is named as on the platform. Registered officers are never asked about again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)

NAME_WAIT = 5.0  # seconds a registration waits for a name before going on without one


@runtime_checkable
class NamesUsers(Protocol):
    """Optional: a connector that can ask its platform for a user's display name.

    `user_display_name(user_id)` returns the name, or None when the platform definitely does
    not tell it (no permission, an unknown user); a passing failure (network, rate limit)
    raises. The connector remembers what it may; the caller bounds the wait.
    """

    name: str

    async def user_display_name(self, user_id: str) -> str | None:
        """The user's name on the platform, or None when the platform does not tell it."""
        ...


def names_from(
    connectors: Callable[[], Iterable[object]], wait: float = NAME_WAIT
) -> Callable[[str, str], Awaitable[str | None]]:
    """(platform, user id) -> the name its connector tells within `wait` seconds, else None:
    a name is a courtesy, never worth failing or holding up a registration for."""

    async def name_of(platform: str, user_id: str) -> str | None:
        for connector in connectors():
            if getattr(connector, "name", None) == platform and isinstance(connector, NamesUsers):
                try:
                    return await asyncio.wait_for(connector.user_display_name(user_id), wait)
                except Exception as exc:  # a courtesy: registered without the name
                    log.warning("%s: no name for a new person (%s)", platform, type(exc).__name__)
                    return None
        return None

    return name_of
