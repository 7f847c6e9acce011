"""A lease held by a process that died on this host is taken over at once, not after its TTL;
a live holder, or one on another host, keeps it (issue 12: jobs resume within seconds)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from reportbot.store.lease import (
    HEARTBEAT,
    LEASE_TTL,
    Lease,
    holder_id,
    holder_is_dead_here,
    lease_state,
)
from tests.conftest import FakeClock

ROOT = Path(__file__).resolve().parent.parent

HOLDER = """
import asyncio, json, sys
from datetime import UTC, datetime
from pathlib import Path
from reportbot.store.database import open_database
from reportbot.store.lease import HEARTBEAT, LEASE_TTL, Lease, holder_id

async def main(args):
    await open_database(args["db"], migrate_first=False)
    holder = holder_id()
    lease = Lease("job", holder, ttl=LEASE_TTL, heartbeat=HEARTBEAT,
                  clock=lambda: datetime.now(UTC))
    assert await lease.acquire()
    Path(args["ready"]).write_text(holder)
    await asyncio.Event().wait()  # hold it until killed

asyncio.run(main(json.loads(sys.argv[1])))
"""


async def _child_holding_the_lease(
    db: str, tmp_path: Path
) -> tuple[asyncio.subprocess.Process, str]:
    ready = tmp_path / "ready"
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, json.dumps({"db": db, "ready": str(ready)}), cwd=ROOT
    )
    deadline = asyncio.get_running_loop().time() + 60
    while not (ready.exists() and ready.read_text()):
        assert child.returncode is None, "the holder process ended early"
        assert asyncio.get_running_loop().time() < deadline, "the holder never took the lease"
        await asyncio.sleep(0.05)
    return child, ready.read_text()


async def test_a_lease_of_a_killed_local_process_is_taken_at_once(db: str, tmp_path: Path) -> None:
    child, holder = await _child_holding_the_lease(db, tmp_path)
    # A clock that never moves: only the dead-holder rule can free a lease that is still live.
    clock = FakeClock(datetime.now(UTC))
    mine = Lease("job", holder_id(), ttl=LEASE_TTL, clock=clock)
    try:
        assert not await mine.acquire()  # alive: it keeps its lease
        state = await lease_state("job")
        assert state is not None and state.holder == holder and state.live(clock())
    finally:
        os.kill(child.pid, signal.SIGKILL)
        await child.wait()
    assert holder_is_dead_here(holder)
    assert await mine.acquire()
    state = await lease_state("job")
    assert state is not None and state.holder == mine.holder
    await mine.release()


async def test_a_holder_on_another_host_keeps_its_lease_until_it_runs_out(db: str) -> None:
    clock = FakeClock(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))
    # A process number that surely does not run here, on another machine.
    elsewhere = Lease("job", "other-host:4026531836:999999:abcd1234", ttl=LEASE_TTL, clock=clock)
    assert await elsewhere.acquire()
    mine = Lease("job", holder_id(), ttl=LEASE_TTL, clock=clock)
    assert not await mine.acquire()
    clock.advance(seconds=LEASE_TTL.total_seconds() + 1)
    assert await mine.acquire()
    await mine.release()


def test_only_a_provably_dead_local_process_counts_as_dead() -> None:
    me = holder_id()
    host, namespace, pid, nonce = me.rsplit(":", 3)
    assert int(pid) == os.getpid()
    assert not holder_is_dead_here(me)  # this very process
    assert not holder_is_dead_here(f"{host}:{namespace}:{os.getppid()}:{nonce}")  # alive
    assert not holder_is_dead_here(f"{host}:999:{2**22 + 7}:{nonce}")  # other namespace
    assert not holder_is_dead_here("child")  # an id without host and process
    assert not holder_is_dead_here(f"{host}:{namespace}:not-a-pid:{nonce}")
    assert HEARTBEAT * 2 <= LEASE_TTL
