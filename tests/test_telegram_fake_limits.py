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


async def test_one_chat_gets_a_short_burst_then_429(tg: FakeTelegram, bot: Bot) -> None:
    tg.limit_rate()  # the FAQ's numbers: 1/s per chat, bursts of 3
    for n in range(3):
        await bot.send_message(CHAT, f"Tin {n}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CHAT, "Tin 3")
    assert caught.value.retry_after == 1, "one message a second: the next in under a second"
    assert "Too Many Requests: retry after 1" in caught.value.message
    await bot.send_message(CHAT + 1, "another chat is not held back")
    assert tg.sent_texts(CHAT) == ["Tin 0", "Tin 1", "Tin 2"]
    assert tg.rate_refusals == 1


async def test_edits_count_like_sends(tg: FakeTelegram, bot: Bot) -> None:
    tg.limit_rate()
    sent = await bot.send_message(CHAT, "Câu 1")
    await bot.edit_message_text("Câu 1 ✅ a", chat_id=CHAT, message_id=sent.message_id)
    await bot.edit_message_text("Câu 1 ✅ b", chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(TelegramRetryAfter):
        await bot.edit_message_text("Câu 1 ✅ c", chat_id=CHAT, message_id=sent.message_id)
    await bot.send_chat_action(CHAT, "typing")  # not a message: never refused
    assert tg.last_bot_message(CHAT)["text"] == "Câu 1 ✅ b"


async def test_a_group_gets_its_per_minute_allowance_only(tg: FakeTelegram, bot: Bot) -> None:
    # 4 per 2 s in a group (20 per 60 s at Telegram, scaled down to keep the test short);
    # the per-chat bucket is wide so that only the group's window speaks.
    tg.limit_rate(chat_per_second=100, chat_burst=100, group_per_window=4, group_window=2.0)
    started = time.monotonic()
    for n in range(4):
        await bot.send_message(GROUP, f"Tổng hợp {n}")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(GROUP, "Tổng hợp 4")
    assert caught.value.retry_after == 2, "the oldest leaves the window 2 s after it was sent"
    assert time.monotonic() - started < 1.0, "the four were sent at once"
    for n in range(5):  # a private chat has no per-minute limit
        await bot.send_message(CHAT, f"Tin {n}")


async def test_past_traffic_counts_when_the_limits_start(tg: FakeTelegram, bot: Bot) -> None:
    for n in range(3):
        await bot.send_message(CHAT, f"Tin {n}")
    tg.limit_rate()  # a restarted bot: Telegram still remembers the last second
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(CHAT, "Tin 3")


async def test_the_whole_bot_is_limited_across_chats(tg: FakeTelegram, bot: Bot) -> None:
    tg.limit_rate(5)  # 5 a second overall, scaled down from about 30
    for n in range(5):
        await bot.send_message(CHAT + n, "Nhắc hạn")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CHAT + 5, "Nhắc hạn")
    assert caught.value.retry_after == 1
    assert [chat for chat, _method, _wait in tg.flood.refused] == [CHAT + 5]
