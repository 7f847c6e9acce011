"""The job runner: a run that found its lease held elsewhere asks to run again soon."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from reportbot.jobs import JobRunner, RunSoon


async def test_a_run_asking_to_run_soon_runs_again_long_before_its_tick() -> None:
    runs: list[int] = []
    second = asyncio.Event()

    async def leased() -> RunSoon | None:
        runs.append(len(runs))
        if len(runs) == 1:
            return RunSoon(0.05)  # "the lease is busy": look again soon
        second.set()
        return None

    jobs = JobRunner()
    jobs.add("leased", 3600, leased)  # the next tick is an hour away
    await jobs.start()
    try:
        await asyncio.wait_for(second.wait(), timeout=30)
    finally:
        await jobs.stop()
    assert runs == [0, 1]


async def test_a_run_that_asks_nothing_waits_for_its_tick() -> None:
    finished = asyncio.Event()

    async def plain() -> None:
        finished.set()

    jobs = JobRunner()
    jobs.add("plain", 3600, plain)
    await jobs.start()
    try:
        await asyncio.wait_for(finished.wait(), timeout=30)
        scheduled = [job.id for job in jobs._scheduler.get_jobs()]  # type: ignore[union-attr]
    finally:
        await jobs.stop()
    assert scheduled == ["plain"], "no early run was added"


async def test_a_tick_never_runs_beside_an_early_run_of_the_same_job() -> None:
    """The early run is a job of its own to APScheduler (its max_instances does not cover
    both): the runner's own guard keeps one run of a job at a time (two reminder runs or
    two redeliveries at once would send twice)."""
    active, most, runs = 0, 0, 0
    release = asyncio.Event()

    async def slow() -> RunSoon | None:
        nonlocal active, most, runs
        runs += 1
        if runs == 1:
            return RunSoon(0.01)  # the early run comes next, and blocks
        active += 1
        most = max(most, active)
        try:
            await release.wait()
        finally:
            active -= 1
        return None

    jobs = JobRunner()
    jobs.add("slow", 0.05, slow)  # ticks every 50 ms while the early run blocks
    await jobs.start()
    loop = asyncio.get_running_loop()
    try:
        deadline = loop.time() + 30
        while active == 0:
            assert loop.time() < deadline, "the early run never started"
            await asyncio.sleep(0.01)
        tick = jobs._scheduler.get_job("slow")  # type: ignore[union-attr]
        first = tick.next_run_time
        # three ticks fired (APScheduler moved the tick on) while the early run blocks
        while tick.next_run_time < first + timedelta(seconds=3 * 0.05):
            assert loop.time() < deadline, "the ticks never fired"
            await asyncio.sleep(0.01)
            tick = jobs._scheduler.get_job("slow")  # type: ignore[union-attr]
        release.set()
    finally:
        await jobs.stop()
    assert most == 1
