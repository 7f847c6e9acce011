"""A group-writer transaction in one trip to SQLite's thread: committed whole or not at all."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from reportbot.store import inbox, sql, sqlite_batch
from reportbot.store.models import InboxEntry

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


class _Suspend:
    """An awaitable that suspends once, as waiting on a future would."""

    def __await__(self) -> Any:
        yield None


def _done(update_id: str) -> list[object]:
    return inbox.mark_done_row(("console", update_id), NOW)


async def test_a_batch_runs_whole_in_the_database_thread(db: str) -> None:
    threads: list[threading.Thread] = []

    async def body(tx: Any) -> int:
        threads.append(threading.current_thread())
        await sql.execute_many(inbox.MARK_DONE, [_done("1"), _done("2")], client=tx)
        rows = await sql.rows("SELECT count(*) FROM inbox", client=tx)
        return int(rows[0][0])

    result = await sqlite_batch.run("default", body)
    if db.startswith("sqlite"):
        assert result == 2
        assert threads and threads[0] is not threading.main_thread()
        assert await InboxEntry.filter(status="done").count() == 2
    else:  # PostgreSQL: the writer uses an ordinary transaction
        assert result is sqlite_batch.UNSUPPORTED and not threads


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL: not used
@pytest.mark.parametrize("failure", ["constraint", "exception", "waits"])
async def test_a_batch_that_fails_leaves_nothing_behind(db: str, failure: str) -> None:

    async def body(tx: Any) -> None:
        await sql.execute_many(inbox.MARK_DONE, [_done("1")], client=tx)
        if failure == "constraint":  # the same primary key twice
            await sql.execute("INSERT INTO inbox (id, platform, update_id, user_id, chat_id, "
                              "payload, status, attempts, received_at) SELECT id, 'x', 'y', '', "
                              "'', '', 'done', 0, received_at FROM inbox", client=tx)  # fmt: skip
        elif failure == "exception":
            raise ValueError("a bug in the batch")
        else:  # a real wait: the event loop cannot be awaited from the database thread
            await _Suspend()

    expected = {"constraint": IntegrityError, "exception": ValueError, "waits": RuntimeError}
    with pytest.raises(expected[failure], match=None if failure != "waits" else "waited"):
        await sqlite_batch.run("default", body)
    assert await InboxEntry.all().count() == 0
    # The connection is usable again at once (no transaction left open, the lock released).
    await sqlite_batch.run(
        "default", lambda tx: sql.execute_many(inbox.MARK_DONE, [_done("3")], client=tx)
    )
    assert await InboxEntry.filter(update_id="3").count() == 1


async def test_the_writer_takes_the_lock_ahead_of_the_statements_waiting_for_it() -> None:
    lock = asyncio.Lock()
    order: list[str] = []

    async def plain(name: str) -> None:
        async with lock:
            order.append(name)

    async def first() -> None:
        await sqlite_batch.acquire_first(lock)
        try:
            order.append("writer")
        finally:
            lock.release()

    await lock.acquire()
    waiting = [asyncio.create_task(plain(f"read {n}")) for n in range(3)]
    await asyncio.sleep(0)  # the three reads are queued on the lock
    writer = asyncio.create_task(first())
    await asyncio.sleep(0)
    lock.release()
    await asyncio.wait_for(asyncio.gather(writer, *waiting), 5)
    assert order == ["writer", "read 0", "read 1", "read 2"]


async def test_a_free_lock_is_taken_at_once_and_a_cancelled_writer_wakes_the_next() -> None:
    lock = asyncio.Lock()
    await sqlite_batch.acquire_first(lock)
    assert lock.locked()
    reader = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0)
    writer = asyncio.create_task(sqlite_batch.acquire_first(lock))
    await asyncio.sleep(0)
    lock.release()  # wakes the writer (first in line) ...
    writer.cancel()  # ... which gives up before it runs: the reader gets the lock
    with contextlib.suppress(asyncio.CancelledError):
        await writer
    await asyncio.wait_for(reader, 5)
    assert lock.locked()
    lock.release()
