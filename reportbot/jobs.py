"""One job runner for every periodic task of the bot (sheet flush, reminders, token refresh).

APScheduler fires each job on its interval; a job never runs twice at once in one process
(``max_instances=1``) and missed runs are coalesced into one. Running once across several
processes is the job's own business: each job that must be unique takes its database lease
(``reportbot.store.lease``) inside its run. A run that found the lease held by another process
returns `RunSoon`: it runs again once that lease can have run out, not a whole interval later,
so a job whose holder was killed resumes elsewhere within seconds. Stopping pauses the
scheduler, lets runs in progress finish their sends for a bounded time, then shuts it down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from reportbot.store.database import out_of_reach

log = logging.getLogger(__name__)

JobFunction = Callable[[], Awaitable[object]]
STOP_GRACE_S = 15.0


@dataclass(frozen=True, slots=True)
class RunSoon:
    """What a run returns to run again after `seconds` rather than at its next tick."""

    seconds: float


@dataclass(frozen=True, slots=True)
class Job:
    """A periodic task: its name, how often it runs, and whether it runs once at start."""

    name: str
    interval_s: float
    run: JobFunction
    at_start: bool = True


class JobRunner:
    """Runs the registered jobs on an APScheduler AsyncIOScheduler."""

    name = "jobs"

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self._scheduler: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[object]] = set()
        self._busy: set[str] = set()  # jobs with a run in progress (tick or early run)

    def add(self, name: str, interval_s: float, run: JobFunction, *, at_start: bool = True) -> None:
        """Register a job; a second job of the same name is a programming error."""
        if name in self.jobs:
            raise ValueError(f"job {name!r} is already registered")
        if interval_s <= 0:
            raise ValueError(f"job {name!r}: the interval must be positive")
        self.jobs[name] = Job(name, interval_s, run, at_start)

    async def start(self) -> None:
        """Start firing the jobs (those with `at_start` at once, to catch up after a stop)."""
        # A run still busy when its next one is due is skipped (max_instances=1): that is the
        # point, not a problem, so APScheduler's warning about it is kept out of the log.
        logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
        scheduler = AsyncIOScheduler(timezone=UTC)
        now = datetime.now(UTC)
        for job in self.jobs.values():
            first = now if job.at_start else now + timedelta(seconds=job.interval_s)
            scheduler.add_job(
                self._guarded(job),
                IntervalTrigger(seconds=job.interval_s),
                id=job.name,
                name=job.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(job.interval_s)),
                next_run_time=first,
                replace_existing=True,
            )
        scheduler.start()
        self._scheduler = scheduler

    @property
    def firing(self) -> bool:
        """Whether the jobs still fire: started, and `stop` not begun."""
        return self._scheduler is not None

    async def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """Stop firing; give runs in progress `grace_s` seconds to finish, then cancel them."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is None:
            return
        # Pause first and let a run that was just submitted start: shutting the scheduler
        # down cancels what it still holds, and a run cancelled mid-send loses its record.
        scheduler.pause()
        await asyncio.sleep(0)
        running = [task for task in self._running if not task.done()]
        if running:
            _, late = await asyncio.wait(running, timeout=grace_s)
            for task in late:
                log.warning("job %s still busy at shutdown: cancelled", task.get_name())
                task.cancel()
            # Their cancellation (cleanup, a lease released) ends here, not while the
            # connectors stop and the service closes after this.
            await asyncio.gather(*late, return_exceptions=True)
        scheduler.shutdown(wait=False)

    def _guarded(self, job: Job) -> Callable[[], Awaitable[None]]:
        """The job as the scheduler runs it: tracked for stop, failures logged, never raised."""

        async def run() -> None:
            if job.name in self._busy:
                return  # the tick and an early run met: one run at a time
            self._busy.add(job.name)
            task = asyncio.current_task()
            if task is not None:
                task.set_name(job.name)
                self._running.add(task)
            try:
                outcome = await job.run()
                if isinstance(outcome, RunSoon):
                    self._run_soon(job, outcome.seconds)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if not out_of_reach(error):
                    log.exception("job %s failed; it runs again in %ss", job.name, job.interval_s)
                else:  # an outage, said by the probes and the webhooks too: no trace per run
                    log.warning(
                        "job %s: the database (or a platform) is out of reach (%s: %s); "
                        "it runs again in %ss",
                        job.name,
                        type(error).__name__,
                        " ".join(str(error).split())[:200],
                        job.interval_s,
                    )
            finally:
                self._busy.discard(job.name)
                if task is not None:
                    self._running.discard(task)

        return run

    def _run_soon(self, job: Job, seconds: float) -> None:
        """One extra run of `job` in `seconds` (none once stopping; replaces an earlier one)."""
        scheduler = self._scheduler
        if scheduler is None or seconds >= job.interval_s:
            return  # the next tick comes first anyway
        scheduler.add_job(
            self._guarded(job),
            DateTrigger(run_date=datetime.now(UTC) + timedelta(seconds=seconds)),
            id=f"{job.name}:soon",
            name=job.name,
            replace_existing=True,
            misfire_grace_time=max(1, int(job.interval_s)),
        )
