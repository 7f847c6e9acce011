"""The fake Bot API keeps Telegram's flood control: per chat, per group, overall, edits too.

Each check is what aiogram sees over HTTP: a 429 raises TelegramRetryAfter with Telegram's
`retry_after` (whole seconds). Sources of each behaviour: tests/fakes/telegram_limits.py.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter

from tests.fakes.telegram import FakeTelegram

CHAT = 424242
GROUP = -1001234567890


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    bot = Bot(tg.token, session=session)
    yield bot
    await session.close()


# The rates below are slower than Telegram's so that a loaded machine's slow requests never
# let a bucket refill between two calls of a test (1/s would need each call under ~300 ms).


async def test_one_chat_gets_a_short_burst_then_429(tg: FakeTelegram, bot: Bot) -> None:
    tg.limit_rate(chat_per_second=0.1)  # one every 10 s after a burst of 3
    for n in range(3):
        await bot.send_message(CHAT, f"Tin {n}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CHAT, "Tin 3")
    assert 9 <= caught.value.retry_after <= 10, "whole seconds until the next token"
    assert f"Too Many Requests: retry after {caught.value.retry_after}" in caught.value.message
    await bot.send_message(CHAT + 1, "another chat is not held back")
    assert tg.sent_texts(CHAT) == ["Tin 0", "Tin 1", "Tin 2"]
    assert tg.rate_refusals == 1


async def test_edits_count_like_sends(tg: FakeTelegram, bot: Bot) -> None:
    tg.limit_rate(chat_per_second=0.1)
    sent = await bot.send_message(CHAT, "Câu 1")
    await bot.edit_message_text("Câu 1 ✅ a", chat_id=CHAT, message_id=sent.message_id)
    await bot.edit_message_text("Câu 1 ✅ b", chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(TelegramRetryAfter):
        await bot.edit_message_text("Câu 1 ✅ c", chat_id=CHAT, message_id=sent.message_id)
    await bot.send_chat_action(CHAT, "typing")  # not a message: never refused
    assert tg.last_bot_message(CHAT)["text"] == "Câu 1 ✅ b"


async def test_a_group_gets_its_per_minute_allowance_only(tg: FakeTelegram, bot: Bot) -> None:
    # 4 per 20 s in a group (20 per 60 s at Telegram, scaled down to keep the test short);
    # the per-chat bucket is wide so that only the group's window speaks.
    tg.limit_rate(chat_per_second=100, chat_burst=100, group_per_window=4, group_window=20.0)
    started = time.monotonic()
    for n in range(4):
        await bot.send_message(GROUP, f"Tổng hợp {n}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(GROUP, "Tổng hợp 4")
    spent = time.monotonic() - started
    # The oldest leaves the window 20 s after it was sent.
    assert 20 - spent - 1 <= caught.value.retry_after <= 20, (caught.value.retry_after, spent)
    for n in range(5):  # a private chat has no per-minute limit
        await bot.send_message(CHAT, f"Tin {n}")


async def test_past_traffic_counts_when_the_limits_start(tg: FakeTelegram, bot: Bot) -> None:
    for n in range(3):
        await bot.send_message(CHAT, f"Tin {n}")
    tg.limit_rate(chat_per_second=0.1)  # a restarted bot: Telegram still remembers
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(CHAT, "Tin 3")


async def test_the_whole_bot_is_limited_across_chats(tg: FakeTelegram, bot: Bot) -> None:
    tg.limit_rate(0.2)  # one every 5 s overall, scaled down from about 30 a second
    await bot.send_message(CHAT, "Nhắc hạn")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CHAT + 1, "Nhắc hạn")
    assert 4 <= caught.value.retry_after <= 5
    assert [chat for chat, _method, _wait in tg.flood.refused] == [CHAT + 1]
