"""Replies kept until the platform has them: written with the step, dropped when delivered.

A conversation step's replies are written to the outbox (topic 'reply') in the step's own
transaction, so a process killed after the commit still owes them. The connector confirms a
reply once the platform accepted it (`confirm`); a reply not confirmed by its `due_at` is sent
again by a job through the connector's send path (at least once: a reply whose confirmation
was lost is sent twice, never zero times).

On PostgreSQL a row also names the worker that wrote it (`writer`, its holder id while it holds
its life-long advisory lock, `workers.session`). A worker killed between the commit and the
send leaves its lock free at once, so `due` takes that row now instead of at its `due_at`
(the technique of `inbox.CLAIM`); the officer waits for the next redelivery run, not a minute.
A row of an older release or of a process without a lock has no writer: the 60 s rule holds.

A receipt starts with the person's id (`new_receipt`), so the replies a person is still owed
are found by that prefix: an answer typed while the question asking for it was never confirmed
delivered is not taken (`routing.engine_route`), the question is shown again instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from connectors.base import Address, Choice, Outgoing
from reportbot.store import sql
from reportbot.store.inbox import dead_worker
from reportbot.store.models import OutboxEntry

REPLY_TOPIC = "reply"
CONFIRM_WITHIN = timedelta(seconds=60)  # a connector's queue sends well within this
MAX_ATTEMPTS = 5
INSERT_REPLY = (
    "INSERT INTO outbox (topic, key, payload, seq, attempts, due_at, created_at, writer) "
    "VALUES ('reply', ?, ?, 1, 0, ?, ?, ?)"
)
CONFIRM = "DELETE FROM outbox WHERE topic = 'reply' AND key = ?"
# The writer is forgotten: a row the job failed to send follows its back-off, even though the
# lock of the dead worker that wrote it stays free.
RESCHEDULE = (
    "UPDATE outbox SET attempts = attempts + 1, due_at = ?, last_error = ?, writer = NULL "
    "WHERE topic = 'reply' AND id = ?"
)


@dataclass(frozen=True, slots=True)
class OwedReply:
    """Replies of one step that no connector confirmed in time."""

    entry_id: int
    receipt: str
    attempts: int
    address: Address
    messages: list[Outgoing]
    created_at: datetime | None = None

    @property
    def question_id(self) -> str | None:
        """The question the last of these messages asks (None: no question)."""
        asked = [m.question_id for m in self.messages if m.question_id]
        return asked[-1] if asked else None


_FIELDS = tuple(Outgoing.__dataclass_fields__)
_CHOICE_FIELDS = tuple(Choice.__dataclass_fields__)


def _message(message: Outgoing) -> dict[str, Any]:
    data = {name: getattr(message, name) for name in _FIELDS}
    data["choices"] = [{n: getattr(c, n) for n in _CHOICE_FIELDS} for c in message.choices]
    return data


def encode(address: Address, messages: Sequence[Outgoing]) -> str:
    """Where and what to send, as JSON (a shallow walk: `dataclasses.asdict` deep-copies)."""
    place = {"platform": address.platform, "user_id": address.user_id, "chat_id": address.chat_id}
    return json.dumps(
        {"address": place, "messages": [_message(m) for m in messages]}, ensure_ascii=False
    )


def decode(text: str) -> tuple[Address, list[Outgoing]]:
    """The address and messages stored by `encode`."""
    data: dict[str, Any] = json.loads(text)
    messages = []
    for item in data["messages"]:
        item["choices"] = tuple(Choice(**choice) for choice in item.get("choices", ()))
        item["selected"] = tuple(item.get("selected", ()))
        known = Outgoing.__dataclass_fields__
        messages.append(Outgoing(**{k: v for k, v in item.items() if k in known}))
    return Address(**data["address"]), messages


def reply_row(
    receipt: str,
    address: Address,
    messages: Sequence[Outgoing],
    now: datetime,
    writer: str | None = None,
) -> list[object]:
    """The parameters of INSERT_REPLY for one step's replies (for the group writer); `writer`
    is the holder id of the worker writing them while it holds its lock, else None."""
    return [receipt, encode(address, messages), now + CONFIRM_WITHIN, now, writer]


def new_receipt(person_id: int) -> str:
    """A fresh receipt for one step's replies to this person (the id is its prefix)."""
    # 32 random hex digits, as uuid4().hex gave, without building a UUID object (every step)
    return f"{person_id}.{secrets.token_hex(16)}"


