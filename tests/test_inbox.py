"""The durable inbox: stored before acknowledged, processed once, recovered after a crash."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import asyncpg
import pytest

from connectors.base import Address, Attachment, Incoming, NotAccepted, Outgoing
from reportbot.service import ConversationService
from reportbot.store import inbox
from reportbot.store.models import ConversationState, InboxEntry
from tests.conftest import TZ, FakeClock
from tests.support import Chat, stored_answers


def message(text: str, update_id: str, user: str = "u-hoiphunu") -> Incoming:
    """A message with an update id, as a webhook would hand it over."""
    return Incoming("console", user, user, text=text, update_id=update_id)


async def crashed_with_two_answers_pending(
    service: ConversationService, clock: FakeClock
) -> ConversationService:
    """The report opened, then two answers stored (the platform saw 200) by a process that
    died before handling them; the service of the next start, started, not yet recovered."""
    chat = Chat(service, "u-hoiphunu", platform="console")
    await chat.send("/baocao", update_id="1")
    await chat.send("1", update_id="2")
    assert await service.committer.accept(message("có", "3"), clock()) == "new"
    assert await service.committer.accept(message("KH-12", "4"), clock()) == "new"
    await service.close()
    restarted = ConversationService(TZ, clock=clock)
    await restarted.start()
    return restarted


async def test_messages_round_trip_through_the_stored_payload() -> None:
    original = Incoming(
        "telegram",
        "42",
        "42",
        text="Báo cáo 6 tháng",
        choices=("a", "b"),
        attachment=Attachment(kind="photo", path="media/x.jpg", size=12),
        attachments=(
            Attachment(kind="photo", path="media/x.jpg", size=12),
            Attachment(kind="photo", path="media/y.jpg", size=15),
        ),
        edited=True,
        update_id="9",
        received_at=datetime(2026, 11, 26, 3, 0, tzinfo=TZ),
        arrived_at=datetime(2026, 11, 26, 3, 0, 2, tzinfo=TZ),
    )
    assert inbox.decode_message(inbox.encode_message(original)) == original


async def test_an_update_is_stored_before_it_is_processed_and_marked_done_with_its_step(
    service: ConversationService,
) -> None:
    await Chat(service, "u-hoiphunu", platform="console").send("/baocao", update_id="1")
    row = await InboxEntry.get(platform="console", update_id="1")
    assert row.status == "done" and row.processed_at is not None
    assert json.loads(row.payload)["text"] == "/baocao"


async def test_updates_a_crash_left_pending_are_processed_once_at_the_next_start(
    service: ConversationService, clock: FakeClock
) -> None:
    restarted = await crashed_with_two_answers_pending(service, clock)
    sent: list[tuple[Address, list[Outgoing]]] = []

    async def deliver(address: Address, replies: list[Outgoing]) -> None:
        sent.append((address, replies))

    assert await restarted.recover(deliver) == 2
    answers = await stored_answers()
    assert answers["co_ke_hoach"] == "yes" and answers["so_ke_hoach"] == "KH-12"
    # Each recovered update's replies went to its sender, in order.
    assert [a.user_id for a, _ in sent] == ["u-hoiphunu", "u-hoiphunu"]
    assert "Câu" in sent[-1][1][-1].text
    assert await InboxEntry.filter(status="pending").count() == 0
    # A second recovery, or the platform's redelivery, does nothing again.
    assert await restarted.recover(deliver) == 0
    assert await Chat(restarted, "u-hoiphunu", platform="console").send("k", update_id="3") == []
    assert (await stored_answers())["co_ke_hoach"] == "yes"
    await restarted.close()


async def test_a_redelivered_update_of_a_previous_run_is_dropped(
    service: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(service, "u-hoiphunu", platform="console")
    await chat.send("/baocao", update_id="1")
    state_before = (await ConversationState.get(person__unit__code="hoiphunu")).data
    fresh = ConversationService(TZ, clock=clock)  # not started: nothing loaded in memory
    assert await Chat(fresh, "u-hoiphunu", platform="console").send("2", update_id="1") == []
    assert (await ConversationState.get(person__unit__code="hoiphunu")).data == state_before
    await fresh.close()


async def test_an_update_given_up_is_set_aside_once(
    service: ConversationService, clock: FakeClock
) -> None:
    await service.committer.accept(message("x", "7"), clock())
    await inbox.give_up(("console", "7"), "RuntimeError")
    await inbox.give_up(("console", "7"), "RuntimeError")  # already set aside: unchanged
    row = await InboxEntry.get(update_id="7")
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "RuntimeError")
    assert await inbox.pending_entries() == []


async def test_an_inbox_that_cannot_store_refuses_to_acknowledge(
    service: ConversationService, database_url: str
) -> None:
    """Another process holds the database: the update is refused (the platform retries)."""
    async with hold_the_database(database_url):
        with pytest.raises(NotAccepted):
            await Chat(service, "u-hoiphunu", platform="console").send("/baocao", update_id="1")
    # Once the database answers again, the platform's redelivery is handled normally.
    replies = await Chat(service, "u-hoiphunu", platform="console").send("/baocao", update_id="1")
    assert replies and "Chọn báo cáo" in replies[0].text
    assert (await InboxEntry.get(update_id="1")).status == "done"


@contextlib.asynccontextmanager
async def hold_the_database(database_url: str) -> AsyncIterator[None]:
    """Lock the inbox from another connection, as a stuck process or a migration would.

    SQLite gives up on a locked file after its 5-second busy timeout; PostgreSQL after the
    statement timeout, shortened here to one second for the test.
    """
    from tortoise import Tortoise

    from reportbot.store.database import tortoise_config

    if database_url.startswith("sqlite://"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite://"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    await Tortoise.close_connections()
    await Tortoise.init(config=tortoise_config(database_url + "?command_timeout=1"))
    holder = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    transaction = holder.transaction()
    await transaction.start()
    await holder.execute("LOCK TABLE inbox IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        await transaction.rollback()
        await holder.close()


async def test_old_handled_updates_are_pruned(
    service: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(service, "u-hoiphunu", platform="console")
    await chat.send("/baocao", update_id="1")
    await service.committer.accept(message("1", "2"), clock())  # still pending: never pruned
    assert await inbox.prune(clock() + timedelta(days=6)) == 0
    assert await inbox.prune(clock() + timedelta(days=8)) == 1
    assert [r.update_id for r in await InboxEntry.all()] == ["2"]


async def test_a_stranger_s_update_is_recorded_too(service: ConversationService) -> None:
    replies = await Chat(service, "nobody", platform="zalo_bot").send("xin chào", update_id="5")
    assert "cần mã mời" in replies[0].text
    assert (await InboxEntry.get(platform="zalo_bot", update_id="5")).status == "done"


async def test_an_update_arriving_during_recovery_waits_for_the_acknowledged_ones(
    service: ConversationService, clock: FakeClock
) -> None:
    """Answers stored (200 sent) before a crash come before one sent during the downtime,
    which the platform delivers as soon as the bot is back, before `recover` has run."""
    restarted = await crashed_with_two_answers_pending(service, clock)

    async def deliver(address: Address, replies: list[Outgoing]) -> None:
        return None

    async with restarted.recovery_hold():  # as Application.start holds, around its start
        # The plan's date, typed during the downtime: it answers the question after KH-12's.
        live = asyncio.create_task(
            Chat(restarted, "u-hoiphunu", platform="console").send("01/03/2026", update_id="5")
        )
        assert await restarted.recover(deliver) == 2
    assert await asyncio.wait_for(live, timeout=30)
    answers = await stored_answers()
    assert (answers["co_ke_hoach"], answers["so_ke_hoach"]) == ("yes", "KH-12")
    assert answers["ngay_ke_hoach"] == "2026-03-01"
    await restarted.close()


async def test_recovery_hands_each_handled_update_to_its_connector_to_settle(
    service: ConversationService, clock: FakeClock
) -> None:
    """A press stored before a crash keeps the id of the message it was pressed on, so the
    connector can remove that keyboard once recovery handled it (Telegram)."""
    chat = Chat(service, "u-hoiphunu", platform="console")
    await chat.send("/baocao", update_id="1")
    press = Incoming(
        "console",
        "u-hoiphunu",
        "u-hoiphunu",
        choice="1",
        update_id="2",
        message_id="41",
        reply_to_question="chon_bao_cao",
    )
    assert await service.committer.accept(press, clock()) == "new"
    await service.close()

    restarted = ConversationService(TZ, clock=clock)
    await restarted.start()
    sent: list[list[Outgoing]] = []
    settled: list[tuple[Incoming, list[Outgoing]]] = []

    async def deliver(address: Address, replies: list[Outgoing]) -> None:
        sent.append(replies)

    assert await restarted.recover(deliver, lambda m, r: settled.append((m, r))) == 1
    ((message, replies),) = settled
    assert (message.message_id, message.choice, message.update_id) == ("41", "1", "2")
    assert message.reply_to_question == "chon_bao_cao"
    assert replies and [replies] == sent  # settled with the replies that went out
    await restarted.close()


async def test_a_recovered_press_that_fails_is_not_settled(
    service: ConversationService, clock: FakeClock
) -> None:
    """Handling failed (here: the stored conversation is unreadable): the officer got the
    apology and the answer was not taken, so the keyboard must stay pressable."""
    await Chat(service, "u-hoiphunu", platform="console").send("/baocao", update_id="1")
    press = Incoming("console", "u-hoiphunu", "u-hoiphunu", choice="1", update_id="2")
    assert await service.committer.accept(press, clock()) == "new"
    await service.close()
    await ConversationState.filter(person__unit__code="hoiphunu").update(data="{not json")

    restarted = ConversationService(TZ, clock=clock)
    await restarted.start()
    settled: list[Incoming] = []
    sent: list[list[Outgoing]] = []

    async def deliver(address: Address, replies: list[Outgoing]) -> None:
        sent.append(replies)

    assert await restarted.recover(deliver, lambda m, r: settled.append(m)) == 1
    assert settled == []
    assert len(sent) == 1 and "lỗi" in sent[0][0].text.lower()  # the apology went out
    assert (await InboxEntry.get(update_id="2")).status != "done"
    await restarted.close()


async def test_a_copy_retyped_during_the_downtime_does_not_answer_the_next_question(
    service: ConversationService, clock: FakeClock
) -> None:
    """The officer's plan number was stored (200 sent) by a process that died before
    handling it; seeing no reply, they typed it again 10 s later. On restart the stored one
    answers its question, and the copy is quoted back, never taken as the plan's date."""
    chat = Chat(service, "u-hoiphunu", platform="console")
    await chat.send("/baocao", update_id="1")
    await chat.send("1", update_id="2")
    await chat.send("có", update_id="3", received_at=clock())
    written = clock()
    stored = Incoming(
        "console", "u-hoiphunu", "u-hoiphunu", text="KH-12", update_id="4", received_at=written
    )
    assert await service.committer.accept(stored, clock()) == "new"
    await service.close()
    clock.advance(seconds=30)  # the restart
    restarted = ConversationService(TZ, clock=clock)
    await restarted.start()

    async def deliver(address: Address, replies: list[Outgoing]) -> None:
        return None

    async with restarted.recovery_hold():
        copy = asyncio.create_task(
            Chat(restarted, "u-hoiphunu", platform="console").send(
                "KH-12", update_id="5", received_at=written + timedelta(seconds=10)
            )
        )
        assert await restarted.recover(deliver) == 1
    replies = await asyncio.wait_for(copy, timeout=30)
    assert "“KH-12” được gửi lại trước khi câu hỏi dưới đây hiện ra" in replies[0].text
    answers = await stored_answers()
    assert answers["so_ke_hoach"] == "KH-12" and "ngay_ke_hoach" not in answers
    await restarted.close()
