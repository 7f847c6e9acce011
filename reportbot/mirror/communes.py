"""One spreadsheet per commune: each row and status table goes to its commune's spreadsheet.

A commune given a spreadsheet of its own (`reportbot org set-sheet`) arrives in every batch
as a `SheetTarget`; its units' records and status rows carry the target's key. Everything
else (the default commune, any commune without a sheet) goes to the deployment's backend,
exactly as before: a batch that names no target is handed to it untouched.

Each spreadsheet is its own backend (own request batching, retries and rate limiter), and a
failure stays with it: the other parts are written, the failed part's submissions come back
in `PartsFailed` for the worker to keep (and retry later), and the failing spreadsheet is
paused for a growing, jittered delay, so a sheet nobody shared with the service account (403)
costs one call per pause, not one per flush, and never holds the other communes' rows.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from reportbot.mirror.backend import MirrorBackend, MirrorError
from reportbot.mirror.records import MirrorBatch, SheetTarget, StatusSheet, SubmissionRecord
from reportbot.mirror.verify import RowsDisplaced

log = logging.getLogger(__name__)

DEPLOYMENT = ""  # the key of the deployment's own spreadsheet


@dataclass(frozen=True, slots=True)
class FailedPart:
    """One spreadsheet's part of a batch that was not written, and when to try it again."""

    key: str
    error: str
    submission_ids: frozenset[int]
    retry_in_s: float


class PartsFailed(MirrorError):
    """Some spreadsheets were not written (the others were); `displaced` is a part whose rows
    moved under the write (see `RowsDisplaced`), for the worker to repair."""

    def __init__(self, failed: list[FailedPart], displaced: RowsDisplaced | None = None) -> None:
        self.failed = failed
        self.displaced = displaced
        shown = "; ".join(part.error for part in failed[:3]) or str(displaced)
        super().__init__(shown)

    @property
    def submission_ids(self) -> frozenset[int]:
        """The submissions whose rows were not written."""
        return frozenset().union(*(part.submission_ids for part in self.failed))


@dataclass(slots=True)
class _Health:
    """One spreadsheet's failures in a row, and until when it is left alone."""

    failures: int = 0
    paused_until: float = 0.0
    error: str = ""


