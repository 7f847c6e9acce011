"""Polling: an update the application refuses (database down) is not confirmed to Telegram.

The connector's poller against the fake Bot API over real HTTP; the application side is a
scripted handler that raises `NotAccepted` (what the service raises when the inbox cannot
store an update) for a while, as during a database outage.
"""

from __future__ import annotations

from collections.abc import Sequence

from connectors.base import Incoming, NotAccepted, Outgoing
from tests.fakes.telegram import FakeTelegram
from tests.telegram_fixtures import wait_seen

USER = 700_500_600
OTHER = 700_500_601


class DatabaseDown:
    """Refuses the first `refusals` messages whose text is `refused_text`, then takes them."""

    def __init__(self, refused_text: str, refusals: int) -> None:
        self.refused_text = refused_text
        self.refusals = refusals
        self.seen: list[Incoming] = []
        self.taken: list[str] = []

    async def __call__(self, incoming: Incoming) -> Sequence[Outgoing]:
        self.seen.append(incoming)
        if incoming.text == self.refused_text and self.refusals > 0:
            self.refusals -= 1
            raise NotAccepted("database unreachable")
        self.taken.append(f"{incoming.chat_id}:{incoming.text}")
        return [Outgoing(f"ok {incoming.text}")]


async def test_a_refused_update_is_not_confirmed_and_its_chat_waits(
    tg: FakeTelegram, start_bot
) -> None:
    handler = DatabaseDown("first", refusals=2)
    await start_bot(handler, RETRY_DELAY="0.05")
    first, second = tg.text_update(USER, "first"), tg.text_update(USER, "second")
    other = tg.text_update(OTHER, "other chat")
    tg.enqueue(first, second, other)
    await tg.wait_for(lambda: f"{USER}:second" in handler.taken, what="the chat to go on")
    await tg.wait_for(lambda: not tg.updates, what="every update confirmed")

    mine = [i.text for i in handler.seen if i.chat_id == str(USER)]
    assert mine == ["first", "first", "first", "second"], "refused twice, then in order"
    assert handler.taken.count(f"{USER}:first") == 1
    offsets = [int(c.params["offset"]) for c in tg.calls_of("getUpdates") if "offset" in c.params]
    taken_at = next(n for n, o in enumerate(offsets) if o > first["update_id"])
    assert all(o == first["update_id"] for o in offsets[:taken_at]), offsets
    assert offsets[-1] == other["update_id"] + 1
    # The other chat's update, handled in the refused batch, comes again (the inbox drops it).
    assert handler.taken.count(f"{OTHER}:other chat") >= 1


async def test_without_refusals_the_offset_moves_past_the_batch(
    tg: FakeTelegram, start_bot
) -> None:
    handler = DatabaseDown("never sent", refusals=1)
    await start_bot(handler)
    updates = [tg.text_update(USER, f"tin {n}") for n in range(3)]
    tg.enqueue(*updates)
    await wait_seen(tg, handler, 3)  # type: ignore[arg-type]
    await tg.wait_for(lambda: not tg.updates, what="updates confirmed")
    assert len(handler.seen) == 3, "nothing handled twice"
