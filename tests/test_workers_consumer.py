"""The worker's inbox consumer (PostgreSQL): replies are confirmed as soon as they are sent."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from connectors.base import Address, Incoming, Outgoing
from reportbot.store import replies as reply_rows
from reportbot.store import sql
from reportbot.store.writer import GroupCommitter
from reportbot.workers import consumer as consumer_module
from reportbot.workers.consumer import InboxConsumer

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


async def test_a_sent_reply_is_confirmed_without_waiting_for_a_timer(pg: str, monkeypatch) -> None:
    """Issue 17: the next answer of the person waits until this reply is confirmed, so the
    consumer must confirm on delivery, not on a period (set to an hour here)."""
    monkeypatch.setattr(consumer_module, "CONFIRM_RETRY_S", 3600.0)
    receipt = reply_rows.new_receipt(7)
    address = Address("telegram", "7", "7")
    reply = Outgoing("xin chào", receipt=receipt)
    await sql.execute(reply_rows.INSERT_REPLY, reply_rows.reply_row(receipt, address, [reply], NOW))
    message = Incoming("telegram", "7", "7", text="hi", update_id="u1")
    writer = GroupCommitter()  # the production path: a web process's group writer
    try:
        assert await writer.accept(message, NOW) == "new"
    finally:
        await writer.close()
    delivered: list[list[Outgoing]] = []

    async def handler(_message: Incoming) -> list[Outgoing]:
        return [reply]

    async def deliver(_address: Address, messages: list[Outgoing]) -> None:
        delivered.append(messages)

    worker = InboxConsumer(handler, deliver, lambda: NOW)
    await worker.start()  # no LISTEN: the first claim runs at once
    try:
        assert await reply_rows.is_owed(receipt)
        deadline = asyncio.get_running_loop().time() + 10
        while await reply_rows.is_owed(receipt):
            assert asyncio.get_running_loop().time() < deadline, "reply never confirmed"
            await asyncio.sleep(0.01)
        assert delivered == [[reply]]
    finally:
        await worker.stop(grace_s=1)
