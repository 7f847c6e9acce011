"""A dead worker's owed replies go out at once, a live worker's are left to it (issue 17).

A step's replies are written with the step and sent after the commit. A worker killed with
kill -9 between the two leaves them in the outbox; its holder lock is gone at once, so the
redelivery job of another worker sends them within seconds instead of 60 s after they were
written (`replies.CONFIRM_WITHIN`). A worker that is alive holds its lock: its replies are
never taken early (that would send them twice), and a row without a writer (an older release)
keeps the 60 s rule. Real `reportbot run --role worker` processes and the fake Telegram.
The redelivery lease of a gone worker is taken at once too (from any host: by its lock), and
only the one process of `--role all` makes every kept reply due when it stops.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from connectors.base import Address, Incoming, Outgoing
from reportbot.app import Application
from reportbot.config import load_settings
from reportbot.store import inbox, sql
from reportbot.store import replies as reply_rows
from reportbot.store.lease import LEASE_TTL, Lease
from reportbot.store.models import OutboxEntry
from reportbot.workers import roles
from reportbot.workers.consumer import InboxConsumer
from tests.conftest import FORMS_DIR
from tests.fakes.telegram import FakeTelegram
from tests.workers_harness import SECRET, Cluster, seed_officers, wait_until

GAP_LIMIT_S = 15.0  # well under CONFIRM_WITHIN (60 s): only the lock can explain it
HELD_S = 600  # the killed worker's send is held by the platform this long (it never answers)


async def _nothing(_message: Incoming) -> list[Outgoing]:
    return []


async def _no_delivery(_address: Address, _messages: list[Outgoing]) -> None:
    return None


async def _owe(user: int, text: str, now: datetime, writer: str | None, due: datetime) -> None:
    """A step's replies as the group writer stores them, to `user` on Telegram."""
    address = Address("telegram", str(user), str(user))
    row = reply_rows.reply_row(reply_rows.new_receipt(user), address, [Outgoing(text)], now, writer)
    row[2] = due
    await sql.execute(reply_rows.INSERT_REPLY, row)


async def _replies_left() -> int:
    return await OutboxEntry.filter(topic=reply_rows.REPLY_TOPIC).count()


async def test_a_live_writers_replies_wait_and_go_at_once_when_it_is_gone(
    pg: str, tmp_path: Path
) -> None:
    live = InboxConsumer(_nothing, _no_delivery, lambda: datetime.now(UTC))
    await live.start(pg)  # this test process is the live worker: it holds its lock
    writer = live.writer()
    assert writer is not None and writer.startswith("L/")
    async with FakeTelegram() as telegram:
        cluster = Cluster(telegram, pg, tmp_path)
        try:
            now = datetime.now(UTC)
            later = now + reply_rows.CONFIRM_WITHIN
            await _owe(101, "owed by a live worker", now, writer, later)
            await _owe(102, "owed by an older release", now, None, later)
            await cluster.start("sender", "worker")  # its redelivery job runs at start
            await _owe(103, "due now", now, None, now)  # written last: its send proves a run
            await telegram.wait_for(lambda: bool(telegram.sent_texts(103)), 30, "the due reply")
            # That run read the two other rows too and took neither.
            assert telegram.sent_texts(101) == [] and telegram.sent_texts(102) == []
            await live.stop(grace_s=1)  # the writer is gone: its lock is free
            gone = time.monotonic()
            await telegram.wait_for(
                lambda: bool(telegram.sent_texts(101)), GAP_LIMIT_S, "the gone writer's reply"
            )
            gap = time.monotonic() - gone
            assert gap < GAP_LIMIT_S, gap
            assert telegram.sent_texts(101) == ["owed by a live worker"]
            assert telegram.sent_texts(102) == []  # no writer: due 60 s after it was written

            async def only_the_old_one_left() -> bool:
                return await _replies_left() == 1

            await wait_until(only_the_old_one_left, "the sent reply confirmed", timeout=30)
        finally:
            await live.stop(grace_s=1)
            await cluster.stop()


async def test_a_gone_writers_row_is_due_for_others_once(pg: str) -> None:
    now = datetime.now(UTC)
    gone = "L/host:1:2:gone"  # a holder id whose lock nobody holds
    await _owe(104, "owed", now, gone, now + reply_rows.CONFIRM_WITHIN)
    assert [o.address.user_id for o in await reply_rows.due(now)] == ["104"]
    # Not to the process that wrote it (it lost its lock, and is sending them itself) ...
    assert await reply_rows.due(now, me=gone) == []
    [owed] = await reply_rows.due(now)
    # ... and a send that failed follows the back-off, not the free lock again.
    await reply_rows.reschedule(owed.entry_id, now, owed.attempts, "platform away")
    assert await reply_rows.due(now + reply_rows.CONFIRM_WITHIN / 2) == []
    assert len(await reply_rows.due(now + reply_rows.CONFIRM_WITHIN)) == 1


