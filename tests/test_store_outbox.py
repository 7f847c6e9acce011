"""The outbox: one row per (topic, key), bumped by each change, deleted only if unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reportbot.store import outbox
from reportbot.store.outbox import SHEET_TOPIC

T0 = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


async def test_enqueue_coalesces_and_done_keeps_what_moved_on(db: str) -> None:
    await outbox.enqueue(SHEET_TOPIC, "7", T0)
    await outbox.enqueue(SHEET_TOPIC, "8", T0)
    await outbox.enqueue(SHEET_TOPIC, "7", T0 + timedelta(seconds=1))  # an edit: bumped
    await outbox.enqueue("other", "7", T0)
    waiting = await outbox.pending(SHEET_TOPIC, T0 + timedelta(seconds=5), limit=10)
    assert [(item.key, item.seq) for item in waiting] == [("7", 2), ("8", 1)]
    assert await outbox.backlog(SHEET_TOPIC) == 2 and await outbox.backlog("other") == 1
    assert await outbox.oldest(SHEET_TOPIC) == T0
    seven, eight = waiting
    await outbox.enqueue(SHEET_TOPIC, "8", T0 + timedelta(seconds=2))  # edited while writing
    await outbox.done([(seven.entry_id, seven.seq), (eight.entry_id, eight.seq)])
    left = await outbox.pending(SHEET_TOPIC, T0 + timedelta(seconds=5), limit=10)
    assert [(item.key, item.seq) for item in left] == [("8", 2)]


async def test_failed_entries_stay_with_their_error_and_attempts(db: str) -> None:
    await outbox.enqueue(SHEET_TOPIC, "1", T0)
    await outbox.enqueue(SHEET_TOPIC, "2", T0)
    one, two = await outbox.pending(SHEET_TOPIC, T0, limit=10)
    assert await outbox.last_error(SHEET_TOPIC) is None
    await outbox.failed([one.entry_id, two.entry_id], "quota")
    await outbox.failed([two.entry_id], "x" * 600)
    assert await outbox.last_error(SHEET_TOPIC) == ("x" * 500, 2)
    assert await outbox.backlog(SHEET_TOPIC) == 2
    await outbox.drop(two.entry_id)
    assert await outbox.last_error(SHEET_TOPIC) == ("quota", 1)


async def test_entries_not_yet_due_wait_and_limit_bounds_a_read(db: str) -> None:
    for n in range(5):
        await outbox.enqueue(SHEET_TOPIC, str(n), T0 + timedelta(minutes=n))
    due = await outbox.pending(SHEET_TOPIC, T0 + timedelta(minutes=2), limit=10)
    assert [item.key for item in due] == ["0", "1", "2"]
    assert [item.key for item in await outbox.pending(SHEET_TOPIC, T0, limit=10)] == ["0"]
    first_two = await outbox.pending(SHEET_TOPIC, T0 + timedelta(hours=1), limit=2)
    assert [item.key for item in first_two] == ["0", "1"]