# A notice to someone who did not write (`store.versions.queue_notice`) is kept like a reply,
# under a receipt that names no person: it answers nothing they typed.
NOTICE_PREFIX = "notice."


def new_notice_receipt() -> str:
    """A fresh receipt for a notice (never taken for a reply a person is owed)."""
    return f"{NOTICE_PREFIX}{secrets.token_hex(16)}"


def is_notice(receipt: str) -> bool:
    """Whether a kept row is a notice to a third person rather than a step's replies."""
    return receipt.startswith(NOTICE_PREFIX)


# Receipts waited on in this process: by a step reading the database (`wait_confirmed`) and
# by the engine route's memory of kept replies (`routing.kept_replies`), one registry for
# both. `wake` releases them: `confirm` and a connector's confirmation in this process, and on
# PostgreSQL the NOTIFY of a confirmation in any process (the worker LISTENs).


@dataclass(slots=True)
class _Waiters:
    event: asyncio.Event = field(default_factory=asyncio.Event)
    count: int = 0  # waits in progress: the entry goes with the last of them


_WAITING: dict[str, _Waiters] = {}


@contextlib.contextmanager
def waiting(receipt: str) -> Iterator[asyncio.Event]:
    """The event `wake` sets for this receipt, registered for the whole `with` block (a wake
    that comes while the caller still reads the database is not missed)."""
    entry = _WAITING.setdefault(receipt, _Waiters())
    entry.count += 1
    try:
        yield entry.event
    finally:
        entry.count -= 1
        if entry.count == 0 and _WAITING.get(receipt) is entry:
            del _WAITING[receipt]


NOTIFY_CHANNEL = "reportbot_replies"  # PostgreSQL NOTIFY channel: these receipts were confirmed
CONFIRM_AND_NOTIFY = (
    "WITH gone AS (DELETE FROM outbox WHERE topic = 'reply' AND key = ANY(?::text[]) "
    f"RETURNING key) SELECT pg_notify('{NOTIFY_CHANNEL}', string_agg(key, ' ')) AS sent "
    "FROM gone HAVING count(*) > 0"
)
"""One statement (its own transaction): delete the rows and, at commit, tell every listener
which receipts were deleted (space-separated; a receipt has no space)."""
NOTIFY_CHUNK = 100  # receipts per NOTIFY: ~50 bytes each, under PostgreSQL's 8000-byte payload


async def confirm(receipts: Sequence[str]) -> None:
    """The platform has these replies: forget them, and release whoever waits on them."""
    if sql.dialect() == "postgres":
        # A worker may wait on a reply another worker sent (issue 17): the NOTIFY ends its
        # wait at once instead of at its next poll.
        for start in range(0, len(receipts), NOTIFY_CHUNK):
            chunk = list(receipts[start : start + NOTIFY_CHUNK])
            await sql.rows(CONFIRM_AND_NOTIFY, [chunk])
    else:
        await sql.execute_many(CONFIRM, [[receipt] for receipt in receipts])
    wake(receipts)


def wake_notified(payload: str) -> None:
    """Release the local waiters on the receipts of a NOTIFY_CHANNEL notification."""
    wake(payload.split())


def wake(receipts: Sequence[str]) -> None:
    """Release the steps waiting on these receipts (`wait_confirmed`): they are deleted."""
    for receipt in receipts:
        entry = _WAITING.get(receipt)
        if entry is not None:
            entry.event.set()


LAST_OWED = (
    "SELECT id, key, attempts, payload, created_at FROM outbox WHERE topic = 'reply' "
    "AND key >= ? AND key < ? ORDER BY id DESC LIMIT 1"
)
"""The newest kept replies of one person: the receipts between "<id>." and "<id>/" ('/'
follows '.'), a range the (topic, key) index answers; raw SQL, since this runs for every
answer typed and the ORM's query building cost more than the query."""


async def last_owed(person_id: int) -> OwedReply | None:
    """The newest step replies to this person that no connector confirmed yet, if any."""
    rows = await sql.rows(LAST_OWED, [f"{person_id}.", f"{person_id}/"])
    if not rows:
        return None
    entry_id, key, attempts, payload, created_at = rows[0]
    address, messages = decode(payload)
    owed = OwedReply(int(entry_id), str(key), int(attempts), address, messages)
    return dataclasses.replace(owed, created_at=sql.moment(created_at))


