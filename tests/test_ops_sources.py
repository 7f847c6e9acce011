"""Outbox backlog and sheet lag read from real outbox rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from reportbot.ops.metrics import Backlog
from reportbot.ops.sources import outbox_backlog, sheet_lag
from reportbot.store.models import OutboxEntry
from reportbot.store.writer import SHEET_TOPIC
from tests.conftest import FakeClock


async def test_backlog_and_lag_follow_the_outbox(db: str, clock: FakeClock) -> None:
    assert await outbox_backlog(clock)() == Backlog(0, 0.0)
    assert await sheet_lag(clock)() == 0.0

    now = clock()
    rows = [  # (topic, key, queued this long ago)
        ("notify", "n-1", timedelta(minutes=10)),
        (SHEET_TOPIC, "s-1", timedelta(minutes=2)),
        (SHEET_TOPIC, "s-2", timedelta(seconds=30)),
    ]
    for topic, key, ago in rows:
        await OutboxEntry.create(topic=topic, key=key, due_at=now, created_at=now - ago)

    assert await outbox_backlog(clock)() == Backlog(3, 600.0)  # the notice, 10 min old
    assert await sheet_lag(clock)() == 120.0  # the oldest sheet change, 2 min old

    await OutboxEntry.filter(key="s-1").delete()  # the mirror delivered it
    clock.advance(seconds=30)
    assert await sheet_lag(clock)() == 60.0
    assert await outbox_backlog(clock)() == Backlog(2, 630.0)
