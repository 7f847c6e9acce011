"""Short leases renewed by a heartbeat: held as long as the holder lives, free within seconds of
its death (a process killed with SIGKILL), and never held by two at once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reportbot.store.inbox import mark_done, prune
from reportbot.store.lease import HEARTBEAT, LEASE_TTL, Lease, lease_state
from reportbot.store.sql import rows
from tests.conftest import FakeClock

ROOT = Path(__file__).resolve().parent.parent
RECOVERY = timedelta(seconds=15)  # issue 12: a crashed holder's jobs resume within 15 s

HOLDER = """
import asyncio, json, sys
from datetime import UTC, datetime
from pathlib import Path
from reportbot.store.database import open_database
from reportbot.store.lease import HEARTBEAT, LEASE_TTL, Lease

async def main(args):
    await open_database(args["db"], migrate_first=False)
    lease = Lease("job", "child", ttl=LEASE_TTL, heartbeat=HEARTBEAT,
                  clock=lambda: datetime.now(UTC))
    assert await lease.acquire()
    Path(args["ready"]).touch()
    await asyncio.Event().wait()  # hold it (the heartbeat renews it) until killed

asyncio.run(main(json.loads(sys.argv[1])))
"""


def now() -> datetime:
    return datetime.now(UTC)


async def wait_until(condition, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_a_killed_holder_frees_the_lease_within_15_seconds(db: str, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLDER,
        json.dumps({"db": db, "ready": str(ready)}),
        cwd=ROOT,
        stderr=asyncio.subprocess.PIPE,
    )
    mine = Lease("job", "parent", ttl=LEASE_TTL, heartbeat=HEARTBEAT, clock=now)
    try:

        async def child_ready() -> bool:
            assert child.returncode is None, (await child.stderr.read()).decode()  # type: ignore[union-attr]
            return ready.exists()

        await wait_until(child_ready, timeout=60)
        # Past one whole lease the child still holds it: its heartbeat renews it.
        first = await lease_state("job")
        assert first is not None and first.holder == "child" and first.since is not None
        outlived = now() + LEASE_TTL + HEARTBEAT

        async def outlived_by_child() -> bool:
            assert not await mine.acquire()
            return now() > outlived

        await wait_until(outlived_by_child, timeout=60)
        later = await lease_state("job")
        assert later is not None and later.holder == "child"
        assert later.expires_at > first.expires_at  # renewed, not merely still valid
    finally:
        killed_at = now()
        os.kill(child.pid, signal.SIGKILL)
        await child.wait()
    assert child.returncode == -signal.SIGKILL
    await wait_until(mine.acquire, timeout=RECOVERY.total_seconds())
    assert now() - killed_at <= RECOVERY
    state = await lease_state("job")
    assert state is not None and state.holder == "parent" and state.live(now())
    await mine.release()
    assert await lease_state("job") is None


async def test_a_holder_whose_heartbeat_stops_loses_the_lease(db: str) -> None:
    clock = FakeClock(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))
    ttl, beat = timedelta(seconds=10), timedelta(seconds=3)
    a = Lease("job", "a", ttl=ttl, heartbeat=beat, clock=clock)
    b = Lease("job", "b", ttl=ttl, heartbeat=beat, clock=clock)
    assert await a.acquire() and not await b.acquire()
    assert a._beating is not None
    a._beating.cancel()  # a process that hangs: no more renewals, no release
    clock.advance(seconds=9)
    assert not await b.acquire()  # still within a's lease
    clock.advance(seconds=2)
    assert await b.acquire()  # a's lease ran out: taken over
    assert not await a.renew()  # a learns it lost the lease by compare-and-set
    await a.release()  # releasing a lost lease changes nothing
    assert not await a.acquire()
    await b.release()


def test_a_heartbeat_slower_than_half_the_lease_is_refused() -> None:
    try:
        Lease("job", "a", ttl=timedelta(seconds=4), heartbeat=timedelta(seconds=3), clock=now)
    except ValueError:
        return
    raise AssertionError("a heartbeat that cannot renew in time was accepted")


async def test_old_processed_updates_are_pruned(db: str) -> None:
    today = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
    for update_id, days_ago in (("1", 30), ("2", 8), ("3", 6), ("4", 0)):
        await mark_done(("telegram", update_id), today - timedelta(days=days_ago))
    await mark_done(("telegram", "4"), today)  # a redelivery records nothing twice
    assert await prune(today, keep=timedelta(days=7)) == 2
    left = await rows("SELECT update_id FROM inbox ORDER BY update_id")
    assert [r[0] for r in left] == ["3", "4"]
    assert await prune(today, keep=timedelta(days=7)) == 0
