"""Reminders resume within 15 s when the process holding their lease died mid-run."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

from reportbot.jobs import JobRunner
from reportbot.reminders import JOB_NAME, reminder_run
from reportbot.reminders.worker import LEASE_NAME
from reportbot.store.lease import LEASE_TTL, Lease
from tests.support import load_shipped_forms
from tests.test_reminders_support import RecordingConnector, commune, local, worker_for

RECOVERY_S = 15.0  # issue 12: a crashed holder's jobs resume within 15 s


class RunningClock:
    """A reminder day's morning whose seconds pass as real ones (leases expire on it)."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.t0 = time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.t0)


async def test_reminders_resume_soon_after_the_lease_holder_died(db: str) -> None:
    await load_shipped_forms()
    people = await commune(5)
    clock = RunningClock(local(2026, 6, 17, 8, 0))
    # Another process took the lease and died without releasing it (no heartbeat, no release).
    dead = Lease(LEASE_NAME, "dead-process", ttl=LEASE_TTL, clock=clock)
    assert await dead.acquire()
    died_at = time.monotonic()
    connector = RecordingConnector("fake", clock)
    worker = worker_for([connector], clock, holder="alive", interval=600.0)
    jobs = JobRunner()  # as the bot schedules it: once at start, then every 10 minutes
    jobs.add(JOB_NAME, worker.interval, reminder_run(worker))
    await jobs.start()
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + RECOVERY_S
        while len(connector.delivered) < len(people):
            assert loop.time() < deadline, "reminders did not resume within 15 s"
            await asyncio.sleep(0.05)
        assert time.monotonic() - died_at <= RECOVERY_S
        # The first run found the lease busy; with a 10-minute interval only the retry that
        # follows a busy lease can have sent these.
        deadline = loop.time() + 30
        while worker.last_report is None or worker.last_report.lease_busy:
            assert loop.time() < deadline, "the retried run did not finish"
            await asyncio.sleep(0.05)
        assert worker.last_report.sent == len(people)
        assert sorted(d.user_id for d in connector.delivered) == sorted(
            f"u-p{n:03d}" for n in range(5)
        )
    finally:
        await jobs.stop()
