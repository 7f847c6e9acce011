"""Replies kept until the platform has them: a crash after the commit does not lose them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from connectors.base import Address, DeliveryError, Outgoing, RecipientRefused
from reportbot.service import ConversationService, Redelivered
from reportbot.store import replies as reply_rows
from reportbot.store.models import OutboxEntry
from tests.conftest import TZ, FakeClock
from tests.support import Chat


@pytest.fixture
async def keeping(db: str, clock: FakeClock) -> AsyncIterator[ConversationService]:
    """A service whose console connector is taken to confirm its deliveries."""
    from tests.support import load_shipped_forms, seed_commune

    await seed_commune()
    await load_shipped_forms()
    service = ConversationService(TZ, clock=clock, keeps_replies=lambda p: p == "console")
    await service.start()
    yield service
    await service.close()


class Platform:
    """Where re-sent replies land; fails the first `failures` sends."""

    def __init__(self, failures: int = 0, refuses: bool = False, error: Exception | None = None):
        self.failures = failures
        self.refuses = refuses
        self.error = error or ConnectionError("platform unreachable")
        self.tries = 0
        self.sent: list[tuple[Address, list[Outgoing]]] = []

    async def deliver(self, address: Address, messages: list[Outgoing]) -> None:
        self.tries += 1
        if self.refuses:  # e.g. Zalo OA's -213: the person unfollowed the OA
            raise RecipientRefused("the person does not follow the OA")
        if self.failures:
            self.failures -= 1
            raise self.error
        self.sent.append((address, messages))


async def test_the_last_reply_of_a_step_carries_a_receipt_and_is_kept_until_confirmed(
    keeping: ConversationService,
) -> None:
    replies = await Chat(keeping, "u-hoiphunu").send("/baocao", update_id="1")
    assert [r.receipt is not None for r in replies] == [False] * (len(replies) - 1) + [True]
    receipt = replies[-1].receipt
    assert receipt is not None
    assert await OutboxEntry.filter(topic="reply", key=receipt).count() == 1
    await keeping.delivered(receipt)
    assert await reply_rows.backlog() == 0


async def test_unconfirmed_replies_are_sent_again_once_they_are_due(
    keeping: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(keeping, "u-hoiphunu")
    first = await chat.send("/baocao", update_id="1")
    await keeping.delivered(first[-1].receipt or "")
    lost = await chat.send("1", update_id="2")  # the process died before sending these
    platform = Platform()
    assert await keeping.redeliver(platform.deliver) == Redelivered(
        replies=0
    )  # not due yet: the queue may send
    clock.advance(seconds=61)
    assert await keeping.redeliver(platform.deliver) == Redelivered(replies=1)
    [(address, messages)] = platform.sent
    assert address == Address("console", "u-hoiphunu", "u-hoiphunu")
    assert [m.text for m in messages] == [m.text for m in lost]
    assert "Câu 1/" in messages[-1].text
    clock.advance(seconds=600)
    assert await keeping.redeliver(platform.deliver) == Redelivered(
        replies=0
    )  # confirmed: never a third time
    assert len(platform.sent) == 1


async def test_a_platform_that_keeps_failing_is_retried_with_backoff_then_given_up(
    keeping: ConversationService, clock: FakeClock
) -> None:
    await Chat(keeping, "u-hoiphunu").send("/baocao", update_id="1")
    platform = Platform(failures=reply_rows.MAX_ATTEMPTS)
    clock.advance(seconds=61)
    for attempt in range(1, reply_rows.MAX_ATTEMPTS + 1):
        assert await keeping.redeliver(platform.deliver) == Redelivered(replies=0)
        if attempt < reply_rows.MAX_ATTEMPTS:
            row = await OutboxEntry.get(topic="reply")
            assert row.attempts == attempt and "unreachable" in (row.last_error or "")
            assert await keeping.redeliver(platform.deliver) == Redelivered(
                replies=0
            )  # backing off: not due
            clock.advance(seconds=60 * 2**attempt + 1)
    assert await reply_rows.backlog() == 0 and platform.sent == []


async def test_a_delivery_error_that_may_pass_keeps_its_retries(
    keeping: ConversationService, clock: FakeClock
) -> None:
    """The connectors also raise DeliveryError for trouble that passes (Zalo's rate limit
    outlasting the queue's tries, as connectors/zalo_oa/connector.py words it): the replies
    are kept and tried again later, then delivered."""
    await Chat(keeping, "u-hoiphunu").send("/baocao", update_id="1")
    busy = DeliveryError("Zalo OA: vẫn vượt giới hạn gọi API sau 5 lần thử")
    platform = Platform(failures=1, error=busy)
    clock.advance(seconds=61)
    assert await keeping.redeliver(platform.deliver) == Redelivered(replies=0)
    assert await reply_rows.backlog() == 1
    clock.advance(seconds=60 * 2 + 1)
    assert await keeping.redeliver(platform.deliver) == Redelivered(replies=1)
    assert platform.tries == 2 and len(platform.sent) == 1


async def test_a_final_refusal_drops_the_replies_at_once_instead_of_retrying(
    keeping: ConversationService, clock: FakeClock
) -> None:
    """A refusal that retrying cannot change (the person blocked the bot or left the OA) costs
    one call, not MAX_ATTEMPTS calls spread over hours."""
    await Chat(keeping, "u-hoiphunu").send("/baocao", update_id="1")
    platform = Platform(refuses=True)
    clock.advance(seconds=61)
    assert await keeping.redeliver(platform.deliver) == Redelivered(replies=0)
    assert platform.tries == 1 and await reply_rows.backlog() == 0
    clock.advance(seconds=3600)
    assert await keeping.redeliver(platform.deliver) == Redelivered(replies=0)
    assert platform.tries == 1 and platform.sent == []


async def test_a_platform_without_confirmations_keeps_nothing(
    service: ConversationService,
) -> None:
    replies = await Chat(service, "u-hoiphunu").send("/baocao", update_id="1")
    assert all(r.receipt is None for r in replies)
    assert await reply_rows.backlog() == 0
