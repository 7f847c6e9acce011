"""A database lease: one process at a time runs a job (reminders, the sheet flush).

Works the same on SQLite and PostgreSQL.

The lease is a row of job_leases (name, holder, expires_at). Taking it is a single conditional
UPDATE (free, expired, or already ours) or, the first time, an INSERT that the primary key lets
only one process win; renewing it is a compare-and-set on the expiry we last wrote, so a holder
whose lease was taken over after it expired learns so and stops. Both statements are atomic on
either database, with no lock held between runs.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from reportbot.store.models import JobLease

_RELEASED = datetime(2000, 1, 1, tzinfo=UTC)


def holder_id() -> str:
    """A name for this process that no other process shares."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Lease:
    """A named lease held by `holder` for `ttl` at a time, measured on `clock`."""

    def __init__(
        self,
        name: str,
        holder: str,
        *,
        ttl: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.name = name
        self.holder = holder
        self.ttl = ttl
        self.clock = clock
        self._expires: datetime | None = None
        self._lock = asyncio.Lock()

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
            if not taken:
                taken = await JobLease.filter(name=self.name, holder=self.holder).update(
                    expires_at=expires
                )
            if not taken:
                try:
                    await JobLease.create(name=self.name, holder=self.holder, expires_at=expires)
                    taken = 1
                except IntegrityError:
                    taken = 0
            self._expires = expires if taken else None
            return bool(taken)

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
        """Give the lease up so another process may take it at once."""
        async with self._lock:
            if self._expires is None:
                return
            await JobLease.filter(
                name=self.name, holder=self.holder, expires_at=self._expires
            ).update(expires_at=_RELEASED)
            self._expires = None
