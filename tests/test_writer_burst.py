"""One transaction for a burst: webhook accepts, confirmations and steps share the group writer.

Each webhook answers only after its update is committed, and each step's replies follow its
commit; what changes is that a burst of them costs one commit, not one per update and one per
confirmed reply.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from connectors.base import Address, Incoming, Outgoing
from reportbot.service import ConversationService
from reportbot.store import inbox
from reportbot.store import replies as reply_rows
from reportbot.store.models import ConversationState, InboxEntry, Person
from reportbot.store.writer import GroupCommitter, StepWrite

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def message(update_id: str, text: str = "/baocao", user: str = "u-hoiphunu") -> Incoming:
    """A console message with an update id, as a webhook hands it over."""
    return Incoming("console", user, user, text=text, update_id=update_id)


async def test_the_accepts_of_a_burst_are_one_transaction_before_the_confirmations(
    service: ConversationService,
) -> None:
    committer = service.committer
    person = await Person.get(identities__external_id="u-hoiphunu")
    receipt = reply_rows.new_receipt(person.id)
    address = Address("console", "u-hoiphunu", "u-hoiphunu")
    kept = reply_rows.reply_row(receipt, address, [Outgoing("Câu 1.")], NOW)
    await committer.commit(StepWrite(person.id, None, None, None, None, NOW, replies=kept))
    assert await reply_rows.is_owed(receipt)  # kept until the platform confirms it
    before = committer.batches
    await asyncio.gather(
        *(service.accept(message(str(n), user=f"u-{n}")) for n in range(1, 21)),
        service.delivered(receipt),
    )
    # the accepts' own short transaction, then the confirmation's
    assert committer.batches == before + 2
    assert await InboxEntry.filter(status="pending").count() == 20
    assert not await reply_rows.is_owed(receipt)


async def test_an_accept_is_committed_before_the_steps_queued_ahead_of_it(
    service: ConversationService,
) -> None:
    """The priority lane: a webhook's accept does not wait behind a batch of steps."""
    committer = service.committer
    person = await Person.get(identities__external_id="u-hoiphunu")
    released: list[str] = []

    async def step(n: int) -> None:
        state = {"mode": "idle", "step": n}
        await committer.commit(StepWrite(person.id, None, state, None, None, NOW))
        released.append(f"step {n}")

    async def accept() -> None:
        assert await committer.accept(message("77", user="u-77"), NOW) == "new"
        released.append("accept")  # before any step: written in a batch of its own
        assert await InboxEntry.filter(update_id="77", status="pending").exists()

    before = committer.batches
    # The steps are queued first, all before the writer's next turn.
    await asyncio.gather(*(step(n) for n in range(5)), accept())
    assert released[0] == "accept"
    assert released[1:] == [f"step {n}" for n in range(5)]
    assert committer.batches == before + 2  # the accept alone, then the five steps
    stored = await ConversationState.get(person_id=person.id)
    assert json.loads(stored.data)["step"] == 4


async def test_a_steady_stream_of_accepts_never_starves_a_step(
    service: ConversationService,
) -> None:
    """The lanes take turns: webhooks arriving while every accept batch is written (so the
    accept lane is never empty when the writer turns) still let a queued step in."""
    committer = service.committer
    person = await Person.get(identities__external_id="u-hoiphunu")
    stop = asyncio.Event()
    accepts: list[asyncio.Task[str]] = []

    async def webhooks() -> None:  # a new request on every turn of the loop, never waiting
        n = 0
        while not stop.is_set():
            n += 1
            accepts.append(asyncio.create_task(committer.accept(message(f"s{n}"), NOW)))
            await asyncio.sleep(0)  # one turn of the loop, as requests arrive

    stream = asyncio.create_task(webhooks())
    try:
        while not accepts:  # the stream is flowing before the step is queued
            await asyncio.sleep(0)
        state = {"mode": "idle", "step": 1}
        step = committer.commit(StepWrite(person.id, None, state, None, None, NOW))
        await asyncio.wait_for(step, 10)
    finally:
        stop.set()
        await stream
        await asyncio.gather(*accepts)
    assert json.loads((await ConversationState.get(person_id=person.id)).data)["step"] == 1
    assert len(accepts) > 1


async def test_a_failing_step_does_not_fail_the_accepts_written_with_it(db: str) -> None:
    writer = GroupCommitter()
    # No such person: the state row breaks its foreign key, the whole first batch fails.
    broken = StepWrite(999_999, None, {"mode": "idle"}, None, None, NOW)
    try:
        results = await asyncio.gather(
            writer.accept(message("1"), NOW),
            writer.commit(broken),
            writer.accept(message("2"), NOW),
            return_exceptions=True,
        )
    finally:
        await writer.close()
    assert results[0] == "new" and results[2] == "new"
    assert isinstance(results[1], Exception)
    assert not isinstance(results[1], inbox.InboxUnavailable)
    stored = await InboxEntry.filter(status="pending").values_list("update_id", flat=True)
    assert sorted(stored) == ["1", "2"]


async def test_an_accepted_update_is_not_stored_again_when_it_is_handled(
    service: ConversationService,
) -> None:
    committer = service.committer
    before = committer.batches
    await service.accept(message("5"))  # the webhook: stored, then answered
    await service.accept(message("5"))  # the web role's handler: already stored here
    assert committer.batches == before + 1
    replies = await service(message("5"))  # handled afterwards: one step, no second accept
    assert replies and "Chọn báo cáo" in replies[0].text
    assert committer.batches == before + 2
    row = await InboxEntry.get(platform="console", update_id="5")
    assert row.status == "done"
    # Zalo's retry of the same event after it was handled: stored status, nothing handled.
    assert await committer.accept(message("5"), NOW) == inbox.DONE
    assert await service(message("5")) == []


@pytest.mark.parametrize("answered_by", ["engine", "middleware"])
async def test_an_update_answered_outside_the_engine_is_marked_done_in_a_batch(
    service: ConversationService, answered_by: str
) -> None:
    # A stranger's message is answered by the registration step, not the engine's writer.
    user = "u-stranger" if answered_by == "middleware" else "u-hoiphunu"
    replies = await service(message("9", text="xin chào", user=user))
    assert replies
    row = await InboxEntry.get(platform="console", update_id="9")
    assert row.status == "done" and row.processed_at is not None


async def test_closing_the_writer_finishes_the_batch_being_written(db: str) -> None:
    writer = GroupCommitter()
    mark = asyncio.ensure_future(
        writer.execute(inbox.MARK_DONE, [inbox.mark_done_row(("console", "77"), NOW)])
    )
    for _ in range(3):  # the writer takes the row and starts its transaction
        await asyncio.sleep(0)
    await writer.close()
    await asyncio.wait_for(mark, 5)  # written, not cut off: its caller is released
    assert (await InboxEntry.get(update_id="77")).status == "done"
    # A writer used again after its close starts afresh (tests reuse a service's writer).
    assert await asyncio.wait_for(writer.accept(message("78"), NOW), 5) == "new"
    await writer.close()
