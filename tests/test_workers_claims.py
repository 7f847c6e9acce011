"""Inbox claims for worker processes (PostgreSQL): head of each person's queue, leases, and
the holder lock that keeps a live worker's claims (a worker without it counts as dead)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from connectors.base import Incoming
from reportbot.store import inbox
from reportbot.store.writer import GroupCommitter
from reportbot.workers.session import WorkerSession

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
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
    async with _alive(pg, "w1"):
        assert _ids(await inbox.claim("w1", NOW, LEASE, 10)) == ["1", "3"]
        assert await inbox.claim("w2", NOW, LEASE, 10) == []  # held; a's next waits for "1"
        await inbox.mark_done(("telegram", "1"), NOW)
        assert _ids(await inbox.claim("w2", NOW, LEASE, 10)) == ["2"]
        await inbox.mark_done(("telegram", "2"), NOW)
        assert _ids(await inbox.claim("w2", NOW, LEASE, 10)) == ["4"]


async def test_a_stuck_workers_claim_runs_out_a_renewed_one_does_not(pg: str) -> None:
    await _accept("a", "1")
    await _accept("b", "2")
    async with _alive(pg, "w1"):  # alive, so only the lease can free its claims
        assert _ids(await inbox.claim("w1", NOW, LEASE, 10)) == ["1", "2"]
        later = NOW + LEASE - timedelta(seconds=1)
        await inbox.renew_claims("w1", [1], later + LEASE)  # w1 still works on entry 1 only
        after = NOW + LEASE + timedelta(seconds=1)
        assert _ids(await inbox.claim("w2", after, LEASE, 10)) == ["2"]


async def test_a_claim_whose_holder_lost_its_lock_is_taken_at_once(pg: str) -> None:
    """Issue 17 (deadclaims): the lease still runs, but the holder's session is gone."""
    for user, update in (("a", "1"), ("b", "2")):
        await _accept(user, update)
    async with _alive(pg, "w1"), _alive(pg, "w3"):
        assert _ids(await inbox.claim("w1", NOW, LEASE, 1)) == ["1"]
        assert _ids(await inbox.claim("w3", NOW, LEASE, 1)) == ["2"]
        async with _alive(pg, "w2"):
            assert await inbox.claim("w2", NOW, LEASE, 10) == []  # both holders alive
        # w1 keeps its own claim even without its lock (it may still be handling it)
        assert await inbox.claim("w1", NOW, LEASE, 10) == []
    async with _alive(pg, "w2"):
        assert _ids(await inbox.claim("w2", NOW, LEASE, 10)) == ["1", "2"]
        assert await inbox.claim("w4", NOW, LEASE, 10) == []  # now w2's, and w2 is alive


async def test_a_failed_update_set_aside_unblocks_the_person(pg: str) -> None:
    await _accept("a", "1")
    await _accept("a", "2")
    async with _alive(pg, "w1"):
        assert _ids(await inbox.claim("w1", NOW, LEASE, 10)) == ["1"]
        for _ in range(inbox.MAX_ATTEMPTS):
            await inbox.mark_failed(("telegram", "1"), "boom")
        assert _ids(await inbox.claim("w1", NOW, LEASE, 10)) == ["2"]
