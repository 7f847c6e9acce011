"""The durable inbox: a verified update is stored before the platform is told it arrived.

`accept` writes the update in one short transaction; only then may a connector acknowledge it
(HTTP 200, or advance its polling offset). The step that handles it marks it done in the
step's own transaction (the group writer), so an update is applied exactly once: a crash
before that commit leaves it pending, and the next start processes it (`pending_entries`).
A database error while accepting is `InboxUnavailable`: the connector must not acknowledge,
so the platform delivers the update again later.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from connectors.base import Attachment, Incoming
from reportbot.store import sql
from reportbot.store.models import InboxEntry

PENDING = "pending"
DONE = "done"
FAILED = "failed"
MAX_ATTEMPTS = 3  # a pending update that failed this often is set aside, not retried forever
DEFAULT_KEEP = timedelta(days=7)  # platforms redeliver for hours at most (Telegram: 24 h)

ACCEPT = (
    "INSERT INTO inbox (platform, update_id, user_id, chat_id, payload, status, attempts, "
    "received_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?) "
    "ON CONFLICT (platform, update_id) DO NOTHING RETURNING id"
)
MARK_DONE = (
    "INSERT INTO inbox (platform, update_id, user_id, chat_id, payload, status, attempts, "
    "received_at, processed_at) VALUES (?, ?, '', '', '', 'done', 0, ?, ?) "
    "ON CONFLICT (platform, update_id) DO UPDATE SET "
    "status = 'done', processed_at = excluded.processed_at"
)
"""Marks an update done; also records one that was never accepted (a console message)."""
MARK_FAILED = (
    "UPDATE inbox SET attempts = attempts + 1, last_error = ?, status = CASE WHEN "
    "attempts + 1 >= ? THEN 'failed' ELSE status END WHERE platform = ? AND update_id = ?"
)


class InboxUnavailable(Exception):
    """The update could not be stored: it must not be acknowledged."""


@dataclass(frozen=True, slots=True)
class PendingUpdate:
    """An accepted update not yet handled (left by a crash), with the message it carried."""

    entry_id: int
    message: Incoming


def encode_message(message: Incoming) -> str:
    """The message as JSON, to rebuild it after a restart."""
    data = asdict(message)
    received = data.get("received_at")
    if isinstance(received, datetime):
        data["received_at"] = received.isoformat()
    return json.dumps(data, ensure_ascii=False, default=str)


def decode_message(text: str) -> Incoming:
    """The message stored by `encode_message`."""
    data: dict[str, Any] = json.loads(text)
    attachment = data.get("attachment")
    if isinstance(attachment, dict):
        data["attachment"] = Attachment(**attachment)
    if data.get("attachments"):
        data["attachments"] = tuple(Attachment(**item) for item in data["attachments"])
    if data.get("choices") is not None:
        data["choices"] = tuple(data["choices"])
    if data.get("received_at"):
        data["received_at"] = datetime.fromisoformat(data["received_at"])
    known = Incoming.__dataclass_fields__
    return Incoming(**{key: value for key, value in data.items() if key in known})


async def accept(message: Incoming, now: datetime) -> str:
    """Store an update; return 'new', or its status when it was stored before.

    Raises InboxUnavailable when the database cannot take it.
    """
    if not message.update_id:
        raise ValueError("only an update with an id can be accepted")
    values = [
        message.platform,
        message.update_id,
        message.user_id,
        message.chat_id,
        encode_message(message),
        now,
    ]
    try:
        if await sql.rows(ACCEPT, values):
            return "new"
        found = await InboxEntry.filter(
            platform=message.platform, update_id=message.update_id
        ).values_list("status", flat=True)
    except Exception as error:  # any database failure: not stored, not acknowledged
        raise InboxUnavailable(str(error) or type(error).__name__) from error
    return str(found[0]) if found else PENDING


def mark_done_row(update: tuple[str, str], now: datetime) -> list[object]:
    """The parameters of MARK_DONE for one update (for the group writer)."""
    return [update[0], update[1], now, now]


async def mark_done(update: tuple[str, str], now: datetime) -> None:
    """Record an update handled outside the group writer (a coordinator's command)."""
    await sql.execute(MARK_DONE, mark_done_row(update, now))


async def mark_failed(update: tuple[str, str], error: str) -> None:
    """Count a failed attempt; after MAX_ATTEMPTS the update is set aside as failed."""
    await sql.execute(MARK_FAILED, [error[:500], MAX_ATTEMPTS, update[0], update[1]])


async def pending_entries(limit: int = 1000) -> list[PendingUpdate]:
    """Accepted updates not yet handled, oldest first (processed again after a crash)."""
    rows = (
        await InboxEntry.filter(status=PENDING)
        .order_by("id")
        .limit(limit)
        .values_list("id", "payload")
    )
    return [PendingUpdate(int(entry_id), decode_message(payload)) for entry_id, payload in rows]


async def recent_done(since: datetime) -> set[tuple[str, str]]:
    """Updates handled since `since`, to drop redeliveries quickly after a restart."""
    rows = await InboxEntry.filter(status=DONE, processed_at__gte=since).values_list(
        "platform", "update_id"
    )
    return {(str(platform), str(update_id)) for platform, update_id in rows}


async def backlog() -> tuple[int, datetime | None]:
    """How many updates wait, and when the oldest arrived (for health and metrics)."""
    count = await InboxEntry.filter(status=PENDING).count()
    oldest = await InboxEntry.filter(status=PENDING).order_by("id").first()
    return count, (oldest.received_at if oldest else None)


async def prune(now: datetime, keep: timedelta = DEFAULT_KEEP) -> int:
    """Delete handled updates older than `keep`; return how many. A daily job."""
    if keep <= timedelta(0):
        raise ValueError("keep must be positive")
    return await InboxEntry.filter(status=DONE, processed_at__lt=now - keep).delete()
