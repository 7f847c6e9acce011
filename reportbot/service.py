"""The conversation service: the one handler every connector calls.

It reads each message once (`Inbound`: text normalised, command parsed against the router's
command table) and sends it down the pipeline described in `reportbot.routing`:
inbox -> group refusal -> registration -> per-person lock -> router (routes, dialogs, engine).
No exception reaches a chat: anything unexpected is logged and the person gets a polite
sentence, with nothing half-stored. An update that cannot be stored at all raises
`NotAccepted`, so that the connector does not acknowledge it and the platform sends it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from connectors.base import (
    Address,
    Incoming,
    NotAccepted,
    Outgoing,
    RecipientRefused,
    with_arrival,
)
from reportbot.conversation.i18n import say
from reportbot.conversation.inputs import prepare
from reportbot.conversation.session import PersonInfo
from reportbot.registration import spoken_language
from reportbot.routing.engine_route import EngineRoute
from reportbot.routing.inbound import Inbound
from reportbot.routing.middlewares import (
    GroupRefusal,
    Inbox,
    Middleware,
    PersonLock,
    Registration,
    chain,
)
from reportbot.routing.router import Router
from reportbot.routing.set_aside import SetAside
from reportbot.store import inbox
from reportbot.store import replies as reply_rows
from reportbot.store.kv import KeyValueStore
from reportbot.store.repository import Repository
from reportbot.store.writer import GroupCommitter

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Deliver = Callable[[Address, list[Outgoing]], Awaitable[None]]
Settle = Callable[[Incoming, list[Outgoing]], None]
"""What a connector does to a recovered update once it was handled (Telegram: remove the
keyboard of a recovered button press, so it cannot be pressed again)."""


@dataclass(frozen=True, slots=True)
class Redelivered:
    """What one run of the reply redelivery sent: steps' replies sent again (no connector
    confirmed them) and notices to third people (sent through the same queue, first time)."""

    replies: int = 0
    notices: int = 0

    def counted(self, notice: bool) -> Redelivered:
        """One more sent, of the kind `notice` says."""
        if notice:
            return Redelivered(self.replies, self.notices + 1)
        return Redelivered(self.replies + 1, self.notices)


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
        keeps_replies: Callable[[str], bool] = lambda _platform: False,
        reply_writer: Callable[[], str | None] = lambda: None,
        processing_limit: int | None = None,
    ) -> None:
        self.tz = tz
        self.clock = clock
        self.default_locale = default_locale
        self.repository = repository or Repository()
        self.committer = committer or GroupCommitter()
        self.router = router or Router()
        self.engine = EngineRoute(
            self.repository,
            self.committer,
            tz=tz,
            clock=clock,
            keeps_replies=keeps_replies,
            writer=reply_writer,
        )
        self.router.fallback(self.engine)
        self.inbox = Inbox(clock, self.committer.accept, self._mark_done)
        self.locks = PersonLock()
        self.registration = registration = Registration(self.repository, clock)
        registration.welcome = self._welcome
        self._outer = [self.inbox, GroupRefusal(self._claim_group), registration, self.locks]
        self._pipeline = chain(self._outer, self.router)
        # How many acknowledged updates (stored by `accept`, their webhook answered) are
        # handled at once (None: no bound). Their handling runs on the event loop that also
        # reads the webhooks' requests and resumes them after their accept commits; with a
        # hundred handled at once, one turn of the loop runs a hundred slices of work and each
        # webhook answer waits several such turns. An update whose webhook waits for the
        # handling itself (Telegram's) is not held back: holding it would only delay its answer.
        self._processing = asyncio.Semaphore(processing_limit) if processing_limit else None
        self.set_aside = SetAside()
        # Closed from before the connectors start until `recover` has handled what the last
        # run left: an answer acknowledged before a crash is handled before one sent during
        # the downtime (Telegram delivers those at once, and both may answer one question).
        self._caught_up = asyncio.Event()
        self._caught_up.set()

    def use(self, middleware: Middleware) -> None:
        """Add a feature's step after the person's lock, before the router (the media gate)."""
        self._outer.append(middleware)
        self._pipeline = chain(self._outer, self.router)

    async def start(self) -> None:
        """Load the recently processed update ids so redeliveries after a restart are dropped;
        open the repository's read connection."""
        self.inbox.remember_all(await self.repository.recent_updates(self.clock()))
        await self.repository.start()

    async def close(self) -> None:
        """Finish queued commits, then close the repository's read connection."""
        try:
            await self.committer.close()
        finally:
            await self.repository.close()

    def read(self, message: Incoming) -> Inbound:
        """The message read once: normalised text, command, update key, locale."""
        parsed = prepare(message, self.router.table)
        update = (message.platform, message.update_id) if message.update_id else None
        return Inbound(message, parsed, update, self._locale_of(message))

    @contextlib.asynccontextmanager
    async def recovery_hold(self) -> AsyncIterator[None]:
        """Hold the handling (not the storing) of new updates for the block, in which the
        connectors start and `recover` runs last.

        The one place that lets them through: when the block ends, however it ends (a start
        or a recovery that failed must not leave updates waiting for good).
        """
        self._caught_up.clear()
        try:
            yield
        finally:
            self._caught_up.set()

    async def __call__(self, message: Incoming) -> Sequence[Outgoing]:
        """The connector handler: never raises; returns the replies after the commit."""
        if message.arrived_at is None:  # before any wait: how long it waited is measured
            message = with_arrival(message, self.clock())
        if not self._caught_up.is_set():
            await self._caught_up.wait()
        replies, _handled = await self._handle(message)
        return replies

    async def _handle(self, message: Incoming) -> tuple[Sequence[Outgoing], bool]:
        """The replies, and whether the message was handled (False: it failed, and the
        replies are the apology)."""
        inbound = self.read(message)
        if self.set_aside.holds(inbound.update):  # failed here, its sender told: never again
            await self.set_aside.write_again()
            return [], True
        try:
            if self._processing is None or not self._acknowledged(inbound):
                return await self._pipeline(inbound), True
            async with self._processing:
                return await self._pipeline(inbound), True
        except inbox.InboxUnavailable as error:
            log.warning("%s update %s not stored: %s", message.platform, message.update_id, error)
            raise NotAccepted(str(error)) from error
        except inbox.AlreadyHandled:  # another worker committed it first: its replies went
            return [], True
        except Exception as error:
            log.exception("failed to handle a %s message", message.platform)
            if inbound.update is not None:  # the apology tells them to send it again
                await self.set_aside.give_up(inbound.update, type(error).__name__)
            return [Outgoing(say("internal_error", inbound.locale))], False

    def _acknowledged(self, inbound: Inbound) -> bool:
        """Whether this update was stored (and its webhook answered) before its handling."""
        return inbound.update is not None and self.inbox.is_stored(inbound.update)

    async def accept(self, message: Incoming) -> None:
        """Store an update without handling it yet (the connector hands it over afterwards).

        Raises NotAccepted when the database cannot take it, so that nothing is acknowledged.
        """
        if not message.update_id:
            return
        update = (message.platform, message.update_id)
        if self.inbox.is_stored(update):
            return  # stored a moment ago (the web role's handler stores what was accepted)
        try:
            # In the group writer's next transaction, with the steps and other accepts.
            status = await self.committer.accept(message, self.clock())
        except inbox.InboxUnavailable as error:
            log.warning("%s update %s not stored: %s", message.platform, message.update_id, error)
            raise NotAccepted(str(error)) from error
        if status in ("new", inbox.PENDING):
            self.inbox.stored(update)

    async def delivered(self, receipt: str) -> None:
        """A connector's word that the platform has a step's replies: stop keeping them.

        Written with the next batch of the group writer (a confirmation lost in a crash only
        means the replies are sent once more)."""
        await self.committer.execute(reply_rows.CONFIRM, [[receipt]])
        reply_rows.wake([receipt])
        self.engine.confirmed(receipt)

    async def _mark_done(self, update: tuple[str, str], now: datetime) -> None:
        """Mark an update answered outside the engine's step handled (group writer)."""
        await self.committer.execute(inbox.MARK_DONE, [inbox.mark_done_row(update, now)])

    async def redeliver(self, deliver: Deliver) -> Redelivered:
        """Send again the replies no connector confirmed in time (or whose writer died), and
        the notices queued for people who did not write (a colleague's change); say how many
        of each were sent."""
        now = self.clock()
        sent = Redelivered()
        for owed in await reply_rows.due(now, me=self.engine.writer()):
            try:
                await deliver(owed.address, [replace(m, receipt=None) for m in owed.messages])
            except Exception as error:
                # The person blocked the bot or left the OA: retrying before they act only
                # spends the platform's quota. Other failures (a rate limit outlasting the
                # queue's tries) keep their retries.
                final = isinstance(error, RecipientRefused)
                if final or owed.attempts + 1 >= reply_rows.MAX_ATTEMPTS:
                    log.warning(
                        "replies to %s dropped after %d attempts: %s",
                        owed.address.platform,
                        owed.attempts + 1,
                        error,
                    )
                    await reply_rows.drop(owed.entry_id)
                else:
                    await reply_rows.reschedule(owed.entry_id, now, owed.attempts, str(error))
                continue
            await reply_rows.confirm([owed.receipt])
            self.engine.confirmed(owed.receipt)
            sent = sent.counted(reply_rows.is_notice(owed.receipt))
        return sent

    async def recover(self, deliver: Deliver, settle: Settle | None = None) -> int:
        """Handle the updates a crash left in the inbox, in arrival order; return how many.

        Their replies go out through `deliver` (the connector's send), since the connector
        that received them is gone; `settle` then tells the connector each was handled. Run
        inside `recovery_hold` when new updates may arrive meanwhile (they wait for it). A
        recovery that fails is logged and raised; what it did not handle stays pending.
        """
        try:
            return await self._recover(deliver, settle)
        except Exception:
            log.exception("recovery of the updates left in the inbox failed")
            raise

    async def _recover(self, deliver: Deliver, settle: Settle | None) -> int:
        handled = 0
        for entry in await inbox.pending_entries():
            message = entry.message
            try:
                replies, ok = await self._handle(message)
            except NotAccepted:
                break  # the database went away again: the next start tries the rest
            handled += 1
            if settle is not None and ok:  # a failed press keeps its keyboard, as when live
                settle(message, list(replies))
            if replies:
                address = Address(message.platform, message.user_id, message.chat_id)
                try:
                    await deliver(address, list(replies))
                except Exception as error:  # kept: the redelivery job tries again
                    log.warning("could not send the replies of a recovered update: %s", error)
                    continue
                receipts = [r.receipt for r in replies if r.receipt]
                if receipts:
                    await reply_rows.confirm(receipts)
                    for receipt in receipts:
                        self.engine.confirmed(receipt)
        return handled

    def _locale_of(self, message: Incoming) -> str:
        # The chat app's language when the bot speaks it (an English Telegram gets English,
        # like its command menu), else the deployment's default.
        return spoken_language(message.language_code) or self.default_locale

    async def _welcome(self, message: Incoming, person: PersonInfo) -> list[Outgoing]:
        """A newly registered person's first step (the engine's /start), in their lock."""
        inbound = self.read(message)
        inbound.person = person
        async with self.locks.hold(person.id):
            return await self.engine(inbound)

    async def _claim_group(self, platform: str, key: str) -> bool:
        told = KeyValueStore(platform[:32], clock=self.clock)  # the namespace holds 32 chars
        return await told.claim_once(key[:64], "told")
