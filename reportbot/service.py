"""The conversation service: the one handler every connector calls.

It reads each message once (`Inbound`: text normalised, command parsed against the router's
command table) and sends it down the pipeline described in `reportbot.routing`:
dedupe -> group refusal -> registration -> per-person lock -> router (routes, dialogs, engine).
No exception reaches a chat: anything unexpected is logged and the person gets a polite
sentence, with nothing half-stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from connectors.base import Incoming, Outgoing
from reportbot.conversation.i18n import say
from reportbot.conversation.inputs import prepare
from reportbot.conversation.session import PersonInfo
from reportbot.routing.engine_route import EngineRoute
from reportbot.routing.inbound import Inbound
from reportbot.routing.middlewares import Dedupe, GroupRefusal, PersonLock, Registration, chain
from reportbot.routing.router import Router
from reportbot.store.kv import KeyValueStore
from reportbot.store.queries.updates import mark_processed
from reportbot.store.repository import Repository
from reportbot.store.writer import GroupCommitter

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class ConversationService:
    """Turns incoming messages into committed steps and replies."""

    def __init__(
        self,
        tz: ZoneInfo,
        *,
        clock: Clock = system_clock,
        default_locale: str = "vi",
        repository: Repository | None = None,
        committer: GroupCommitter | None = None,
        router: Router | None = None,
    ) -> None:
        self.tz = tz
        self.clock = clock
        self.default_locale = default_locale
        self.repository = repository or Repository()
        self.committer = committer or GroupCommitter()
        self.router = router or Router()
        self.engine = EngineRoute(self.repository, self.committer, tz=tz, clock=clock)
        self.router.fallback(self.engine)
        self.router.record = self.mark_processed
        self.dedupe = Dedupe()
        self.locks = PersonLock()
        registration = Registration(self.repository, clock)
        registration.welcome = self._welcome
        self._pipeline = chain(
            [self.dedupe, GroupRefusal(self._claim_group), registration, self.locks],
            self.router,
        )

    async def start(self) -> None:
        """Load the recently processed update ids so redeliveries after a restart are dropped."""
        self.dedupe.remember_all(await self.repository.recent_updates(self.clock()))

    async def close(self) -> None:
        """Finish queued commits."""
        await self.committer.close()

    def read(self, message: Incoming) -> Inbound:
        """The message read once: normalised text, command, update key, locale."""
        parsed = prepare(message, self.router.table)
        update = (message.platform, message.update_id) if message.update_id else None
        return Inbound(message, parsed, update, self._locale_of(message))

    async def __call__(self, message: Incoming) -> Sequence[Outgoing]:
        """The connector handler: never raises; returns the replies after the commit."""
        inbound = self.read(message)
        try:
            replies = await self._pipeline(inbound)
        except Exception:
            log.exception("failed to handle a %s message", message.platform)
            return [Outgoing(say("internal_error", inbound.locale))]
        return replies

    def _locale_of(self, message: Incoming) -> str:
        code = (message.language_code or "").lower()
        return (
            "en" if code.startswith("en") and self.default_locale == "en" else self.default_locale
        )

    async def _welcome(self, message: Incoming, person: PersonInfo) -> list[Outgoing]:
        """A newly registered person's first step (the engine's /start), in their lock."""
        inbound = self.read(message)
        inbound.person = person
        async with self.locks.hold(person.id):
            return await self.engine(inbound)

    async def _claim_group(self, platform: str, key: str) -> bool:
        told = KeyValueStore(platform[:32], clock=self.clock)  # the namespace holds 32 chars
        return await told.claim_once(key[:64], "told")

    async def mark_processed(self, inbound: Inbound) -> None:
        """Record a handled update outside the engine (a route or dialog answered it)."""
        if inbound.update is not None:
            await mark_processed(inbound.update[0], inbound.update[1], self.clock())
