"""The worker role's loop: claim pending inbox rows, handle them, send their replies.

Web processes only store verified updates (`ConversationService.accept`). Each worker
process claims the oldest pending update of each person (`inbox.claim`: `FOR UPDATE SKIP
LOCKED`, head of the person's queue only, so a person's messages keep their platform order
across processes) for a short lease that a heartbeat renews while the update is in hand.
Each worker holds a PostgreSQL advisory lock for its life on a connection of its own
(`WorkerSession`): a worker killed with kill -9 loses it at once, and its updates are claimed
by the others at once; `LEASE` is the backstop for a worker that is alive but stuck.

Each claimed update goes through the conversation service exactly as in one process: its step
is committed by the group writer together with the inbox row's 'done' mark (so it is applied
once), and the replies are written with it (`store.replies`) when the platform confirms
deliveries. The replies are then sent through the platform's connector; replies a killed worker
could not send are sent again by the redelivery job.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from connectors.base import Address, Incoming, NotAccepted, Outgoing
from reportbot.store import inbox
from reportbot.store import replies as reply_rows
from reportbot.store.lease import holder_id
from reportbot.workers.session import WorkerSession

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=10)  # a stuck worker's updates come back within this
HEARTBEAT_S = 2.0  # renew the claims in hand (and check the holder lock) this often
IDLE_POLL_S = 1.0  # with nothing claimable, wait for a NOTIFY from a web process, or this long
CONFIRM_RETRY_S = 0.2  # a failed confirmation is tried again after this long
BATCH = 64  # claim at most this many updates at once (they are handled concurrently)

Handler = Callable[[Incoming], Awaitable[Sequence[Outgoing]]]
Deliver = Callable[[Address, list[Outgoing]], Awaitable[None]]


class InboxConsumer:
    """Claims and handles inbox updates until stopped (one per worker process)."""

    name = "inbox-consumer"

    def __init__(
        self,
        handler: Handler,
        deliver: Deliver,
        clock: Callable[[], datetime],
        *,
        concurrency: int = BATCH,
    ) -> None:
        self.handler = handler
        self.deliver = deliver
        self.clock = clock
        # The prefix tells other workers this holder holds its lock (inbox.CLAIM).
        self.holder = (inbox.LOCKING_HOLDER + holder_id())[:64]
        self.concurrency = concurrency
        self.handled = 0
        self._in_hand: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._beat: asyncio.Task[None] | None = None
        self._confirmer: asyncio.Task[None] | None = None
        self._receipts: list[str] = []
        self._delivered = asyncio.Event()  # receipts are waiting to be confirmed
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self.session: WorkerSession | None = None

    async def start(self, database_url: str | None = None) -> None:
        """Start claiming (and the heartbeat that keeps the claims).

        With `database_url` (PostgreSQL), the worker first takes its holder lock on a
        connection of its own (`WorkerSession`) and claims only while it holds it. On that
        connection it LISTENs for the web processes' NOTIFY after each accepted batch and
        claims at once; it polls every IDLE_POLL_S seconds otherwise (a notification may be
        missed). It also hears every worker's reply confirmations there, which release a step
        of this worker waiting on a reply another worker sent (`replies.wait_confirmed`).
        Without `database_url` (a lone consumer, in tests) no lock is held, and other workers
        would take its claims as a dead worker's.
        """
        if database_url is not None:
            self.session = WorkerSession(
                database_url,
                self.holder,
                {inbox.NOTIFY_CHANNEL: self._notified, reply_rows.NOTIFY_CHANNEL: _confirmed},
            )
            await self.session.open()  # if not locked yet, the heartbeat tries again
        self._loop = asyncio.create_task(self._run(), name="inbox-consumer")
        self._beat = asyncio.create_task(self._heartbeat(), name="inbox-consumer-heartbeat")
        self._confirmer = asyncio.create_task(self._confirmations(), name="inbox-confirm")

    def _notified(self, *_args: object) -> None:
        self._wake.set()

    async def stop(self, grace_s: float = 10.0, *, release: bool = True) -> None:
        """Stop claiming; let the updates in hand finish (bounded), then stop the heartbeat
        and give the holder lock up (kept until then: the updates in hand stay ours). With
        `release=False` the lock is kept until `release()`: the replies still in the send
        queues name this worker, and another would resend them once the lock is free."""
        self._stopping.set()
        self._wake.set()
        if self._loop is not None:
            await asyncio.wait([self._loop], timeout=grace_s)
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace_s)
        for task in (self._loop, self._beat, self._confirmer, *self._tasks):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if release:
            await self.release()
        else:
            await self._confirm()

    async def release(self) -> None:
        """Record the confirmations that came meanwhile, then give the holder lock up."""
        await self._confirm()
        if self.session is not None:
            await self.session.close()

    def writer(self) -> str | None:
        """The holder id to record on the replies this process writes (`replies.due`), only
        while the holder lock is held: a row naming an unlocked holder would be sent at once
        by another worker while this one sends it too."""
        session = self.session
        return self.holder if session is not None and session.locked else None

    def rate_share(self) -> float:
        """This worker's part of each platform's bot-wide rate: one over the live workers
        (counted on every heartbeat, `WorkerSession.live_workers`); all of it without a session."""
        return 1.0 / self.session.live_workers if self.session is not None else 1.0

    def lock_problem(self) -> str:
        """Why claims are stopped ("" while the holder lock is held, or none is needed)."""
        return self.session.problem if self.session is not None else ""

    def _may_claim(self) -> bool:
        """Claims are made only under the holder lock (when there is a session): without
        it, the other workers would take them at once as a dead worker's."""
        return self.session is None or self.session.locked

    async def _run(self) -> None:
        while not self._stopping.is_set():
            room = self.concurrency - len(self._tasks)
            claimed: list[inbox.PendingUpdate] = []
            if room > 0 and self._may_claim():
                try:
                    claimed = await inbox.claim(self.holder, self.clock(), LEASE, room)
                except Exception as error:  # the database is away: wait, then try again
                    log.warning("inbox: claim failed: %s", type(error).__name__)
                    await self._pause(1.0)
                    continue
            for entry in claimed:
                self._in_hand.add(entry.entry_id)
                task = asyncio.create_task(self._handle(entry), name=f"inbox-{entry.entry_id}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            if not claimed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), IDLE_POLL_S)
                self._wake.clear()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _handle(self, entry: inbox.PendingUpdate) -> None:
        """One update: the step (committed with its 'done' mark), then its replies."""
        message = entry.message
        try:
            replies = list(await self.handler(message))
        except NotAccepted:  # the database went away: the claim runs out, another try later
            self._in_hand.discard(entry.entry_id)
            return
        except Exception:  # the service never raises otherwise; keep the loop alive anyway
            log.exception("inbox: update %s failed", entry.entry_id)
            replies = []
        self._in_hand.discard(entry.entry_id)
        self.handled += 1
        # An update whose handling failed was set aside by the service (its sender was told
        # to send it again); if even that write failed, its claim runs out, and this worker
        # refuses it when it comes back (routing/set_aside.py) while writing the set-aside.
        if replies:
            await self._send(Address(message.platform, message.user_id, message.chat_id), replies)

    async def _send(self, address: Address, replies: list[Outgoing]) -> None:
        try:
            await self.deliver(address, replies)
        except Exception as error:  # kept with the step: the redelivery job tries again
            log.warning("inbox: replies to a %s chat not sent: %s", address.platform, error)
            return
        # Confirmed in batches (one statement for many steps): a worker killed before that
        # leaves them owed, and the redelivery job sends them once more (at least once).
        self._receipts.extend(r.receipt for r in replies if r.receipt)
        self._delivered.set()

    async def _confirm(self) -> None:
        receipts, self._receipts = self._receipts, []
        if not receipts:
            return
        try:
            await reply_rows.confirm(receipts)
        except Exception as error:  # kept: the next round tries again
            self._receipts.extend(receipts)
            log.warning("inbox: reply confirmation failed: %s", type(error).__name__)

    async def _confirmations(self) -> None:
        """Confirm delivered replies as soon as they are sent (issue 17).

        The person's next answer is held by the engine route until the reply it answers is
        confirmed (`replies.wait_confirmed`); a worker that handles that answer but did not
        send the reply only sees the confirmation by polling. Confirming on a timer made every
        answer wait for it: the receipts delivered while a confirmation is in flight are
        still confirmed together, in the next statement.
        """
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._delivered.wait(), CONFIRM_RETRY_S)
            self._delivered.clear()
            await self._confirm()

    async def _heartbeat(self) -> None:
        while not self._stopping.is_set():
            await self._pause(HEARTBEAT_S)
            # Renewed first: a check that times out (5 s) must not let the leases lapse. A check
            # that reconnects may take longer than the lease; the lock is lost then anyway.
            try:
                await inbox.renew_claims(self.holder, sorted(self._in_hand), self.clock() + LEASE)
            except Exception as error:  # next beat tries again; the lease leaves some room
                log.warning("inbox: claim renewal failed: %s", type(error).__name__)
            if self.session is not None and not self._stopping.is_set():
                had_lock = self.session.locked
                if await self.session.check() and not had_lock:
                    log.info("inbox: holder lock re-taken; claiming again")
                    self._wake.set()


def _confirmed(_connection: object, _pid: int, _channel: str, payload: str) -> None:
    """A worker confirmed these replies: release this process's steps waiting on them."""
    reply_rows.wake_notified(payload)
