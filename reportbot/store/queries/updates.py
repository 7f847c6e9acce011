"""Processed platform updates: recorded once, remembered for redeliveries, pruned when old."""

from __future__ import annotations

from datetime import datetime, timedelta

from reportbot.store import sql
from reportbot.store.models import ProcessedUpdate

MARK = (
    "INSERT INTO processed_updates (platform, update_id, processed_at) VALUES (?, ?, ?) "
    "ON CONFLICT (platform, update_id) DO NOTHING"
)
DEFAULT_KEEP = timedelta(days=7)  # platforms redeliver for hours at most (Telegram: 24 h)


async def mark_processed(platform: str, update_id: str, now: datetime) -> None:
    """Record an update handled outside the group writer (kept if already recorded)."""
    await sql.execute(MARK, [platform, update_id, now])


async def prune_processed(now: datetime, keep: timedelta = DEFAULT_KEEP) -> int:
    """Delete records of updates processed before `now - keep`; return how many.

    A job for the scheduler (e.g. once a day): the table otherwise grows with every message.
    """
    if keep <= timedelta(0):
        raise ValueError("keep must be positive")
    return await ProcessedUpdate.filter(processed_at__lt=now - keep).delete()
