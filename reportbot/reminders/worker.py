"""The reminder run: the bot's job runner ticks, the database decides.

The job runner (`reportbot.jobs`, APScheduler) runs `run_once` every minute (and once at start,
so a bot that was down catches up at once; `reminders.reminder_run`) with an in-memory trigger;
nothing about schedules is stored by APScheduler. Each run works out from the templates alone
whether any reminder slot is in view; if so it takes the database lease (one process at a time
on a shared database), reads who is due with set-based queries, records expired reminders as
skipped, sends the due officer reminders, and then the coordinator digests (so a digest counts
the failures of the reminders sent just before it). The database holds the truth of what was
sent; a run that is interrupted or duplicated does nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from connectors.base import Connector
from reportbot.forms.schema import FormTemplate
from reportbot.reminders import store
from reportbot.reminders.compose import MessageComposer
from reportbot.reminders.fanout import FanOut, FanOutReport
from reportbot.reminders.schedule import (
    ACTIVE,
    COORDINATORS,
    EXPIRED,
    OFFICERS,
    DeliveryRow,
    Due,
    Plan,
    Policy,
    Recipient,
    Slot,
    is_deliverable,
    plan,
    slots_in_view,
)
from reportbot.store import forms as form_store
from reportbot.store.lease import HEARTBEAT, LEASE_TTL, Lease, holder_id
from reportbot.store.queries import reminders as queries

log = logging.getLogger(__name__)

LEASE_NAME = "reminders"
CHUNK = 500  # officer reminders prepared at a time


@dataclass
class RunReport:
    """What one run did."""

    at: datetime
    idle: bool = False  # no reminder in view: the database was not touched
    lease_busy: bool = False  # another process holds the lease
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    undeliverable: int = 0
    unreachable: int = 0  # due, but no identity on a connector of this process
    claimed_elsewhere: int = 0
    stopped: bool = False

    def add(self, fanout: FanOutReport) -> None:
        """Count a fan-out's outcome."""
        self.sent += fanout.sent
        self.failed += fanout.failed
        self.undeliverable += fanout.undeliverable
        self.claimed_elsewhere += fanout.claimed_elsewhere
        self.stopped = self.stopped or fanout.stopped


@dataclass
class Collected:
    """Everything a run read: the plan and the data behind it."""

    plan: Plan
    audiences: dict[tuple[str, str, str], list[Recipient]] = field(default_factory=dict)
    deliveries: dict[tuple[str, str], dict[tuple[int, str], DeliveryRow]] = field(
        default_factory=dict
    )


