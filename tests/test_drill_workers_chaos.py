"""Chaos on several workers (issue 17): one web and two worker processes on PostgreSQL while
officers file their reports; a worker is killed with kill -9 twice (and started again at once,
as a supervisor would). The database, counted by the drills' own counting against what each
officer had acknowledged, must have lost nothing and doubled nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from drills.world import count_outcome
from reportbot.store.models import Answer, InboxEntry
from tests.fakes.telegram import FakeTelegram
from tests.support import NQ57_SCRIPT
from tests.test_workers_processes import _file_reading
from tests.workers_harness import LINES, Cluster, seed_officers, wait_until

pytestmark = pytest.mark.drill

OFFICERS = 4
SCRIPT = {qid: (typed, value) for qid, typed, value in NQ57_SCRIPT}


async def _kill_twice(
    cluster: Cluster, total: int, filing: asyncio.Future[object]
) -> list[int | None]:
    """kill -9 worker-1 at a third and worker-2 at two thirds of the stream, each started
    again at once as a supervisor would, while the officers go on typing: a restart is not
    waited for before the next kill (a restart takes seconds, the whole stream not many more,
    so waiting let the second kill land after the last message)."""
    codes, restarts = [], []
    for victim, share in (("worker-1", 1 / 3), ("worker-2", 2 / 3)):
        mark = int(total * share)

        async def handled(mark: int = mark) -> bool:
            return await InboxEntry.filter(status="done").count() >= mark

        await wait_until(handled, f"{mark} updates handled", timeout=120)
        if filing.done():  # an officer failed (raised here), or the kill came too late
            filing.result()
            raise AssertionError(f"the officers had finished before {victim} was killed")
        cluster.kill(victim)
        codes.append(await cluster.processes[victim].wait())
        restarts.append(asyncio.create_task(cluster.start(victim, "worker")))
    await asyncio.gather(*restarts)
    return codes


async def test_two_kills_of_workers_lose_and_double_nothing(pg: str, tmp_path: Path) -> None:
    users = await seed_officers(OFFICERS)
    async with FakeTelegram() as telegram:
        cluster = Cluster(telegram, pg, tmp_path)
        try:
            await cluster.start_all({"web": "web", "worker-1": "worker", "worker-2": "worker"})
            sent: list[int] = []
            filing = asyncio.gather(*(_file_reading(telegram, cluster, u, sent) for u in users))
            codes = await _kill_twice(cluster, OFFICERS * len(LINES), filing)
            await filing
        finally:
            await cluster.stop()
    assert codes == [-9, -9]
    # every officer finished, so every answer of the script was acknowledged
    acked = {f"doan{n}": set(SCRIPT) for n in range(OFFICERS)}
    counted = await count_outcome(acked, SCRIPT)
    assert (counted.lost, counted.duplicated, counted.misplaced) == (0, 0, 0), counted.details
    assert counted.submitted == OFFICERS
    assert await InboxEntry.exclude(status="done").count() == 0
    # the counting can fail: an acknowledged answer removed is counted lost
    await Answer.filter(submission__unit__code="doan0", question_id="so_video_web").delete()
    assert (await count_outcome(acked, SCRIPT)).lost == 1
