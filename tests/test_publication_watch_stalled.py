"""The publication watch never holds a message for long while PostgreSQL does not answer.

Before: `PublicationWatch.changed()` awaited its stamp query inline, so while PostgreSQL was
frozen (SIGSTOP'd server) or a table it reads was locked, every officer's message waited up to
the statement timeout (20 s) in `Repository.forms()`. Now the check runs as one task of its
own: a message waits at most `INLINE_WAIT_S` for it, later messages share the pending check
(no second pooled connection), and once the database answers again a change is seen.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import asyncpg
import pytest

from drills.pgserver import PrivatePostgres
from reportbot.store.models import Unit
from reportbot.store.publication_watch import INLINE_WAIT_S, PublicationWatch
from reportbot.store.repository import Repository
from tests.frozen_support import migrated_private_server
from tests.test_drill_short import _has_postgres_tools

# A message's wait on the check: the inline bound plus slack for a loaded 2-core machine.
# Before the fix the wait was the statement timeout, 20 s, so this bound still tells.
MESSAGE_BOUND_S = INLINE_WAIT_S + 5.0
RECOVERY_S = 30.0  # the hung check ends at the latest at the statement timeout (20 s)


def _asyncpg_url(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def _timed(call: object) -> tuple[object, float]:
    started = time.monotonic()
    value = await asyncio.wait_for(call, 60)  # only keeps a failing test from hanging the run
    return value, time.monotonic() - started


async def _seen_within(watch: PublicationWatch, deadline_s: float) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if await watch.changed():
            return
        await asyncio.sleep(0.1)  # polling a condition under a deadline, not waiting for luck
    raise AssertionError(f"the change was not seen within {deadline_s} s")


async def _waiting_on_lock(holder: asyncpg.Connection) -> int:
    return await holder.fetchval(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )


async def test_a_locked_table_holds_no_message_and_the_change_is_seen_after(pg: str) -> None:
    repository = Repository(recheck_s=0)
    await repository.start()
    await repository.forms()
    watch = PublicationWatch(recheck_s=0)
    await watch.loading()
    holder = await asyncpg.connect(_asyncpg_url(pg), timeout=10)
    try:
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("LOCK TABLE units IN ACCESS EXCLUSIVE MODE")
        for _message in range(3):
            answer, elapsed = await _timed(watch.changed())
            assert answer is False
            assert elapsed < MESSAGE_BOUND_S, f"a message waited {elapsed:.1f} s on the check"
            _forms, elapsed = await _timed(repository.forms())
            assert elapsed < MESSAGE_BOUND_S, f"forms() waited {elapsed:.1f} s on the check"
        # one pending check per watch, not one more pooled connection per message
        assert await _waiting_on_lock(holder) == 2
        await holder.execute(
            "INSERT INTO units (code, name, type, active, created_at) "
            "VALUES ('thon9', 'Thôn 9', 'to_cns', true, now())"
        )
        await transaction.commit()
    finally:
        await holder.close()
    await _seen_within(watch, RECOVERY_S)
    assert await Unit.filter(code="thon9").exists()
    await repository.close()


@pytest.fixture
async def frozen_server() -> AsyncIterator[PrivatePostgres]:
    """A private migrated server with tortoise open on it (never the shared one)."""
    async with migrated_private_server("watch-frozen-") as server:
        yield server


@pytest.mark.drill
@pytest.mark.skipif(not _has_postgres_tools(), reason="initdb/pg_ctl not available")
async def test_a_frozen_server_holds_no_message_and_the_watch_recovers(
    frozen_server: PrivatePostgres,
) -> None:
    watch = PublicationWatch(recheck_s=0)
    await watch.loading()
    assert await watch.changed() is False
    frozen_server.freeze()
    try:
        for _message in range(3):
            answer, elapsed = await _timed(watch.changed())
            assert answer is False
            assert elapsed < MESSAGE_BOUND_S, f"a message waited {elapsed:.1f} s on the check"
    finally:
        frozen_server.thaw()
    await Unit.create(code="thon9", name="Thôn 9", type="to_cns")
    await _seen_within(watch, RECOVERY_S)
