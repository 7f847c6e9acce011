"""A database lease: one process at a time runs a job (reminders, the sheet flush).

Works the same on SQLite and PostgreSQL.

The lease is a row of job_leases (name, holder, expires_at). Taking it is a single conditional
UPDATE (free, expired, or already ours) or, the first time, an INSERT that the primary key lets
only one process win; renewing it is a compare-and-set on the expiry we last wrote, so a holder
whose lease was taken over after it expired learns so and stops. Both statements are atomic on
either database, with no lock held between runs.

Leases are short (`LEASE_TTL`, 10 s) and a heartbeat task renews a held lease every
`HEARTBEAT` (3 s), so a process killed while holding one frees it within 10 s and the job
resumes elsewhere within 15 s. Who took a lease, and since when, is kept in the key-value
state (namespace "lease") for `reportbot sheets status` and friends.

A holder id names the host, the PID namespace and the PID of its process. A process that finds
a live lease held by a process of its own host and namespace that no longer exists (the usual
`kill -9` and restart on one machine, SQLite or PostgreSQL alike) takes the lease over at once
instead of waiting for the TTL: the dead process cannot renew it. A holder on another host, or
in another container, is never judged this way; its lease runs out after the TTL as before.
A reused PID only makes the check answer "alive", which means waiting: the safe side.

On PostgreSQL a lease may also be held under a worker's holder id (`inbox.LOCKING_HOLDER`,
the id of its life-long advisory lock, `workers.session`): the reply redelivery's is. Such a
lease is taken over at once when that lock is free, on any host or container (the test of
`inbox.CLAIM`); a worker killed in one container no longer holds the job up for the TTL.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from reportbot.store import sql
from reportbot.store.inbox import LOCKING_HOLDER, lock_free
from reportbot.store.kv import KeyValueStore
from reportbot.store.models import JobLease

log = logging.getLogger(__name__)

_RELEASED = datetime(2000, 1, 1, tzinfo=UTC)
LEASE_TTL = timedelta(seconds=10)
HEARTBEAT = timedelta(seconds=3)
SINCE = "lease"  # key-value namespace: lease name -> {"holder", "since"}
CREATE = (
    "INSERT INTO job_leases (name, holder, expires_at) VALUES (?, ?, ?) "
    "ON CONFLICT (name) DO NOTHING RETURNING name"
)
LOCK_FREE = f"SELECT {lock_free('?')} AS free"
"""Granted only when no session holds the worker's key: that worker is dead (`inbox.CLAIM`)."""


