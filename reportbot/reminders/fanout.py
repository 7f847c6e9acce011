"""Delivering reminders through each person's connector, within its declared rate limits.

Each delivery is claimed in the database just before its first send (see `store.claim`), so a
row that another process claimed is never sent here. A connector that refuses a person for
good (`DeliveryError`) makes the next identity of that person be tried; when none is left the
reminder is 'undeliverable' and the digest lists the person. Any other exception (a 429, a
timeout, a dropped connection) is retried a few times with a pause (the server's `retry_after`
when it gives one, which also holds back every send through that connector); if it persists
the row is 'failed' and a later run tries again while the reminder is still useful.

A timeout is the one ambiguous case: the platform may have delivered a message whose
acknowledgement was lost. We retry it, as for a 429, accepting that rare duplicate rather
than losing a reminder. A process killed mid-send leaves its row 'sending' and never resends it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from connectors.base import (
    Address,
    Capabilities,
    Connector,
    DeliveryError,
    Outgoing,
    RecipientRefused,
)
from connectors.pacing import Pacer
from connectors.sending import DeliveryUncertain
from connectors.text_split import split_text
from reportbot.reminders import store
from reportbot.reminders.schedule import Due

log = logging.getLogger(__name__)

KeepGoing = Callable[[], Awaitable[bool]]


@dataclass
class Delivery:
    """One reminder to one person: the messages and the routes to try, in order."""

    due: Due
    messages: list[Outgoing]
    routes: list[tuple[Connector, Address]]


@dataclass
class FanOutReport:
    """What a fan-out did."""

    sent: int = 0
    failed: int = 0
    undeliverable: int = 0
    claimed_elsewhere: int = 0
    uncertain: int = 0  # sent, but the answer never came: left 'sending', never resent
    stopped: bool = False
    errors: list[str] = field(default_factory=list)


def retry_after(error: BaseException) -> float | None:
    """The wait a rate-limited platform asked for, if the exception carries one."""
    value = getattr(error, "retry_after", None)
    if isinstance(value, int | float) and value >= 0:
        return float(value)
    return None


def safe_error(error: BaseException) -> str:
    """A one-line, bounded description of a failure (no traceback)."""
    detail = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {detail}" if detail else type(error).__name__


def fit(messages: Sequence[Outgoing], capabilities: Capabilities) -> list[Outgoing]:
    """Split texts longer than the platform allows; choices stay on the last piece."""
    fitted: list[Outgoing] = []
    for message in messages:
        pieces = split_text(message.text, max(capabilities.max_text_length - 200, 200))
        for piece in pieces[:-1]:
            fitted.append(Outgoing(piece))
        fitted.append(Outgoing(pieces[-1], choices=message.choices))
    return fitted


class FanOut:
    """Sends deliveries concurrently, per connector, paced by its declared rate limits."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        concurrency: int = 16,
        tries: int = 3,
        backoff: float = 1.0,
        max_pause: float = 60.0,
        send_timeout: float = 30.0,
        max_attempts: int = 3,
    ) -> None:
        self.clock = clock
        self.concurrency = concurrency
        self.tries = tries
        self.backoff = backoff
        self.max_pause = max_pause
        self.send_timeout = send_timeout
        self.max_attempts = max_attempts
        self._pacers: dict[str, Pacer] = {}
        self._chat_pacers: dict[tuple[str, str], Pacer] = {}

    async def run(self, deliveries: Sequence[Delivery], keep_going: KeepGoing) -> FanOutReport:
        """Deliver everything, or stop early once `keep_going` says no (nothing is claimed
        after that; sends in flight finish)."""
        report = FanOutReport()
        queues: dict[str, deque[Delivery]] = defaultdict(deque)
        for delivery in deliveries:
            if delivery.routes:
                queues[delivery.routes[0][0].name].append(delivery)
        tasks = []
        for name, queue in queues.items():
            width = max(1, min(self.concurrency, len(queue)))
            for _ in range(width):
                tasks.append(asyncio.create_task(self._drain(queue, report, keep_going)))
            log.debug("fan-out: %d reminders through %s", len(queue), name)
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            if len(self._chat_pacers) > 10_000:  # an idle pacer holds nothing back: drop them
                self._chat_pacers.clear()
        return report

    async def _drain(
        self, queue: deque[Delivery], report: FanOutReport, keep_going: KeepGoing
    ) -> None:
        while queue:
            if not await keep_going():
                report.stopped = True
                return
            if not queue:
                return
            await self._deliver(queue.popleft(), report)

    def _pacer(self, connector: Connector) -> Pacer:
        pacer = self._pacers.get(connector.name)
        if pacer is None:
            rate = connector.capabilities.global_rate
            pacer = self._pacers[connector.name] = Pacer(rate.per_second if rate else None)
        return pacer

    async def _pace(self, connector: Connector, address: Address, count: int) -> None:
        chat_rate = connector.capabilities.per_chat_rate
        key = (connector.name, address.chat_id)
        chat = self._chat_pacers.get(key)
        if chat is None and chat_rate is not None:
            chat = self._chat_pacers[key] = Pacer(chat_rate.per_second)
        for _ in range(count):
            if chat is not None:
                await chat.acquire()
            await self._pacer(connector).acquire()

    async def _deliver(self, delivery: Delivery, report: FanOutReport) -> None:
        row_id: int | None = None
        attempt_number = delivery.due.retry.attempts + 1 if delivery.due.retry else 1
        refusals: list[str] = []
        transient: list[str] = []
        for connector, address in delivery.routes:
            messages = fit(delivery.messages, connector.capabilities)
            for attempt in range(self.tries):
                await self._pace(connector, address, len(messages))
                if row_id is None:
                    row_id = await store.claim(delivery.due, self.clock())
                    if row_id is None:
                        report.claimed_elsewhere += 1
                        return
                try:
                    await asyncio.wait_for(
                        connector.send(address, messages), timeout=self.send_timeout
                    )
                except RecipientRefused as error:  # blocked, not following: final
                    refusals.append(f"{connector.name}: {safe_error(error)}")
                    break
                except DeliveryError as error:
                    # Ours or the platform's trouble, not the person's (a queue stopped by a
                    # restart, a rate limit outlasting the queue's tries): the next run tries
                    # again, up to max_attempts, instead of marking the officer unreachable.
                    transient.append(f"{connector.name}: {safe_error(error)}")
                    break
                except DeliveryUncertain as error:  # it may have arrived: the row stays 'sending'
                    report.uncertain += 1
                    log.warning("reminder may have arrived, not resent: %s", safe_error(error))
                    return
                except Exception as error:  # a 429, a timeout, a network error: try again
                    transient.append(f"{connector.name}: {safe_error(error)}")
                    wait = retry_after(error)
                    if wait is not None:
                        self._pacer(connector).pause(min(wait, self.max_pause))
                    elif attempt + 1 < self.tries:
                        await asyncio.sleep(self.backoff * 2**attempt)
                    continue
                await store.mark_sent(row_id, self.clock())
                report.sent += 1
                return
        if row_id is not None:
            final = not transient or attempt_number >= self.max_attempts
            await self._not_delivered(delivery, row_id, refusals, transient, final, report)

    async def _not_delivered(
        self,
        delivery: Delivery,
        row_id: int,
        refusals: list[str],
        transient: list[str],
        final: bool,
        report: FanOutReport,
    ) -> None:
        """Record a reminder no route delivered: for good (`final`) or for the next run."""
        error = "; ".join([*refusals, *transient[-1:]])
        await store.mark_failed(row_id, error, final=final)
        report.errors.append(error)
        if final:
            report.undeliverable += 1
        else:
            report.failed += 1
        # A refusal (blocked bot, no such chat) is routine and listed in the digest; a failure
        # that kept coming back on retries is worth an operator's attention.
        log.log(
            logging.WARNING if transient else logging.INFO,
            "reminder %s %s %s to person %d not delivered: %s",
            delivery.due.slot.form_key,
            delivery.due.slot.period.key,
            delivery.due.slot.kind,
            delivery.due.recipient.person_id,
            error,
        )
