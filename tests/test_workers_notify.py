"""Reply confirmations across worker processes (PostgreSQL, issue 17).

A person's next answer may be claimed by a worker that did not send the reply it answers; that
worker waits until the reply is confirmed (`replies.wait_confirmed`). The confirmation is made
by the other worker process, so only its NOTIFY can end the wait before the next poll.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime

from connectors.base import Address, Incoming, Outgoing
from reportbot.store import replies as reply_rows
from reportbot.store import sql
from reportbot.workers.consumer import InboxConsumer
from tests.conftest import ROOT

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
ADDRESS = Address("telegram", "7", "7")
# More receipts than one NOTIFY payload may carry (8000 bytes): the confirmation is split.
STEPS = 3 * reply_rows.NOTIFY_CHUNK  # some 10,500 bytes of receipts in all

CONFIRM_ELSEWHERE = """
import asyncio, sys
from tortoise import Tortoise
from reportbot.store import replies
from reportbot.store.database import tortoise_config

async def main() -> None:
    await Tortoise.init(config=tortoise_config(sys.argv[1]))
    try:
        await replies.confirm(sys.argv[2:])
    finally:
        await Tortoise.close_connections()

asyncio.run(main())
"""


async def _confirm_in_another_process(database_url: str, receipts: list[str]) -> int:
    """Run `replies.confirm` in a separate Python process (another worker's connection)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CONFIRM_ELSEWHERE,
        database_url,
        *receipts,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return await asyncio.wait_for(process.wait(), 60)


async def _nothing(_message: Incoming) -> list[Outgoing]:
    return []


async def _no_delivery(_address: Address, _messages: list[Outgoing]) -> None:
    return None


async def test_another_workers_confirmation_ends_the_wait_here_at_once(pg: str) -> None:
    receipts = [reply_rows.new_receipt(7) for _ in range(STEPS)]
    for receipt in receipts:
        reply = Outgoing("Câu 1. Tên đơn vị?", receipt=receipt)
        await sql.execute(
            reply_rows.INSERT_REPLY, reply_rows.reply_row(receipt, ADDRESS, [reply], NOW)
        )
    here = InboxConsumer(_nothing, _no_delivery, lambda: NOW)
    await here.start(pg)  # LISTENs, as a worker process does
    try:
        # Without a notification this wait would only end at its next poll, in an hour.
        waiting = asyncio.create_task(
            reply_rows.wait_confirmed(receipts[-1], timeout=3600, poll=3600)
        )
        assert await reply_rows.is_owed(receipts[-1])
        assert not waiting.done()
        assert await _confirm_in_another_process(pg, receipts) == 0
        # The other process deleted every row: the wait must end, and say "confirmed".
        assert await asyncio.wait_for(waiting, 30) is True
        assert await reply_rows.backlog() == 0
    finally:
        await here.stop(grace_s=1)
