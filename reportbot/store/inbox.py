"""The durable inbox: a verified update is stored before the platform is told it arrived.

The group writer (`GroupCommitter.accept`, through `store_accepts`) writes the update; only
then may a connector acknowledge it (HTTP 200, or advance its polling offset). The step that
handles it marks it done in the step's own transaction (the group writer), so an update is
applied exactly once: a crash before that commit leaves it pending, and the next start
processes it (`pending_entries`). A database error while accepting is `InboxUnavailable`: the
connector must not acknowledge, so the platform delivers the update again later.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connectors.base import Attachment, Incoming, with_arrival
from reportbot.store import sql
from reportbot.store.models import InboxEntry

log = logging.getLogger(__name__)

PENDING = "pending"
DONE = "done"
FAILED = "failed"
DEFAULT_KEEP = timedelta(days=7)  # platforms redeliver for hours at most (Telegram: 24 h)

ACCEPT_MANY = (
    "INSERT INTO inbox (platform, update_id, user_id, chat_id, payload, status, attempts, "
    "received_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?) "
    "ON CONFLICT (platform, update_id) DO NOTHING"
)
MARK_DONE = (
    "INSERT INTO inbox (platform, update_id, user_id, chat_id, payload, status, attempts, "
    "received_at, processed_at) VALUES (?, ?, '', '', '', 'done', 0, ?, ?) "
    "ON CONFLICT (platform, update_id) DO UPDATE SET "
    "status = 'done', processed_at = excluded.processed_at"
)
"""Marks an update done; also records one that was never accepted (a console message)."""
GIVE_UP = (
    "UPDATE inbox SET attempts = attempts + 1, last_error = ?, status = 'failed' "
    "WHERE platform = ? AND update_id = ? AND status = 'pending'"
)
SUPERSEDE = (
    "UPDATE inbox SET status = 'failed', last_error = 'superseded' WHERE status = 'pending' "
    "AND EXISTS (SELECT 1 FROM inbox later WHERE later.platform = inbox.platform "
    "AND later.user_id = inbox.user_id AND later.status = 'done' AND later.id > inbox.id)"
)
"""Sets aside the pending updates a later update of the same person overtook: applying one
now would put an old answer under whatever question the person has reached since."""


class InboxUnavailable(Exception):
    """The update could not be stored: it must not be acknowledged."""


@dataclass(frozen=True, slots=True)
class PendingUpdate:
    """An accepted update not yet handled (left by a crash), with the message it carried."""

    entry_id: int
    message: Incoming


_FIELDS = tuple(Incoming.__dataclass_fields__)
_ATTACHMENT_FIELDS = tuple(Attachment.__dataclass_fields__)


def _attachment(value: Attachment) -> dict[str, Any]:
    return {name: getattr(value, name) for name in _ATTACHMENT_FIELDS}


def encode_message(message: Incoming) -> str:
    """The message as JSON, to rebuild it after a restart (a shallow walk: this runs for every
    update, and `dataclasses.asdict` deep-copies)."""
    data: dict[str, Any] = {name: getattr(message, name) for name in _FIELDS}
    if message.attachment is not None:
        data["attachment"] = _attachment(message.attachment)
    if message.attachments:
        data["attachments"] = [_attachment(item) for item in message.attachments]
    for name in ("received_at", "arrived_at"):
        moment = getattr(message, name)
        if isinstance(moment, datetime):
            data[name] = moment.isoformat()
    return json.dumps(data, ensure_ascii=False, default=str)


def _stored(message: Incoming, now: datetime) -> str:
    """The payload of an accepted update: the message with the time it arrived (the retype
    rule measures how long it waited, by the bot's clock: `conversation.filling.retyped`)."""
    if message.arrived_at is None:
        message = with_arrival(message, now)
    return encode_message(message)


def decode_message(text: str) -> Incoming:
    """The message stored by `encode_message`."""
    data: dict[str, Any] = json.loads(text)
    attachment = data.get("attachment")
    if isinstance(attachment, dict):
        data["attachment"] = Attachment(**attachment)
    if "attachments" in data:  # JSON gave a list, an empty one too
        data["attachments"] = tuple(Attachment(**item) for item in data["attachments"] or ())
    if data.get("choices") is not None:
        data["choices"] = tuple(data["choices"])
    if data.get("location") is not None:
        data["location"] = tuple(data["location"])  # JSON gave a list
    for name in ("received_at", "arrived_at"):
        if data.get(name):
            data[name] = datetime.fromisoformat(data[name])
    known = Incoming.__dataclass_fields__
    return Incoming(**{key: value for key, value in data.items() if key in known})


async def store_accepts(
    client: Any, accepts: list[tuple[Incoming, datetime]]
) -> dict[tuple[str, str], str]:
    """Insert the new updates inside the caller's transaction (`client`); return the status
    of those stored before (an update not in the answer is new). The group writer calls this
    with the accepts of a burst, in the transaction of the steps it writes
    (`GroupCommitter.accept`: the only way an update is accepted)."""
    keys = {(message.platform, message.update_id or "") for message, _ in accepts}
    found: dict[tuple[str, str], str] = {}
    for platform in {platform for platform, _ in keys}:
        ids = [update_id for p, update_id in keys if p == platform]
        rows = await sql.rows(
            f"SELECT update_id, status FROM inbox WHERE platform = ? "
            f"AND update_id IN ({sql.marks(len(ids))})",
            [platform, *ids],
            client=client,
        )
        found.update({(platform, str(uid)): str(status) for uid, status in rows})
    new_rows, seen = [], set(found)
    for message, now in accepts:
        key = (message.platform, message.update_id or "")
        if key in seen:
            continue
        seen.add(key)
        new_rows.append(
            [key[0], key[1], message.user_id, message.chat_id, _stored(message, now), now]
        )
    await sql.execute_many(ACCEPT_MANY, new_rows, client=client)
    if new_rows and sql.dialect_of(client).name == "postgres":
        # Wakes the workers (`--role worker` listens) when this transaction commits.
        await sql.rows(f"SELECT pg_notify('{NOTIFY_CHANNEL}', '')", client=client)
    return found


def mark_done_row(update: tuple[str, str], now: datetime | str) -> list[object]:
    """The parameters of MARK_DONE for one update (for the group writer; `now` may be the
    moment's parameter form, `SqlDialect.stamp`)."""
    return [update[0], update[1], now, now]


async def mark_done(update: tuple[str, str], now: datetime) -> None:
    """Record an update handled outside the group writer (a coordinator's command)."""
    await sql.execute(MARK_DONE, mark_done_row(update, now))


async def give_up(update: tuple[str, str], error: str) -> None:
    """Set aside an update whose handling failed and whose sender was told so ("try again"):
    they send it again themselves, so it is never handled later behind their back."""
    await sql.execute(GIVE_UP, [error[:500], update[0], update[1]])


async def set_aside_overtaken() -> int:
    """Set aside the pending updates a later update of the same person overtook (SUPERSEDE);
    say how many in the log, since their senders get no answer to them."""
    count = await sql.execute(SUPERSEDE, [])
    if count:
        log.warning(
            "inbox: %d update(s) overtaken by a later one of the same person set aside", count
        )
    return count


async def pending_entries(limit: int = 1000) -> list[PendingUpdate]:
    """Accepted updates not yet handled, oldest first (processed again after a crash); an
    update a later one of the same person overtook is set aside first, never handled."""
    await set_aside_overtaken()
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
    """Delete handled updates older than `keep`; return how many. A daily job. A pending
    update a later one overtook is set aside first: the later one's row is the evidence."""
    if keep <= timedelta(0):
        raise ValueError("keep must be positive")
    await set_aside_overtaken()
    return await InboxEntry.filter(status=DONE, processed_at__lt=now - keep).delete()


# -- several worker processes (PostgreSQL) -------------------------------------------------

NOTIFY_CHANNEL = "reportbot_inbox"  # PostgreSQL NOTIFY channel: new updates were accepted
HOLDER_LOCK_CLASS = 0x72627477  # "rbtw": advisory locks (class, hashtext(holder)) of workers
LOCKING_HOLDER = "L/"  # begins the holder id of a worker that holds its lock (see CLAIM)
WORKERS_CHANNEL = "reportbot_workers"  # NOTIFY: a worker took its lock (payload: its holder)
HOLDERS = (
    "SELECT count(*) FILTER (WHERE pid = pg_backend_pid() AND objid = hashtext($1)::oid), "
    "count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = "
    f"{HOLDER_LOCK_CLASS} AND objsubid = 2 AND mode = 'ExclusiveLock' AND granted AND database "
    "= (SELECT oid FROM pg_database WHERE datname = current_database())"
)
"""Whether this session holds the worker lock of holder `$1`, and how many worker locks are
held in all on this database: the live workers. pg_locks lists every database of the server
(another deployment's workers are not ours); a dead worker's lock is gone with its connection;
the shared, transaction-level tries of `lock_free` are ShareLocks and not counted. Workers
share the platforms' bot-wide rates by this count (`WorkerSession.live_workers`)."""


def lock_free(holder_sql: str) -> str:
    """SQL true when no session holds the worker lock of the holder id `holder_sql` (a
    column or a placeholder): that worker is dead. A *shared, transaction-level* try: granted
    only when nobody holds the key, and ended with the statement's own transaction."""
    return f"pg_try_advisory_xact_lock_shared({HOLDER_LOCK_CLASS}, hashtext({holder_sql}))"


def dead_worker(column: str) -> str:
    """SQL true when `column` names a worker that held its lock and no longer does."""
    return f"{column} LIKE '{LOCKING_HOLDER}%' AND {lock_free(column)}"


CLAIM = (
    "UPDATE inbox SET claimed_by = ?, claimed_until = ? WHERE id IN ("
    " SELECT i.id FROM inbox i WHERE i.status = 'pending'"
    " AND (i.claimed_until IS NULL OR i.claimed_until < ?"
    f"  OR (i.claimed_by <> ? AND {dead_worker('i.claimed_by')}))"
    " AND NOT EXISTS (SELECT 1 FROM inbox j WHERE j.platform = i.platform"
    "  AND j.user_id = i.user_id AND j.status = 'pending' AND j.id < i.id)"
    " ORDER BY i.id LIMIT ? FOR UPDATE SKIP LOCKED"
    ") RETURNING id, payload"
)
"""Claim the oldest pending update of each person that nobody holds.

A claim is held while its lease runs and its holder is alive: each worker process holds a
session advisory lock on (HOLDER_LOCK_CLASS, hashtext(its holder id)) for its life
(`reportbot.workers.session`), which PostgreSQL releases the moment the process dies. The
claimer tries a *shared, transaction-level* lock on the holder's key: granted means no live
session holds the key, so the holder is dead and its claims are taken at once instead of after
the lease. The shared lock ends with the claim's own transaction (no session state is left on
the pool connection) and claimers never block one another. It is tried only for rows whose
lease still runs, and never for the claimer's own rows (a worker that has just lost its lock
must not take back what it is handling), and only for holder ids that begin with
LOCKING_HOLDER: a worker of an older release holds no lock, and during a rolling upgrade its
claims must wait for their lease, not be taken as a dead worker's at once. Re-checked by
PostgreSQL when a row is locked, so a claim committed meanwhile by a live worker is skipped.

Only the head of a person's queue can be claimed: their next update waits until this one is
done (or set aside as failed), so a person's messages are handled in platform order even
across processes. `SKIP LOCKED` lets workers claim side by side without waiting on each other;
a row claimed and committed by another worker is re-checked by PostgreSQL when locked (its
`claimed_until` is then in the future) and skipped.
"""
# In id order, skipping rows a group commit holds (it locks them in id order too, and ends
# their claim): two orders could deadlock, and a row being committed needs no renewal.
RENEW = (
    "UPDATE inbox SET claimed_until = ? WHERE id IN (SELECT id FROM inbox WHERE claimed_by = ? "
    "AND status = 'pending' AND id = ANY(?::int[]) ORDER BY id FOR UPDATE SKIP LOCKED)"
)


async def claim(worker: str, now: datetime, lease: timedelta, limit: int) -> list[PendingUpdate]:
    """Take up to `limit` updates for `worker` until `now + lease` (PostgreSQL only)."""
    rows = await sql.rows(CLAIM, [worker, now + lease, now, worker, limit])
    found = sorted((int(entry_id), str(payload)) for entry_id, payload in rows)
    return [PendingUpdate(entry_id, decode_message(payload)) for entry_id, payload in found]


async def renew_claims(worker: str, entry_ids: list[int], until: datetime) -> None:
    """Extend `worker`'s hold on updates still in hand (the worker's heartbeat)."""
    if entry_ids:
        await sql.execute(RENEW, [until, worker, entry_ids])


async def handled_already(client: Any, updates: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which of `updates` are done already, read inside a step's transaction (`client`).

    On PostgreSQL the rows are locked until the transaction ends, so two processes that both
    handled one update (a worker paused past its claim, or one that lost its holder lock while
    another took its update) cannot both commit it. The rows are locked whatever their status:
    `FOR UPDATE` locks only the rows the query returns, and a filter on 'done' returned (and
    locked) nothing while the update was pending, so both transactions went on (review of
    issue 17). The second now waits for the first and reads 'done' once it commits.
    """
    if not updates:
        return set()
    lock = " FOR UPDATE" if sql.dialect_of(client).name == "postgres" else ""
    found: set[tuple[str, str]] = set()
    for platform in sorted({platform for platform, _ in updates}):
        ids = sorted({update_id for p, update_id in updates if p == platform})
        rows = await sql.rows(
            f"SELECT update_id, status FROM inbox WHERE platform = ? "
            f"AND update_id IN ({sql.marks(len(ids))}) ORDER BY update_id{lock}",
            [platform, *ids],
            client=client,
        )
        found.update((platform, str(update_id)) for update_id, status in rows if status == DONE)
    return found


class AlreadyHandled(Exception):
    """A step for an update another process committed first: it wrote nothing."""