class ReminderWorker(MessageComposer):
    """Sends reminders and digests through the application's connectors."""

    name = "reminders"

    def __init__(
        self,
        connectors: Callable[[], Sequence[Connector]],
        *,
        tz: ZoneInfo,
        clock: Callable[[], datetime],
        policy: Policy | None = None,
        holder: str | None = None,
        interval: float = 60.0,
        lease_ttl: timedelta = LEASE_TTL,
        fanout: FanOut | None = None,
    ) -> None:
        self.connectors = connectors
        self.tz = tz
        self.clock = clock
        self.policy = policy or Policy()
        self.interval = interval
        # A run that found the lease busy looks again once the holder's lease can have run
        # out, not a whole interval later: reminders resume within seconds of a crash.
        self.busy_retry = lease_ttl + timedelta(seconds=1)
        # Short, heartbeat-renewed lease: reminders resume elsewhere within seconds of a crash.
        self.lease = Lease(
            LEASE_NAME,
            holder or holder_id(),
            ttl=lease_ttl,
            clock=clock,
            heartbeat=HEARTBEAT if lease_ttl >= 2 * HEARTBEAT else None,
        )
        self.fanout = fanout or FanOut(clock, max_attempts=self.policy.max_attempts)
        self.last_report: RunReport | None = None
        self.only_person: int | None = None  # a console chat: nobody else (console_guard.py)
        self._templates: dict[int, FormTemplate] = {}
        self._published: dict[str, datetime] = {}  # form key -> first publication (owed.py)
        self._settled: set[tuple[str, str, str]] = set()

    # -- one run -------------------------------------------------------------------------

    async def run_once(self) -> RunReport:
        """Do everything that is due now; safe to call from several processes at once."""
        now = self.clock()
        report = RunReport(now)
        templates = await self.templates()
        published = await self.publications(templates)
        in_view = slots_in_view(templates.values(), now, self.policy, self.tz, published)
        slots = self._pending(in_view, now)
        if not slots:
            report.idle = True
            return self._done(report)
        if not await self.lease.acquire():
            report.lease_busy = True
            return self._done(report)
        try:
            await self._run(templates, slots, now, report)
        finally:
            await self.lease.release()
        # An expired slot never becomes useful again: once its skips are recorded, later
        # runs need not read anything for it.
        self._settled.update(_key(s) for s in slots if s.state(now) == EXPIRED)
        return self._done(report)

    def _pending(self, slots: Sequence[Slot], now: datetime) -> list[Slot]:
        """The slots a run must read: sendable now, or expired with skips still to record."""
        sendable = is_deliverable(now, self.policy, self.tz)
        return [
            slot
            for slot in slots
            if (slot.state(now) == ACTIVE and sendable)
            or (slot.state(now) == EXPIRED and _key(slot) not in self._settled)
        ]

    def _done(self, report: RunReport) -> RunReport:
        self.last_report = report
        return report

    async def templates(self) -> dict[str, FormTemplate]:
        """The latest active template of every form (parsed once per stored version)."""
        latest: dict[str, FormTemplate] = {}
        for record_id, key in await queries.active_template_ids():
            if key in latest:
                continue
            template = self._templates.get(record_id)
            if template is None:
                template = await form_store.template_by_record(record_id)
                self._templates[record_id] = template
            latest[key] = template
        return latest

    async def publications(self, templates: dict[str, FormTemplate]) -> dict[str, datetime]:
        """Each form's first publication: which periods are owed. Read once per form, since a
        form's first publication never changes once it exists."""
        unknown = [key for key in templates if key not in self._published]
        if unknown:
            self._published.update(await form_store.first_publications(unknown))
        return self._published

    async def collect(
        self, templates: dict[str, FormTemplate], slots: Sequence[Slot], now: datetime
    ) -> Collected:
        """Read who each slot in view is for and what was claimed; plan the run."""
        collected = Collected(Plan())
        groups: dict[tuple[str, str], list[Slot]] = defaultdict(list)
        for slot in slots:
            groups[(slot.form_key, slot.period.key)].append(slot)
        chiefs: list[Recipient] | None = None
        for (form_key, period_key), group in groups.items():
            template = templates[form_key]
            audiences = {slot.audience for slot in group}
            if OFFICERS in audiences:
                collected.audiences[(form_key, period_key, OFFICERS)] = self._only(
                    await store.outstanding_officers(template, period_key)
                )
            if COORDINATORS in audiences:
                if chiefs is None:
                    chiefs = await store.coordinators()
                concerned = await store.concerned(chiefs, template)
                collected.audiences[(form_key, period_key, COORDINATORS)] = self._only(concerned)
            collected.deliveries[(form_key, period_key)] = await store.deliveries(
                form_key, period_key
            )
        collected.plan = plan(
            slots, collected.audiences, collected.deliveries, now, self.policy, self.tz
        )
        return collected

    def _only(self, recipients: list[Recipient]) -> list[Recipient]:
        """Everyone, or only the person of a console chat (nobody else's rows are touched)."""
        if self.only_person is None:
            return recipients
        return [r for r in recipients if r.person_id == self.only_person]

    async def _run(
        self,
        templates: dict[str, FormTemplate],
        slots: Sequence[Slot],
        now: datetime,
        report: RunReport,
    ) -> None:
        collected = await self.collect(templates, slots, now)
        await store.record_skipped(collected.plan.skip, now)
        report.skipped = len(collected.plan.skip)
        connectors = {connector.name: connector for connector in self.connectors()}
        officers = [d for d in collected.plan.send if d.slot.audience == OFFICERS]
        chiefs = [d for d in collected.plan.send if d.slot.audience == COORDINATORS]
        await self._send_in_chunks(officers, templates, connectors, report)
        if chiefs and not report.stopped:
            deliveries = await self.digest_deliveries(chiefs, templates, connectors)
            report.unreachable += len(chiefs) - len(deliveries)
            report.add(await self.fanout.run(deliveries, self._keep_going))

    async def _send_in_chunks(
        self,
        dues: Sequence[Due],
        templates: dict[str, FormTemplate],
        connectors: dict[str, Connector],
        report: RunReport,
    ) -> None:
        """Send officer reminders a chunk at a time, preparing the next chunk meanwhile, so
        the first message leaves at once however many are due."""
        chunks = [dues[i : i + CHUNK] for i in range(0, len(dues), CHUNK)]
        if not chunks:
            return
        upcoming = asyncio.ensure_future(self.officer_deliveries(chunks[0], templates, connectors))
        try:
            for index, chunk in enumerate(chunks):
                deliveries = await upcoming
                if index + 1 < len(chunks):
                    upcoming = asyncio.ensure_future(
                        self.officer_deliveries(chunks[index + 1], templates, connectors)
                    )
                report.unreachable += len(chunk) - len(deliveries)
                report.add(await self.fanout.run(deliveries, self._keep_going))
                if report.stopped:
                    return
        finally:
            if not upcoming.done():
                upcoming.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await upcoming

    async def _keep_going(self) -> bool:
        if not is_deliverable(self.clock(), self.policy, self.tz):
            return False
        return await self.lease.keep()


def _key(slot: Slot) -> tuple[str, str, str]:
    return (slot.form_key, slot.period.key, slot.kind)
