"""The outbox worker: every few seconds, deliver all pending sheet changes in one batch.

The store queues a change (entry id, sequence number, submission id) in the same transaction
as the answer. The worker takes the pending changes, asks the store for the rows they touch,
hands them to the backend in one `apply`, and only then marks them done; a change edited again
meanwhile keeps its entry (its sequence moved on). When the backend fails, the entries stay,
their attempt count grows, and the worker backs off and tries again later. Because the backend
finds rows by submission id, a retry or a restart mid-flush never duplicates a row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from reportbot.mirror.backend import MirrorBackend, MirrorError
from reportbot.mirror.communes import FailedPart, PartsFailed
from reportbot.mirror.records import MirrorBatch
from reportbot.mirror.verify import RowsDisplaced

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PendingChange:
    """One outbox entry: its id, its sequence number (bumped on each edit) and submission."""

    entry_id: int
    seq: int
    submission_id: int


class MirrorSource(Protocol):
    """What the worker needs from the store (the store implements it)."""

    async def pending(self, limit: int) -> list[PendingChange]:
        """Return up to `limit` pending changes, oldest first."""
        ...

    async def build_batch(self, submission_ids: Sequence[int]) -> MirrorBatch:
        """Return the rows of these submissions, their forms' layouts and the current status."""
        ...

    async def full_batch(self) -> MirrorBatch:
        """Return every submission with its layout and the current status (for a resync)."""
        ...

    async def done(self, changes: Sequence[PendingChange]) -> None:
        """Delete these entries, except those whose sequence moved on since they were read."""
        ...

    async def failed(
        self, changes: Sequence[PendingChange], error: str, retry_in: timedelta | None = None
    ) -> None:
        """Keep these entries, count one more attempt and remember the error (not due again
        for `retry_in` when given)."""
        ...

    async def backlog(self) -> int:
        """Return how many changes are waiting."""
        ...


class Lease(Protocol):
    """Lets one process at a time flush (two flushing at once could both append a row)."""

    async def acquire(self) -> bool:
        """Take or renew the lease; False when another process holds it."""
        ...

    async def release(self) -> None:
        """Give the lease up."""
        ...


class ResyncRequests(Protocol):
    """Rebuild requests from other processes (`reportbot sheets resync` while the bot runs)."""

    async def take(self) -> str | None:
        """Claim the waiting request, if any; return its id."""
        ...

    async def answer(self, request_id: str, count: int | None, error: str | None) -> None:
        """Tell the requester how many reports were rebuilt, or why it failed."""
        ...


@dataclass(frozen=True, slots=True)
class MirrorStatus:
    """What `reportbot sheets status` shows."""

    backend: str
    backlog: int
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    delivered: int


