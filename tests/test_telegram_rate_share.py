"""Two processes' send queues spend one bot-wide budget (`ConnectorContext.rate_share`).

Telegram allows a bot about 30 messages a second overall, whichever process sends them (Bot
FAQ, "My bot is hitting limits"); the fake keeps that limit (`limit_rate`). Two Telegram
connectors in one test process stand for two worker processes: each is configured with the
whole bot-wide rate, as an operator configures every worker alike. Each sends one reminder to
each of 30 officers at once. Without a share they send at twice the limit and Telegram answers
429; with a share of one half each (two live workers) it answers none. Every officer gets both
messages, once each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from connectors.base import Address, ConnectorContext, Outgoing
from connectors.telegram import TelegramConnector, create
from tests.fakes.telegram import FakeTelegram, Script, bot_env

RATE = 10  # messages/s: the fake's bot-wide limit, and each connector's configured rate
OFFICERS = [7300 + n for n in range(30)]


def connector(
    tg: FakeTelegram, tmp_path: Path, share: Callable[[], float] | None
) -> TelegramConnector:
    env = bot_env(tg, SET_COMMANDS="0", GLOBAL_RATE=str(RATE), CHAT_RATE="1", CHAT_BURST="3")
    context = ConnectorContext(handler=Script(), env=env, media_dir=tmp_path, rate_share=share)
    made = create(context)
    assert isinstance(made, TelegramConnector)
    return made


async def _both_send(tg: FakeTelegram, tmp_path: Path, share: Callable[[], float] | None) -> None:
    tg.limit_rate(RATE, chat_per_second=1, chat_burst=3)
    workers = [connector(tg, tmp_path, share) for _ in range(2)]
    try:
        await asyncio.gather(
            *(
                worker.send(Address("telegram", str(chat), str(chat)), [Outgoing(f"{name} {chat}")])
                for name, worker in zip(("A", "B"), workers, strict=True)
                for chat in OFFICERS
            )
        )
    finally:
        for worker in workers:
            await worker.stop()
    for chat in OFFICERS:
        assert sorted(tg.sent_texts(chat)) == [f"A {chat}", f"B {chat}"]


async def test_two_processes_each_with_half_the_rate_draw_no_429(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    await _both_send(tg, tmp_path, share=lambda: 0.5)
    assert tg.rate_refusals == 0, tg.flood.refused[:5]


async def test_without_a_share_two_processes_draw_429s(tg: FakeTelegram, tmp_path: Path) -> None:
    """The control: the same load at each process's full rate is over Telegram's limit (the
    retries still deliver everything, later)."""
    await _both_send(tg, tmp_path, share=None)
    assert tg.rate_refusals > 0