async def test_a_gone_writers_replies_wait_for_what_the_person_typed_meanwhile(pg: str) -> None:
    now = datetime.now(UTC)
    await _owe(106, "owed", now, "L/host:1:2:gone", now + reply_rows.CONFIRM_WITHIN)
    # The person answered already (the reply may have reached them before the writer died):
    # that update's step shows the reply again if need be, as the one answer to it.
    typed = ["telegram", "u106", "106", "106", "{}", now]
    await sql.execute(inbox.ACCEPT_MANY, typed)
    assert await reply_rows.due(now) == []
    await inbox.mark_done(("telegram", "u106"), now)
    assert [o.address.user_id for o in await reply_rows.due(now)] == ["106"]


async def test_a_gone_workers_redelivery_lease_is_taken_at_once_from_any_host(pg: str) -> None:
    live = InboxConsumer(_nothing, _no_delivery, lambda: datetime.now(UTC))
    await live.start(pg)

    def clock() -> datetime:
        return datetime.now(UTC)

    # The live holder is this process, which `holder_is_dead_here` never judges dead: only
    # its lock can tell, as for a worker in another container.
    theirs = Lease("reply-redelivery", live.holder, ttl=LEASE_TTL, clock=clock)
    mine = Lease("reply-redelivery", "L/another-host:1:2:heir", ttl=LEASE_TTL, clock=clock)
    try:
        assert await theirs.acquire()
        assert not await mine.acquire()  # its lock is held: a live worker keeps its lease
        await live.stop(grace_s=1)
        assert await mine.acquire()  # at once, not after the 10 s TTL
        assert not await theirs.renew()
    finally:
        await live.stop(grace_s=1)
        await mine.release()


async def test_a_worker_killed_between_commit_and_send_is_replied_for_within_seconds(
    pg: str, tmp_path: Path
) -> None:
    [user] = await seed_officers(1)
    async with FakeTelegram() as telegram:
        # The first sendMessage reaches the platform and hangs there (never carried out, as a
        # request cut off in flight): the worker has committed the step and is sending it.
        telegram.fail_next("sendMessage", status=500, delay=HELD_S)
        cluster = Cluster(telegram, pg, tmp_path)
        cluster.settings["REPORTBOT_TELEGRAM_REQUEST_TIMEOUT"] = str(HELD_S)
        try:
            await cluster.start_all({"web": "web", "doomed": "worker"})
            update = telegram.text_update(user, "/baocao")
            assert await telegram.post_webhook(cluster.webhook, update, SECRET) == 200
            await telegram.wait_calls("sendMessage", 1, timeout=60)
            row = await OutboxEntry.get(topic=reply_rows.REPLY_TOPIC)
            _address, messages = reply_rows.decode(row.payload)
            assert messages and row.due_at > datetime.now(UTC) + timedelta(seconds=30)
            await cluster.start("heir", "worker")
            assert telegram.sent_texts(user) == []  # the doomed worker is alive: left to it
            cluster.kill("doomed")
            killed = time.monotonic()
            await asyncio.wait_for(cluster.processes["doomed"].wait(), 30)
            await telegram.wait_for(
                lambda: len(telegram.sent_texts(user)) >= len(messages),
                GAP_LIMIT_S,
                "the killed worker's replies",
            )
            gap = time.monotonic() - killed
            assert gap < GAP_LIMIT_S, gap
            await wait_until(_none_left, "the replies confirmed", timeout=30)
            assert len(telegram.sent_texts(user)) == len(messages)  # once each
        finally:
            await cluster.stop()


async def _none_left() -> bool:
    return await _replies_left() == 0


@pytest.mark.parametrize(
    ("role", "made_due"), [(roles.WEB, False), (roles.WORKER, False), (roles.ALL, True)]
)
async def test_only_the_one_process_of_all_makes_every_kept_reply_due_when_it_stops(
    postgres_database: str, role: str, made_due: bool
) -> None:
    env = {"REPORTBOT_DATABASE_URL": postgres_database, "REPORTBOT_FORMS_DIR": str(FORMS_DIR)}
    app = Application(load_settings(env, None), role=role)
    await app.open()
    now = datetime.now(UTC)
    receipt = f"105.{uuid.uuid4().hex}"  # the database is shared with other tests: this row
    address = Address("telegram", "105", "105")
    live = "L/another-host:1:2:live"  # a worker that goes on sending it
    await sql.execute(
        reply_rows.INSERT_REPLY,
        reply_rows.reply_row(receipt, address, [Outgoing("owed")], now, live),
    )
    await app.close()
    admin = await asyncpg.connect(postgres_database.replace("postgres://", "postgresql://", 1))
    try:
        due = await admin.fetchval("SELECT due_at FROM outbox WHERE key = $1", receipt)
        await admin.execute("DELETE FROM outbox WHERE key = $1", receipt)
    finally:
        await admin.close()
    assert (due <= datetime.now(UTC)) is made_due, due