def safe_error(error: BaseException) -> str:
    """A one-line description of a failure, short and free of tracebacks."""
    text = " ".join(str(error).split())[:300]
    if isinstance(error, MirrorError):
        return text or type(error).__name__
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class MirrorWorker:
    """Flush the outbox to a mirror backend, in batches, for as long as the bot runs."""

    def __init__(
        self,
        backend: MirrorBackend,
        source: MirrorSource,
        *,
        interval_s: float = 5.0,
        chunk_size: int = 1000,
        max_backoff_s: float = 300.0,
        status_refresh_s: float | None = 600.0,
        lease: Lease | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        requests: ResyncRequests | None = None,
    ) -> None:
        self.backend = backend
        self.source = source
        self.lease = lease
        self.requests = requests
        self.lease_busy = False  # the last run found the lease held by another process
        self.interval_s = interval_s
        self.chunk_size = chunk_size
        self.max_backoff_s = max_backoff_s
        self.status_refresh_s = status_refresh_s
        self._clock = clock
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self.last_success_at: datetime | None = None
        self.last_error: str | None = None
        self.last_error_at: datetime | None = None
        self.consecutive_failures = 0
        self.delivered = 0
        self._last_exception: BaseException | None = None
        self._last_status: float | None = None  # loop time of the last status refresh
        # A backend whose writes cost CPU in this process (the .xlsx file) declares the share
        # of time it may take: after an apply of d seconds, scheduled flushes wait
        # d * (1/duty - 1). The changes wait in the durable outbox meanwhile.
        self.max_duty: float | None = getattr(backend, "max_duty", None)
        self._paced_until = 0.0  # loop time before which a scheduled flush is skipped

    async def run_once(self) -> int:
        """Deliver everything pending now (not what arrives meanwhile), in chunks of
        `chunk_size`; return how many.

        Raises the backend's error after recording it; the failed chunk's entries are kept.
        A commune's spreadsheet that failed alone keeps its changes (not counted) until its
        pause ends; the other spreadsheets' changes are delivered.
        Returns 0 at once when another process holds the lease.
        """
        async with self._lock:
            delivered = 0
            seen: set[tuple[int, int]] = set()
            self.lease_busy = False
            while True:
                if self.lease is not None and not await self.lease.acquire():
                    self.lease_busy = True
                    break
                fetched = await self.source.pending(self.chunk_size)
                changes = [c for c in fetched if (c.entry_id, c.seq) not in seen]
                if not changes:
                    break
                seen.update((c.entry_id, c.seq) for c in changes)
                delivered += await self._deliver(changes)
                if len(fetched) < self.chunk_size:
                    # Everything pending when this chunk was read is delivered. Changes queued
                    # during the write wait for the next flush: chasing them would keep the
                    # backend writing back to back under steady load (a core at 100 % with the
                    # .xlsx file at 20 updates/s).
                    break
            return delivered

    async def _deliver(self, changes: list[PendingChange]) -> int:
        """Write the changes' rows; mark them done; return how many were written."""
        submission_ids = sorted({change.submission_id for change in changes})
        loop = asyncio.get_running_loop()
        held: dict[int, FailedPart] = {}  # submissions a commune's failing spreadsheet kept
        try:
            batch = await self.source.build_batch(submission_ids)
            started = loop.time()
            try:
                await self.backend.apply(batch)
            except RowsDisplaced as displaced:
                await self._repair(submission_ids, displaced)
            except PartsFailed as partial:
                held = {i: part for part in partial.failed for i in part.submission_ids}
                if partial.displaced is not None:
                    written = [i for i in submission_ids if i not in held]
                    await self._repair(written, partial.displaced)
            await self._restore_deleted()
            self._pace(loop.time() - started)
        except Exception as error:
            message = safe_error(error)
            self._failure(error)
            await self.source.failed(changes, message)
            if isinstance(error, MirrorError):
                log.warning("sheet mirror: %d change(s) kept for later: %s", len(changes), message)
            else:
                log.exception("sheet mirror: unexpected failure, %d change(s) kept", len(changes))
            raise
        if held:
            await self._keep(changes, held)
            changes = [change for change in changes if change.submission_id not in held]
        await self.source.done(changes)
        self.delivered += len(changes)
        if changes or not held:  # something was written (or nothing failed): a success
            self._success()
        if held:  # each failed sheet waits out its own pause; the error is shown
            self.last_error = next(iter(held.values())).error
            self.last_error_at = self._clock()
        return len(changes)

    async def _keep(self, changes: list[PendingChange], held: dict[int, FailedPart]) -> None:
        """Keep the changes of the spreadsheets not written, until each one's pause ends."""
        by_part: dict[str, tuple[FailedPart, list[PendingChange]]] = {}
        for change in changes:
            part = held.get(change.submission_id)
            if part is not None:
                by_part.setdefault(part.key, (part, []))[1].append(change)
        for part, kept in by_part.values():
            await self.source.failed(kept, part.error, timedelta(seconds=part.retry_in_s))
            log.warning("sheet mirror: %d change(s) kept for later: %s", len(kept), part.error)

    async def _repair(self, submission_ids: list[int], displaced: RowsDisplaced) -> None:
        """A hand sort or deletion moved rows under the write, so some unit's row was
        overwritten: write the harmed units again from the store, in the rows the misplaced
        write doubled; if that write is displaced too, rewrite the whole sheet."""
        log.warning("sheet mirror: %s; writing those rows again from the store", displaced)
        repair = getattr(self.backend, "repair", None)
        if callable(repair):
            ids = sorted(set(submission_ids) | set(displaced.ids))
            try:
                await repair(await self.source.build_batch(ids))
                return
            except RowsDisplaced as again:
                log.warning("sheet mirror: %s again; rewriting the whole sheet", again)
        await self.backend.rebuild(await self.source.full_batch())

    async def _restore_deleted(self) -> None:
        """Write again the rows a person deleted by hand (the backend noticed them missing)."""
        take = getattr(self.backend, "take_missing", None)
        missing = take() if callable(take) else set()
        if missing:
            log.info("sheet mirror: %d row(s) deleted by hand written again", len(missing))
            await self.backend.apply(await self.source.build_batch(sorted(missing)))

    def _pace(self, took: float) -> None:
        if self.max_duty is not None and 0 < self.max_duty < 1:
            rest = took * (1 / self.max_duty - 1)
            self._paced_until = max(self._paced_until, asyncio.get_running_loop().time() + rest)

    def paced(self) -> bool:
        """Whether a scheduled flush should wait (the backend's last write was costly)."""
        return asyncio.get_running_loop().time() < self._paced_until

    async def refresh_status(self) -> None:
        """Rewrite the status sheet alone (deadlines pass even when nobody files anything)."""
        async with self._lock:
            batch = await self.source.build_batch([])
            if batch.status:
                try:
                    await self.backend.apply(replace(batch, layouts=(), records=()))
                except PartsFailed as partial:  # the others were refreshed; it is logged
                    self.last_error = str(partial)
                    self.last_error_at = self._clock()

    async def resync(self) -> int:
        """Rebuild every worksheet from the store, then deliver what is still pending."""
        async with self._lock:
            batch = await self.source.full_batch()
            try:
                await self.backend.rebuild(batch)
            except Exception as error:
                self._failure(error)
                raise
            self._success()
        await self.run_once()
        return len(batch.records)

    def _success(self) -> None:
        self.last_success_at = self._clock()
        self.consecutive_failures = 0

    def _failure(self, error: BaseException) -> None:
        self._last_exception = error
        self.last_error = safe_error(error)
        self.last_error_at = self._clock()
        self.consecutive_failures += 1

    def next_delay(self) -> float:
        """Seconds until the next flush: the interval, or a jittered backoff after failures."""
        if not self.consecutive_failures:
            return self.interval_s
        ceiling = min(self.max_backoff_s, self.interval_s * 2 ** min(self.consecutive_failures, 16))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    async def cycle(self) -> None:
        """One round: answer a rebuild request, flush, refresh the status sheet when idle.

        Errors are recorded (and the next round backs off, see `next_delay`), never raised.
        """
        now = asyncio.get_running_loop().time()
        if self._last_status is None:
            self._last_status = now
        try:
            await self._answer_requests()
            if self.paced():
                return
            if await self.run_once() == 0 and self._status_due(now - self._last_status):
                await self.refresh_status()
                self._last_status = now
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if error is not self._last_exception:  # e.g. the database itself failed
                log.warning("sheet mirror: flush failed: %s", safe_error(error))
                self._failure(error)

    async def run_forever(self) -> None:
        """Run `cycle` every `interval_s` (or the backoff) until `stop()`."""
        self._stop.clear()
        while not self._stop.is_set():
            await self.cycle()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.next_delay())

    async def _answer_requests(self) -> None:
        """Rebuild the sheet when another process asked for it (only while holding the lease)."""
        if self.requests is None:
            return
        if self.lease is not None and not await self.lease.acquire():
            return
        request_id = await self.requests.take()
        if request_id is None:
            return
        log.info("sheet mirror: rebuilding on request %s", request_id)
        try:
            count = await self.resync()
        except Exception as error:
            await self.requests.answer(request_id, None, safe_error(error))
            raise
        await self.requests.answer(request_id, count, None)

    def _status_due(self, elapsed: float) -> bool:
        return self.status_refresh_s is not None and elapsed >= self.status_refresh_s

    def stop(self) -> None:
        """Ask `run_forever` to return after the current flush."""
        self._stop.set()

    async def status(self) -> MirrorStatus:
        """Return the backlog and the last success and error."""
        return MirrorStatus(
            backend=getattr(self.backend, "name", type(self.backend).__name__),
            backlog=await self.source.backlog(),
            last_success_at=self.last_success_at,
            last_error=self.last_error,
            last_error_at=self.last_error_at,
            consecutive_failures=self.consecutive_failures,
            delivered=self.delivered,
        )