async def is_owed(receipt: str) -> bool:
    """Whether the replies of this receipt still wait for a confirmation."""
    return await OutboxEntry.filter(topic=REPLY_TOPIC, key=receipt).exists()


async def wait_confirmed(receipt: str, timeout: float, poll: float = 0.5) -> bool:
    """Wait until the replies of `receipt` are confirmed (here or by another process).

    A send that has just reached the platform is confirmed a moment later; an answer can
    arrive in that moment (the person reads faster than our HTTP answer comes back). A
    confirmation here, or another worker's NOTIFY (`wake_notified`), ends the wait at once;
    the poll every `poll` seconds is only the fallback for a notification missed.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    with waiting(receipt) as event:
        while await is_owed(receipt):
            left = deadline - loop.time()
            if left <= 0:
                return False
            try:
                await asyncio.wait_for(event.wait(), min(poll, left))
            except TimeoutError:
                continue
        return True


DUE_OR_ORPHANED = (
    "SELECT id, key, attempts, payload, due_at FROM outbox o WHERE topic = 'reply' AND (due_at <= ?"
    " OR (writer <> ?"
    "  AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.status = 'pending'"
    "   AND i.platform = o.payload::json->'address'->>'platform'"
    "   AND i.user_id = o.payload::json->'address'->>'user_id')"
    f"  AND {dead_worker('writer')}))"
    " ORDER BY id LIMIT ?"
)
"""The replies due, and on PostgreSQL those of a writer whose holder lock is free (it died).

As in `inbox.CLAIM`: a *shared, transaction-level* try of the writer's key is granted only
when no session holds it, so a live worker's rows (its lock held) are never taken early, and
the try ends with this statement's own transaction. Never while the person has an update
waiting (its step shows the replies again if they were never confirmed, `routing.engine_route`;
sent now as well, a copy of the question could come between their answer and its reply, and
an answer typed again after that copy would be taken for the next question): tested in SQL,
so held rows never fill the LIMIT ahead of rows really due. Never for this process's own
rows (`me`): a worker that has just lost its lock is still sending them itself. A worker whose lock
connection broke (PostgreSQL restarted) looks dead to the others until it takes the lock back,
as for its claims: a reply it is sending then may go twice (at least once, never zero)."""


async def due(now: datetime, limit: int = 200, *, me: str | None = None) -> list[OwedReply]:
    """Replies not confirmed by their due time, oldest first; on PostgreSQL also those whose
    writer is dead (its lock is free), whatever their due time. `me`: this process's holder."""
    if sql.dialect() == "postgres":
        rows = await sql.rows(DUE_OR_ORPHANED, [now, me or "", limit])
    else:  # one process: every writer is this one
        rows = (
            await OutboxEntry.filter(topic=REPLY_TOPIC, due_at__lte=now)
            .order_by("id")
            .limit(limit)
            .values_list("id", "key", "attempts", "payload")
        )
    owed = []
    for entry_id, key, attempts, payload, *_due_at in rows:
        address, messages = decode(payload)
        owed.append(OwedReply(int(entry_id), str(key), int(attempts), address, messages))
    return owed


async def reschedule(entry_id: int, now: datetime, attempts: int, error: str) -> None:
    """Try again later (backing off), remembering why it failed."""
    delay = CONFIRM_WITHIN * (2 ** min(attempts, 6))
    await sql.execute(RESCHEDULE, [now + delay, error[:500], entry_id])


async def drop(entry_id: int) -> None:
    """Give up on replies that could not be delivered after MAX_ATTEMPTS."""
    await OutboxEntry.filter(id=entry_id).delete()


async def due_now(now: datetime) -> int:
    """Make every kept reply due at `now` (a stop that could not send them: the next start
    sends them at once instead of waiting out CONFIRM_WITHIN); return how many."""
    rows = await OutboxEntry.filter(topic=REPLY_TOPIC, due_at__gt=now).update(due_at=now)
    return int(rows or 0)


async def backlog() -> int:
    """How many steps' replies wait for confirmation."""
    return await OutboxEntry.filter(topic=REPLY_TOPIC).count()
