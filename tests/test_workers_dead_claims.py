"""A killed worker's claims come back at once, not after their lease (issue 17, deadclaims).

A worker process (a real `InboxConsumer` in a separate Python process, started as the worker
role starts it) claims an update and never finishes it. While it lives, another worker must
not take that update; once it is killed with SIGKILL, the other worker must handle it long
before the lease (an hour here) would have let it. A worker whose own session is cut stops
holding its lock and takes it back.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from connectors.base import Address, Incoming, Outgoing
from reportbot.store import inbox
from reportbot.store.models import InboxEntry
from reportbot.store.writer import GroupCommitter
from reportbot.workers import consumer as consumer_module
from reportbot.workers.consumer import InboxConsumer
from tests.conftest import ROOT
from tests.workers_harness import wait_until

HOUR = timedelta(hours=1)

STUCK_WORKER = """
import asyncio, sys
from datetime import UTC, datetime, timedelta
from tortoise import Tortoise
from reportbot.store.database import tortoise_config
from reportbot.workers import consumer as consumer_module

consumer_module.LEASE = timedelta(hours=1)

async def handle(message):
    print(message.update_id, flush=True)
    await asyncio.Event().wait()  # claimed, never finished

async def deliver(address, messages):
    return None

async def main() -> None:
    await Tortoise.init(config=tortoise_config(sys.argv[1]))
    # one update at a time: it takes u1 and nothing more
    worker = consumer_module.InboxConsumer(
        handle, deliver, lambda: datetime.now(UTC), concurrency=1
    )
    await worker.start(sys.argv[1])
    print("holder", worker.holder, flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


async def _accept(user: str, update: str) -> None:
    message = Incoming("telegram", user, user, text=f"text {update}", update_id=update)
    writer = GroupCommitter()  # the production path: a web process's group writer
    try:
        assert await writer.accept(message, datetime.now(UTC)) == "new"
    finally:
        await writer.close()


async def _no_delivery(_address: Address, _messages: list[Outgoing]) -> None:
    return None


class Recorder:
    """A worker's handler that notes each update it is given and answers nothing."""

    def __init__(self) -> None:
        self.seen: list[str | None] = []

    async def __call__(self, message: Incoming) -> list[Outgoing]:
        self.seen.append(message.update_id)
        return []


async def _line(stream: asyncio.StreamReader) -> str:
    return (await asyncio.wait_for(stream.readline(), 60)).decode().strip()


async def test_a_killed_workers_claim_is_handled_by_another_at_once(
    pg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consumer_module, "LEASE", HOUR)  # only the lock can free the claim
    await _accept("a", "u1")
    stuck = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        STUCK_WORKER,
        pg,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
    )
    other = InboxConsumer(Recorder(), _no_delivery, lambda: datetime.now(UTC))
    try:
        assert stuck.stdout is not None
        lines = sorted([await _line(stuck.stdout), await _line(stuck.stdout)])
        assert lines[0].startswith("holder ") and lines[1] == "u1", lines  # u1 in its hands
        holder = lines[0].removeprefix("holder ")
        await _accept("b", "u2")
        recorder = other.handler
        assert isinstance(recorder, Recorder)
        await other.start(pg)

        async def handled(update: str) -> bool:
            return update in recorder.seen

        # The first claim of `other` sees u1 (held by a live worker) and u2 (free) together.
        await wait_until(lambda: handled("u2"), "the free update handled", timeout=30)
        assert recorder.seen == ["u2"]
        row = await InboxEntry.get(update_id="u1")
        assert row.claimed_by == holder
        assert row.claimed_until is not None
        assert row.claimed_until > datetime.now(UTC) + HOUR / 2  # the lease runs on
        stuck.send_signal(signal.SIGKILL)
        assert await asyncio.wait_for(stuck.wait(), 30) == -signal.SIGKILL
        await wait_until(lambda: handled("u1"), "the killed worker's update", timeout=30)
        assert recorder.seen == ["u2", "u1"]
        assert (await InboxEntry.get(update_id="u1")).claimed_by == other.holder
    finally:
        if stuck.returncode is None:
            stuck.kill()
            await stuck.wait()
        await other.stop(grace_s=1)


async def test_a_worker_whose_session_is_cut_takes_its_lock_again(pg: str) -> None:
    worker = InboxConsumer(Recorder(), _no_delivery, lambda: datetime.now(UTC))
    await worker.start(pg)
    session = worker.session
    assert session is not None and session.locked
    admin = await asyncpg.connect(pg.replace("postgres://", "postgresql://", 1))
    try:
        key = (inbox.HOLDER_LOCK_CLASS, worker.holder)
        holders = (
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 "
            "AND objid = hashtext($2)::oid AND objsubid = 2 AND granted"
        )
        before = await admin.fetchval(holders, *key)
        assert before is not None
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", before)

        async def lost() -> bool:
            return session.lost == 1

        await wait_until(lost, "the worker to see its lock lost", timeout=30)

        async def retaken() -> bool:
            pid = await admin.fetchval(holders, *key)
            return pid is not None and pid != before and session.locked

        await wait_until(retaken, "the lock taken again on a new session", timeout=30)
        await _accept("a", "u1")  # and the worker claims again (woken by its new LISTEN)
        recorder = worker.handler
        assert isinstance(recorder, Recorder)

        async def handled() -> bool:
            return recorder.seen == ["u1"]

        await wait_until(handled, "an update after the lock came back", timeout=30)
    finally:
        await admin.close()
        await worker.stop(grace_s=1)
    # stopping gives the lock up
    assert not session.locked
