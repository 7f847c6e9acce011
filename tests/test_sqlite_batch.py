"""A group-writer transaction in one trip to SQLite's thread: committed whole or not at all."""

from __future__ import annotations

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