@dataclass
class CommuneRouter:
    """Route a batch to the deployment's backend and to each commune's own."""

    default: MirrorBackend
    factory: Callable[[SheetTarget], MirrorBackend]
    # Which targets this deployment writes on their own (Google: those with a spreadsheet
    # id; a target that only names a local workbook then stays in the deployment's sheet).
    wants: Callable[[SheetTarget], bool] = lambda _target: True
    parallel: int = 4  # spreadsheets written at once (their HTTP calls run in threads)
    base_pause_s: float = 5.0
    max_pause_s: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _backends: dict[str, tuple[SheetTarget, MirrorBackend]] = field(default_factory=dict)
    _health: dict[str, _Health] = field(default_factory=dict)
    _retired: list[MirrorBackend] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The deployment backend's name ('xlsx', 'google', 'split')."""
        return str(getattr(self.default, "name", type(self.default).__name__))

    @property
    def max_duty(self) -> float | None:
        """The deployment backend's pacing (the local workbook's), read by the worker."""
        return getattr(self.default, "max_duty", None)

    # -- routing ---------------------------------------------------------------------------

    def backend(self, target: SheetTarget | None) -> MirrorBackend:
        """The backend of a commune's target (a new one when its spreadsheet changed)."""
        if target is None:
            return self.default
        known = self._backends.get(target.key)
        if known is None or known[0] != target:
            if known is not None:
                self._retired.append(known[1])  # closed with the others at stop
            self._backends[target.key] = (target, self.factory(target))
        return self._backends[target.key][1]

    def parts(self, batch: MirrorBatch) -> dict[str, MirrorBatch]:
        """The batch cut per spreadsheet key (a key no target names: the deployment's)."""
        keys = {target.key for target in self._wanted(batch)}
        records: dict[str, list[SubmissionRecord]] = {}
        for record in batch.records:
            records.setdefault(record.sheet if record.sheet in keys else DEPLOYMENT, []).append(
                record
            )
        status: dict[str, list[StatusSheet]] = {}
        for sheet in batch.status:
            rows: dict[str, list] = {}
            for row in sheet.rows:
                rows.setdefault(row.sheet if row.sheet in keys else DEPLOYMENT, []).append(row)
            for key, kept in rows.items():
                status.setdefault(key, []).append(replace(sheet, rows=tuple(kept)))
        return batch.parts(records, status)

    def _wanted(self, batch: MirrorBatch) -> list[SheetTarget]:
        return [target for target in batch.targets if self.wants(target)]

    def _target(self, batch: MirrorBatch, key: str) -> SheetTarget | None:
        return next((t for t in self._wanted(batch) if t.key == key), None)

    # -- writing ---------------------------------------------------------------------------

    async def apply(self, batch: MirrorBatch) -> None:
        """Write each part to its spreadsheet; `PartsFailed` names the parts not written."""
        if not self._wanted(batch):
            await self.default.apply(batch)  # one spreadsheet: exactly as before communes
            return
        await self._each(batch, "apply")

    async def repair(self, batch: MirrorBatch) -> None:
        """Repair each part in its spreadsheet after `RowsDisplaced`."""
        await self._each(batch, "repair")

    async def rebuild(self, batch: MirrorBatch) -> None:
        """Rewrite every spreadsheet with rows or status in the batch; the first error is
        raised after every other spreadsheet was rebuilt."""
        errors: list[Exception] = []
        for key, part in self.parts(batch).items():
            try:
                await self.backend(self._target(batch, key)).rebuild(part)
                self._healthy(key)
            except MirrorError as error:
                errors.append(error)
        if errors:
            raise errors[0]

    async def _each(self, batch: MirrorBatch, how: str) -> None:
        gate = asyncio.Semaphore(max(1, self.parallel))

        async def one(key: str, part: MirrorBatch) -> FailedPart | RowsDisplaced | None:
            async with gate:
                return await self._write(batch, key, part, how)

        parts = self.parts(batch)
        outcomes = await asyncio.gather(*(one(key, part) for key, part in parts.items()))
        failed = [outcome for outcome in outcomes if isinstance(outcome, FailedPart)]
        displaced = next((o for o in outcomes if isinstance(o, RowsDisplaced)), None)
        if failed:
            raise PartsFailed(failed, displaced)
        if displaced is not None:
            raise displaced

    async def _write(
        self, batch: MirrorBatch, key: str, part: MirrorBatch, how: str
    ) -> FailedPart | RowsDisplaced | None:
        """Write one part; what went wrong, if anything (a paused spreadsheet is not called)."""
        health = self._health.get(key)
        ids = frozenset(record.submission_id for record in part.records)
        if health is not None and self.clock() < health.paused_until:
            if not ids:
                return None  # a status refresh waits for the spreadsheet's next attempt
            return FailedPart(key, health.error, ids, health.paused_until - self.clock())
        backend = self.backend(self._target(batch, key))
        write = getattr(backend, how, None) if how == "repair" else None
        try:
            await (write(part) if callable(write) else backend.apply(part))
        except RowsDisplaced as displaced:
            self._healthy(key)
            return displaced
        except Exception as error:
            if not isinstance(error, MirrorError):
                log.exception("sheet mirror: unexpected failure writing %s", key or "deployment")
            return self._failed(batch, key, ids, error)
        self._healthy(key)
        return None

    def _failed(
        self, batch: MirrorBatch, key: str, ids: frozenset[int], error: Exception
    ) -> FailedPart:
        health = self._health.setdefault(key, _Health())
        health.failures += 1
        ceiling = min(self.max_pause_s, self.base_pause_s * 2 ** min(health.failures - 1, 16))
        pause = ceiling / 2 + random.uniform(0, ceiling / 2)
        health.paused_until = self.clock() + pause
        text = " ".join(str(error).split())[:300] or type(error).__name__
        label = self.label(batch, key)
        health.error = f"{label}: {text}" if label else text
        log.warning("sheet mirror: %s; tried again in %.0f s", health.error, pause)
        return FailedPart(key, health.error, ids, pause)

    def _healthy(self, key: str) -> None:
        self._health.pop(key, None)

    def label(self, batch: MirrorBatch, key: str) -> str:
        """Whose spreadsheet a key is, for an admin: 'Xã Ngọc Réo (xa-b)', or '' for the
        deployment's. Names only, no words of a language: the error is stored once and read
        in Vietnamese and in English (`reminders.compose.sheet_notices`, `reportbot status`)."""
        target = self._target(batch, key)
        return "" if target is None else f"{target.name} ({target.key})"

    # -- the rest of the backend interface -------------------------------------------------

    def take_missing(self) -> set[int]:
        """The ids of rows deleted by hand in any of the spreadsheets."""
        missing: set[int] = set()
        for backend in [self.default, *(b for _, b in self._backends.values())]:
            take = getattr(backend, "take_missing", None)
            if callable(take):
                missing |= take()
        return missing

    async def close(self) -> None:
        """Close every backend."""
        for backend in [self.default, *self._retired, *(b for _, b in self._backends.values())]:
            await backend.close()
