"""Whether another process changed which forms are published, and for which units.

A bot process keeps the form set in memory (`Repository.forms`). Forms are published from the
command line (`reportbot forms import`, a separate process) or in the chat on one worker among
several, and units are imported into communes the same ways: each running process must see
that without a restart. One small statement, asked at most every `RECHECK_S` seconds per
process, says whether anything it depends on changed since the set was loaded.

The statement runs as a task of its own, and a message waits on it at most `INLINE_WAIT_S`:
a frozen PostgreSQL server or a lock held on `units` made it wait up to the statement timeout
(20 s) on the officer's message path. A check still pending then answers "unchanged" (the set
loaded keeps serving); later messages share that pending check instead of each taking one more
pooled connection, and the first to come after it ended reads its answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from reportbot.store import sql

log = logging.getLogger(__name__)

Rows = Callable[[str, Sequence[object]], Awaitable[list[Sequence[Any]]]]

RECHECK_S = 2.0  # an officer sees a form published elsewhere within this (plus one message)
INLINE_WAIT_S = 0.25  # the most a message waits on a check (one takes ~1 ms when all is well)
PRIME = 2147483647  # 2^31 - 1: every term below stays far inside 64 bits on both dialects


def _mixed(row_id: str, reference: str) -> str:
    """SQL for a hash-like number of (row id, reference) below 2 x PRIME, in BIGINT.

    A plain sum of id x reference cancels when one import moves several rows (unit 1 two
    communes on, unit 2 one back) and overflows PostgreSQL's 32-bit integers past 2^31; a
    square modulo a prime scatters each pair, so a change of any row changes the sum but for
    a chance of about one in two billion, and nothing leaves 64 bits (sums of < 2^32 each).
    """
    pair = (
        f"((CAST({row_id} AS BIGINT) % {PRIME}) * 48271 "
        f"+ CAST(coalesce({reference}, 0) AS BIGINT) % {PRIME}) % {PRIME}"
    )
    return f"({pair}) * ({pair}) % {PRIME} + {pair}"


# Changes with a new version (a new active row), a withdrawn or re-published form (`active`),
# a form given another commune or province (`scope_id`), and a unit added or moved to another
# commune (which units a scoped form reaches). Aggregates keep it one cheap statement on SQLite
# and PostgreSQL alike.
STAMP = (
    "SELECT (SELECT count(*) FROM form_templates WHERE active) AS forms, "
    "(SELECT coalesce(max(id), 0) FROM form_templates WHERE active) AS newest, "
    f"(SELECT coalesce(sum({_mixed('id', 'scope_id')}), 0) FROM form_templates WHERE active) "
    "AS scopes, (SELECT count(*) FROM units) AS units, "
    "(SELECT coalesce(max(id), 0) FROM units) AS last_unit, "
    f"(SELECT coalesce(sum({_mixed('id', 'organisation_id')}), 0) FROM units) AS communes"
)


async def publication_stamp(rows: Rows | None = None) -> Sequence[Any]:
    """A value that differs whenever the published forms or the units' communes changed
    (read with `rows`, e.g. the repository's read connection, else tortoise's)."""
    found = await (rows or sql.rows)(STAMP, ())
    return tuple(int(value) for value in found[0])


class PublicationWatch:
    """Compares the stored stamp with the one taken when the form set was loaded."""

    def __init__(
        self,
        recheck_s: float = RECHECK_S,
        rows: Rows | None = None,
        inline_wait_s: float = INLINE_WAIT_S,
    ) -> None:
        self._recheck_s = recheck_s
        self._rows = rows
        self._inline_wait_s = inline_wait_s
        self._stamp: Sequence[Any] | None = None
        self._checked = 0.0
        self._pending: asyncio.Task[bool] | None = None  # the check in flight (at most one)
        self._failing = False  # the last check failed (logged once until one succeeds)

    async def loading(self) -> None:
        """Call just before loading the form set: a change made during the load is seen next."""
        self._pending = None  # a check in flight compares with the old stamp: its answer is moot
        self._stamp = await publication_stamp(self._rows)
        self._checked = time.monotonic()

    async def changed(self) -> bool:
        """Whether the set loaded is out of date; asks the database at most every recheck_s
        and waits at most inline_wait_s for the answer. A failed check (database briefly
        away, a statement timeout) or one still pending answers False: the set loaded keeps
        serving and the check is tried again after recheck_s."""
        pending = self._pending
        if pending is None:
            if time.monotonic() < self._checked + self._recheck_s:
                return False
            self._checked = time.monotonic()  # first: messages arriving meanwhile do not ask too
            pending = self._pending = asyncio.create_task(self._check(), name="publication-check")
        # asyncio.wait neither cancels the check at its timeout (cancelling an asyncpg query
        # waits on the frozen server too) nor raises: the check goes on without the message.
        await asyncio.wait((pending,), timeout=self._inline_wait_s)
        if not pending.done():
            return False
        if self._pending is pending:
            self._pending = None
            self._checked = time.monotonic()  # the next check comes recheck_s after this one
        return pending.result()

    async def _check(self) -> bool:
        """One check: whether the stamp differs from the loaded one; False when it failed."""
        loaded = self._stamp
        try:
            stamp = await publication_stamp(self._rows)
        except Exception as error:
            # (asyncpg's ConnectionDoesNotExistError or AdminShutdownError at a PostgreSQL
            # restart pass through tortoise unconverted) keeps the loaded set, never the message
            if not self._failing:
                # the type only: asyncpg's messages may quote the connection's parameters
                log.warning(
                    "publication check failed (%s), keeping the forms loaded", type(error).__name__
                )
            self._failing = True
            return False
        if self._failing:
            log.info("publication check works again")
            self._failing = False
        return stamp != loaded
