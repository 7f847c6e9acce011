"""A worker's own session and its holder lock (issue 17, review findings 1, 3 and 7).

On real PostgreSQL: the session connects with the store's credentials (a tortoise pool
parameter in the URL is not sent to the server), says why when it cannot take the lock (and
/readyz's probe is then not ready), keeps its connection and lock when a check merely times
out, and lets the lock go when it is cancelled in the middle of opening.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from reportbot.ops.probes import holder_lock_probe
from reportbot.store import inbox, sql
from reportbot.workers import roles
from reportbot.workers import session as session_module
from reportbot.workers.session import WorkerSession
from tests.workers_harness import wait_until

POOL_PARAMETERS = "?minsize=1&maxsize=3"  # tortoise's, not PostgreSQL's


async def _holders_of(holder: str) -> list[int]:
    """The backends holding `holder`'s lock, seen from another session (the pool)."""
    rows = await sql.rows(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
        f"AND classid = {inbox.HOLDER_LOCK_CLASS} AND objid = hashtext(?)::oid "
        "AND objsubid = 2 AND database = (SELECT oid FROM pg_database "
        "WHERE datname = current_database())",  # not another test run's database's
        [holder],
    )
    return [int(pid) for (pid,) in rows]


async def test_a_url_with_pool_parameters_still_takes_the_lock(pg: str) -> None:
    """The raw URL's `?maxsize=` went to the server, which refused the connection: open()
    was False for ever and the worker never claimed."""
    session = WorkerSession(pg + POOL_PARAMETERS, "w1", {})
    try:
        assert await session.open(), session.problem
        assert session.locked and session.problem == ""
        assert len(await _holders_of("w1")) == 1
    finally:
        await session.close()
    async with roles.migration_lock(pg + POOL_PARAMETERS):  # the same for the migration lock
        pass


async def test_a_lock_that_cannot_be_taken_is_an_error_and_not_ready(
    pg: str, caplog: pytest.LogCaptureFixture
) -> None:
    first = WorkerSession(pg, "w1", {})
    second = WorkerSession(pg, "w1", {})  # the key is taken: an old session of this worker
    probe = holder_lock_probe(lambda: second.problem)
    try:
        assert await first.open()
        assert not await second.open()
        assert "held by another session" in second.problem
        assert any(r.levelname == "ERROR" and "claims nothing" in r.message for r in caplog.records)
        result = await probe()
        assert not result.ok and "held by another session" in result.detail
        await first.close()
        await wait_until(second.check, "the lock to be taken once it is free", timeout=10)
        result = await probe()
        assert result.ok and second.problem == ""
    finally:
        await first.close()
        await second.close()


async def test_a_check_that_times_out_keeps_the_connection_and_the_lock(
    pg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy server is not a lost lock: closing the connection would hand every claim in
    hand to the other workers. Claims stop until a check answers again."""
    session = WorkerSession(pg, "w1", {})
    try:
        assert await session.open()
        connection = session._connection
        [pid] = await _holders_of("w1")
        monkeypatch.setattr(session_module, "CHECK_TIMEOUT_S", 1e-9)  # no answer comes in time
        assert not await session.check()
        assert not session.locked and session.lost == 1  # no claims meanwhile
        assert session._connection is connection and not connection.is_closed()
        assert await _holders_of("w1") == [pid]  # the same backend still holds the lock
        monkeypatch.undo()
        assert await session.check()
        assert session.locked and session._connection is connection
        assert await _holders_of("w1") == [pid]
    finally:
        await session.close()
    assert await _holders_of("w1") == []


class _CancelWhenListening(dict[str, Any]):
    """Listeners whose reading cancels the task opening the session: the cancellation then
    lands right after the lock was taken (as stop() cancelling a heartbeat's open())."""

    def items(self) -> Any:
        task = asyncio.current_task()
        assert task is not None
        task.cancel()
        return super().items()


async def test_a_cancelled_open_lets_the_lock_go(pg: str) -> None:
    """Not left to garbage collection: the cancelled error (and through its traceback the
    connection) stays referenced here, as a consumer keeps its cancelled heartbeat task."""
    session = WorkerSession(pg, "w1", _CancelWhenListening(channel=lambda *_: None))
    opening = asyncio.create_task(session.open())
    with pytest.raises(asyncio.CancelledError) as cancelled:
        await opening
    assert not session.locked and session._connection is None

    async def freed() -> bool:
        return await _holders_of("w1") == []

    await wait_until(freed, "the lock of the cancelled open() to be released", timeout=10)
    assert cancelled.tb is not None  # still referenced while the lock was awaited


async def test_live_workers_are_counted_by_their_locks(pg: str) -> None:
    """Each worker paces itself to 1/live_workers of a platform's bot-wide rate: the count is
    the worker locks held. A newcomer is counted by the others at once (its NOTIFY), before
    their next check; a worker gone is no longer counted at the next check."""
    first = WorkerSession(pg, "w1", {})
    second = WorkerSession(pg, "w2", {})
    try:
        assert await first.open()
        assert first.live_workers == 1
        assert await second.open()
        assert second.live_workers == 2

        async def first_counts_two() -> bool:  # the NOTIFY, with no check in between
            return first.live_workers == 2

        await wait_until(first_counts_two, "the first worker to hear of the second", timeout=10)
        await second.close()
        assert await first.check()
        assert first.live_workers == 1
    finally:
        await first.close()
        await second.close()


async def test_a_transaction_lock_try_is_not_a_live_worker(pg: str) -> None:
    """`inbox.lock_free` takes a shared transaction-level lock on a dead worker's key while
    claiming: that is no worker, and must not halve anyone's rate."""
    session = WorkerSession(pg, "w1", {})
    try:
        assert await session.open()
        async with sql.transaction() as transaction:
            await sql.rows(f"SELECT {inbox.lock_free('?')}", ["dead"], client=transaction)
            assert await session.check()
            assert session.live_workers == 1
    finally:
        await session.close()
