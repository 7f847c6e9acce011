"""Periods, deadlines and reminders: the bot chases late units, politely and once per reminder.

`install(host)` registers the reminder run as a job of the bot's job runner (every minute, and
once at start so a bot that was down catches up; a run that found another process holding the
lease runs again once that lease can have run out); `reportbot.reminders.cli` adds
`reportbot periods` and `reportbot remind`.

Exactly once, in short: a reminder is a row of reminder_deliveries, unique per (person, form,
period, kind), INSERTed as 'sending' before the message leaves and marked 'sent' after. Only
the INSERT that wins sends, so two processes, two runs or a restart never send it twice. A
crash between the send and the mark leaves 'sending', which is never sent again: at most once.
The connector's verdict decides the rest: 'failed' (429, timeout) is claimed again by a later
run while the reminder is still useful, 'undeliverable' (refused for good) is listed in the
coordinator digest, 'skipped' marks a reminder that expired before it could go (a bot that
was down), so it never goes late.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportbot.config import Settings
    from reportbot.host import Host
    from reportbot.jobs import RunSoon
    from reportbot.reminders.schedule import Policy
    from reportbot.reminders.worker import ReminderWorker


def policy_from_settings(settings: Settings) -> Policy:
    """The default reminder policy with the configured delivery hours and days off."""
    from reportbot.reminders.days_off import days_off_from_env
    from reportbot.reminders.schedule import Policy

    return Policy(
        delivery_start=settings.delivery_start,
        delivery_end=settings.delivery_end,
        days_off=days_off_from_env(settings.env),
    )


log = logging.getLogger(__name__)
JOB_NAME = "reminders"


def install(host: Host) -> ReminderWorker:
    """Schedule the reminder run on the host's job runner (its clock, its connectors)."""
    from reportbot.reminders.worker import ReminderWorker

    worker = ReminderWorker(
        host.connectors,
        tz=host.settings.timezone,
        clock=host.clock,
        policy=policy_from_settings(host.settings),
    )
    host.jobs.add(JOB_NAME, worker.interval, reminder_run(worker))
    return worker


def reminder_run(worker: ReminderWorker) -> Callable[[], Awaitable[RunSoon | None]]:
    """The job that runs `worker` once (the job runner schedules it; nothing else does)."""
    from reportbot.jobs import RunSoon

    async def run() -> RunSoon | None:
        report = await worker.run_once()
        if report.sent or report.skipped or report.failed or report.undeliverable:
            log.info("reminders: %s", report)
        # Another process holds the lease: look again once it can have run out, so reminders
        # resume within seconds when that process was killed, not at the next minute's tick.
        return RunSoon(worker.busy_retry.total_seconds()) if report.lease_busy else None

    return run
