"""The job runner: a run that found its lease held elsewhere asks to run again soon."""

from __future__ import annotations

import asyncio

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
