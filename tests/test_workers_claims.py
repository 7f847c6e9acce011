"""Inbox claims for worker processes (PostgreSQL): head of each person's queue, leases, and
the holder lock that keeps a live worker's claims (a worker without it counts as dead)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from connectors.base import Incoming
from reportbot.store import inbox, sql
from reportbot.store.writer import GroupCommitter
from reportbot.workers.session import WorkerSession

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
# Holder ids of workers that hold their lock, as the consumer's (inbox.LOCKING_HOLDER).
W1, W2, W3, W4 = (inbox.LOCKING_HOLDER + f"w{n}" for n in range(1, 5))
LEASE = timedelta(seconds=10)


async def _accept(user: str, update: str) -> None:
    message = Incoming("telegram", user, user, text=f"text {update}", update_id=update)
    writer = GroupCommitter()  # the production path: a web process's group writer
    try:
        assert await writer.accept(message, NOW) == "new"
    finally:
        await writer.close()


@contextlib.asynccontextmanager
async def _alive(database_url: str, holder: str) -> AsyncIterator[WorkerSession]:
    """`holder` is a live worker: it holds its lock on a session of its own meanwhile."""
    session = WorkerSession(database_url, holder, {})
    assert await session.open()
    try:
        yield session
    finally:
        await session.close()


def _ids(claimed: list[inbox.PendingUpdate]) -> list[str | None]:
    return [entry.message.update_id for entry in claimed]


async def test_only_the_head_of_each_persons_queue_is_claimed(pg: str) -> None:
    for user, update in (("a", "1"), ("a", "2"), ("b", "3"), ("a", "4")):
        await _accept(user, update)
    async with _alive(pg, W1):
        assert _ids(await inbox.claim(W1, NOW, LEASE, 10)) == ["1", "3"]
        assert await inbox.claim(W2, NOW, LEASE, 10) == []  # held; a's next waits for "1"
        await inbox.mark_done(("telegram", "1"), NOW)
        assert _ids(await inbox.claim(W2, NOW, LEASE, 10)) == ["2"]
        await inbox.mark_done(("telegram", "2"), NOW)
        assert _ids(await inbox.claim(W2, NOW, LEASE, 10)) == ["4"]


async def test_a_stuck_workers_claim_runs_out_a_renewed_one_does_not(pg: str) -> None:
    await _accept("a", "1")
    await _accept("b", "2")
    async with _alive(pg, W1):  # alive, so only the lease can free its claims
        assert _ids(await inbox.claim(W1, NOW, LEASE, 10)) == ["1", "2"]
        later = NOW + LEASE - timedelta(seconds=1)
        await inbox.renew_claims(W1, [1], later + LEASE)  # w1 still works on entry 1 only
        after = NOW + LEASE + timedelta(seconds=1)
        assert _ids(await inbox.claim(W2, after, LEASE, 10)) == ["2"]


async def test_a_claim_whose_holder_lost_its_lock_is_taken_at_once(pg: str) -> None:
    """Issue 17 (deadclaims): the lease still runs, but the holder's session is gone."""
    for user, update in (("a", "1"), ("b", "2")):
        await _accept(user, update)
    async with _alive(pg, W3):
        async with _alive(pg, W1):
            assert _ids(await inbox.claim(W1, NOW, LEASE, 1)) == ["1"]
            assert _ids(await inbox.claim(W3, NOW, LEASE, 1)) == ["2"]
            async with _alive(pg, W2):
                assert await inbox.claim(W2, NOW, LEASE, 10) == []  # both holders alive
        # w1's session is closed: w1 keeps its own claim even without its lock (it may still
        # be handling it), and w3's is not taken (w3 is alive)
        assert await inbox.claim(W1, NOW, LEASE, 10) == []
    async with _alive(pg, W2):
        assert _ids(await inbox.claim(W2, NOW, LEASE, 10)) == ["1", "2"]
        assert await inbox.claim(W4, NOW, LEASE, 10) == []  # now w2's, and w2 is alive


async def test_a_failed_update_set_aside_unblocks_the_person(pg: str) -> None:
    await _accept("a", "1")
    await _accept("a", "2")
    async with _alive(pg, W1):
        assert _ids(await inbox.claim(W1, NOW, LEASE, 10)) == ["1"]
        await inbox.give_up(("telegram", "1"), "boom")  # its sender was told to resend it
        assert _ids(await inbox.claim(W1, NOW, LEASE, 10)) == ["2"]


async def _waiting_on_a_lock() -> bool:
    rows = await sql.rows(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'",
        [],
    )
    return bool(rows[0][0])


async def test_two_overlapping_steps_of_one_pending_update_commit_it_once(pg: str) -> None:
    """Review of issue 17: both transactions read 'not done' while the update was pending
    (the lock took only 'done' rows, so none), and both committed its replies. The second
    must wait for the first and then see it done."""
    await _accept("a", "1")
    update = ("telegram", "1")
    read, commit = asyncio.Event(), asyncio.Event()

    async def step(first: bool) -> set[tuple[str, str]]:
        async with sql.transaction() as tx:  # each task on a pool connection of its own
            found = await inbox.handled_already(tx, [update])
            if first:
                read.set()
                await commit.wait()
                await sql.execute(inbox.MARK_DONE, inbox.mark_done_row(update, NOW), client=tx)
            return found

    first = asyncio.create_task(step(True))
    await read.wait()
    second = asyncio.create_task(step(False))
    deadline = asyncio.get_running_loop().time() + 10
    while not second.done() and not await _waiting_on_a_lock():
        assert asyncio.get_running_loop().time() < deadline, "the second step never ran"
        await asyncio.sleep(0.01)
    commit.set()
    assert await first == set()
    assert await second == {update}  # it waited, then read the first one's commit


async def test_an_old_release_workers_claim_waits_for_its_lease(pg: str) -> None:
    """A rolling upgrade: a worker of the release before holds no lock and its holder id has
    no LOCKING_HOLDER prefix. Its claim is not taken as a dead worker's, only after its lease
    (the update is likely still being handled there)."""
    await _accept("a", "1")
    assert _ids(await inbox.claim("host:ns:42:0ld", NOW, LEASE, 10)) == ["1"]  # no lock held
    async with _alive(pg, W2):
        assert await inbox.claim(W2, NOW, LEASE, 10) == []
        after = NOW + LEASE + timedelta(seconds=1)
        assert _ids(await inbox.claim(W2, after, LEASE, 10)) == ["1"]
