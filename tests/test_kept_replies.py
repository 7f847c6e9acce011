"""What one process knows of the replies a person is owed (the database read it spares)."""

from __future__ import annotations

import asyncio

from reportbot.routing.kept_replies import KeptReplies, person_of
from reportbot.service import ConversationService
from reportbot.store import replies as reply_rows
from reportbot.store.repository import Repository
from tests.conftest import TZ


def test_a_person_is_clear_only_once_checked_and_every_reply_confirmed() -> None:
    kept = KeptReplies()
    assert not kept.clear(7)  # never read in the database since the start
    kept.checked(7)
    assert kept.clear(7)
    kept.kept("7.aaa")
    kept.kept("7.bbb")
    assert not kept.clear(7)
    assert kept.newest(7) is not None and kept.newest(7)[0] == "7.bbb"  # type: ignore[index]
    kept.confirmed("7.bbb")
    assert not kept.clear(7)  # the older reply is still owed
    kept.confirmed("7.aaa")
    assert kept.clear(7) and kept.newest(7) is None
    kept.confirmed("notice.ccc")  # a colleague notice answers nothing typed: ignored
    assert person_of("notice.ccc") is None and person_of("12.x") == 12


async def test_waiting_for_a_confirmation_ends_when_it_comes_or_at_the_deadline() -> None:
    kept = KeptReplies()
    kept.kept("3.r1")
    waiter = asyncio.ensure_future(kept.wait("3.r1", 5.0))
    await asyncio.sleep(0)
    assert not waiter.done()
    reply_rows.wake(["3.r1"])  # as ConversationService.delivered does, then tells the route
    kept.confirmed("3.r1")
    assert await asyncio.wait_for(waiter, 1.0) is True
    kept.kept("3.r2")
    assert await kept.wait("3.r2", 0.05) is False  # never confirmed
    assert await kept.wait("3.r1", 0.05) is True  # confirmed before the wait began


async def test_a_wait_that_gives_up_does_not_deafen_another_on_the_same_receipt() -> None:
    """The waiters are one registry shared with `replies.wait_confirmed`: the first wait to
    end must not unregister the receipt while another still waits on it."""
    kept = KeptReplies()
    kept.kept("4.r1")
    long_wait = asyncio.ensure_future(kept.wait("4.r1", 30.0))
    await asyncio.sleep(0)
    assert await kept.wait("4.r1", 0.01) is False  # a second wait gives up first
    assert not long_wait.done()
    reply_rows.wake(["4.r1"])
    kept.confirmed("4.r1")
    assert await asyncio.wait_for(long_wait, 5.0) is True


def test_several_processes_always_read_the_database() -> None:
    alone = ConversationService(TZ)
    shared = ConversationService(TZ, repository=Repository(shared=True))
    assert alone.engine.kept is not None
    assert shared.engine.kept is None


def test_a_receipt_names_its_person_and_is_never_drawn_twice() -> None:
    receipts = {reply_rows.new_receipt(42) for _ in range(2000)}
    assert len(receipts) == 2000
    for receipt in receipts:
        head, _, tail = receipt.partition(".")
        assert head == "42" and person_of(receipt) == 42
        assert len(tail) == 32 and set(tail) <= set("0123456789abcdef")
        assert not reply_rows.is_notice(receipt)
    notice = reply_rows.new_notice_receipt()
    assert reply_rows.is_notice(notice) and person_of(notice) is None