def _pid_namespace() -> str:
    """The PID namespace of this process ("-" where the system does not say)."""
    try:
        link = os.readlink("/proc/self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return "-"
    return "".join(ch for ch in link if ch.isdigit()) or "-"


_HOST = socket.gethostname()[:80].replace(":", "_")
_NAMESPACE = _pid_namespace()


def holder_id() -> str:
    """A name for this process that no other process shares: host, PID namespace, PID, nonce."""
    return f"{_HOST}:{_NAMESPACE}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def holder_is_dead_here(holder: str) -> bool:
    """Whether `holder` names a process of this host and PID namespace that no longer exists.

    False whenever that cannot be known for sure (another host or namespace, an older holder id
    format, no permission to ask): the caller then waits for the lease to run out.
    """
    parts = holder.rsplit(":", 3)
    if len(parts) != 4 or parts[0] != _HOST or parts[1] != _NAMESPACE or _NAMESPACE == "-":
        return False
    try:
        pid = int(parts[2])
    except ValueError:
        return False
    if pid == os.getpid() or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, but not ours to signal
        return False
    return _is_zombie(pid)


async def worker_lock_free(holder: str) -> bool:
    """Whether `holder` is a worker's id whose advisory lock nobody holds (PostgreSQL): the
    worker died, on whatever host. False for any other holder, and on SQLite."""
    if not holder.startswith(LOCKING_HOLDER) or sql.dialect() != "postgres":
        return False
    found = await sql.rows(LOCK_FREE, [holder])
    return bool(found and found[0][0])


def _is_zombie(pid: int) -> bool:
    """A killed child not yet reaped still answers signal 0; it is dead all the same."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rsplit(")", 1)
    except OSError:
        return False
    return len(fields) == 2 and fields[1].split()[:1] == ["Z"]


@dataclass(frozen=True, slots=True)
class LeaseState:
    """Who holds a lease as the database says: holder, expiry, and since when (if known)."""

    name: str
    holder: str
    expires_at: datetime
    since: datetime | None

    def live(self, now: datetime) -> bool:
        """Whether the holder's lease has not run out at `now`."""
        return now < self.expires_at


async def lease_state(name: str) -> LeaseState | None:
    """The lease's row, or None if it was never taken or it was released."""
    row = await JobLease.get_or_none(name=name)
    if row is None or row.expires_at <= _RELEASED:
        return None
    since = None
    text = await KeyValueStore(SINCE).get(name)
    if text:
        recorded = json.loads(text)
        if recorded.get("holder") == row.holder:
            since = datetime.fromisoformat(recorded["since"])
    return LeaseState(name, row.holder, row.expires_at, since)


class Lease:
    """A named lease held by `holder` for `ttl` at a time, measured on `clock`.

    With `heartbeat`, a held lease is renewed in the background every `heartbeat` until it is
    released or lost, so `ttl` can be short (a crashed holder frees it after `ttl`).
    """

    def __init__(
        self,
        name: str,
        holder: str,
        *,
        ttl: timedelta,
        clock: Callable[[], datetime],
        heartbeat: timedelta | None = None,
    ) -> None:
        if heartbeat is not None and heartbeat * 2 > ttl:
            raise ValueError("the heartbeat must renew at least twice per lease")
        self.name = name
        self.holder = holder
        self.ttl = ttl
        self.clock = clock
        self.heartbeat = heartbeat
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()
        self._beating: asyncio.Task[None] | None = None

    @property
    def held(self) -> bool:
        """Whether this holder believes it holds the lease now."""
        return self._expires is not None and self.clock() < self._expires

    async def acquire(self) -> bool:
        """Take the lease if it is free, expired or ours; return whether we hold it."""
        async with self._lock:
            now = self.clock()
            expires = now + self.ttl
            taken = await JobLease.filter(name=self.name, expires_at__lte=now).update(
                holder=self.holder, expires_at=expires
            )
            fresh = bool(taken)
            if not taken:
                taken = await JobLease.filter(name=self.name, holder=self.holder).update(
                    expires_at=expires
                )
            if not taken:
                # A lease held by another process is the usual answer here, not an error: a
                # failed INSERT was an ERROR line in PostgreSQL's log at every try of every job.
                created = await sql.rows(CREATE, [self.name, self.holder, expires])
                taken = len(created) or await self._take_from_dead_holder(expires)
                fresh = bool(taken)
            self._expires = expires if taken else None
        if fresh:
            since = json.dumps({"holder": self.holder, "since": now.isoformat()})
            await KeyValueStore(SINCE).set(self.name, since)
        if taken:
            self._start_heartbeat()
        return bool(taken)

    async def _take_from_dead_holder(self, expires: datetime) -> int:
        """Take the lease from a holder that died on this host, or a worker whose lock is
        free; 1 if taken, else 0."""
        row = await JobLease.get_or_none(name=self.name)
        if row is None or row.holder == self.holder:
            return 0
        if not holder_is_dead_here(row.holder) and not await worker_lock_free(row.holder):
            return 0
        # Compare-and-set on the dead holder's row: of two newcomers, one wins.
        taken = await JobLease.filter(
            name=self.name, holder=row.holder, expires_at=row.expires_at
        ).update(holder=self.holder, expires_at=expires)
        if taken:
            log.info("lease %s taken over from a process that no longer runs", self.name)
        return int(bool(taken))

    async def renew(self) -> bool:
        """Extend the lease if it is still ours (compare-and-set on our last expiry)."""
        async with self._lock:
            if self._expires is None:
                return False
            now = self.clock()
            if now >= self._expires:
                # Expired: another process may have taken it and even released it again;
                # only a fresh acquire may tell, and the caller must treat the run as lost.
                self._expires = None
                return False
            expires = now + self.ttl
            renewed = await JobLease.filter(
                name=self.name, holder=self.holder, expires_at=self._expires
            ).update(expires_at=expires)
            self._expires = expires if renewed else None
            return bool(renewed)

    async def keep(self) -> bool:
        """Renew when less than half of the lease is left; return whether we still hold it."""
        expires = self._expires
        if expires is None:
            return False
        if expires - self.clock() > self.ttl / 2:
            return True
        return await self.renew()

    async def release(self) -> None:
        """Stop the heartbeat and give the lease up so another process may take it at once."""
        await self._stop_heartbeat()
        async with self._lock:
            if self._expires is None:
                return
            await JobLease.filter(
                name=self.name, holder=self.holder, expires_at=self._expires
            ).update(expires_at=_RELEASED)
            self._expires = None

    # -- heartbeat -----------------------------------------------------------------------

    def _start_heartbeat(self) -> None:
        if self.heartbeat is None or (self._beating is not None and not self._beating.done()):
            return
        self._beating = asyncio.create_task(self._beat(), name=f"lease-heartbeat:{self.name}")

    async def _stop_heartbeat(self) -> None:
        task, self._beating = self._beating, None
        if task is None or task is asyncio.current_task():
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _beat(self) -> None:
        assert self.heartbeat is not None
        while True:
            await asyncio.sleep(self.heartbeat.total_seconds())
            try:
                if not await self.renew():
                    log.warning("lease %s lost (taken over or expired)", self.name)
                    return
            except Exception as exc:  # the database is away: try again at the next beat
                log.warning("lease %s: renewal failed: %s", self.name, type(exc).__name__)
                if not self.held:
                    return
