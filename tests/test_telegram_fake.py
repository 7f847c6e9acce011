"""The fake Bot API refuses what Telegram refuses, as aiogram sees it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from tests.fakes.telegram import FakeTelegram

CHAT = 424242


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    bot = Bot(tg.token, session=session)
    yield bot
    await session.close()


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Có", callback_data=data)]]
    )


async def test_limits_of_text_and_callback_data(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="too long"):
        await bot.send_message(CHAT, "a" * 4097)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "Chọn", reply_markup=keyboard("x" * 65))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "Chọn", reply_markup=keyboard("đ" * 33))  # 66 bytes
    assert tg.bot_messages(CHAT) == [], "a refused message is not delivered"
    sent = await bot.send_message(CHAT, "a" * 4096, reply_markup=keyboard("x" * 64))
    assert sent.reply_markup is not None


async def test_editing_to_the_same_content_is_refused(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Câu hỏi", reply_markup=keyboard("c:yes"))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            chat_id=CHAT, message_id=sent.message_id, text="Câu hỏi", reply_markup=keyboard("c:yes")
        )
    await bot.edit_message_text(chat_id=CHAT, message_id=sent.message_id, text="Câu hỏi")
    assert "reply_markup" not in tg.last_bot_message(CHAT), "editing text drops the keyboard"
    with pytest.raises(TelegramBadRequest, match="not found"):
        await bot.edit_message_text(chat_id=CHAT, message_id=999, text="x")


async def test_html_that_telegram_cannot_parse_is_refused(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(CHAT, "Tên: <script>", parse_mode="HTML")
    sent = await bot.send_message(CHAT, "Tên: &lt;b&gt; <b>đậm</b>", parse_mode="HTML")
    assert sent.text == "Tên: <b> đậm"


async def test_polling_conflicts_with_a_webhook(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_webhook("https://bot.example.org/hook", secret_token="abc_DEF-123")
    with pytest.raises(TelegramConflictError):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    tg.enqueue(tg.text_update(CHAT, "một"), tg.text_update(CHAT, "hai"))
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first if u.message] == ["một", "hai"]
    again = await bot.get_updates(offset=first[0].update_id + 1, timeout=0)
    assert [u.update_id for u in again] == [first[1].update_id], "the offset confirms"


async def test_injected_failures(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail_next("sendMessage", 1, status=429, retry_after=7)
    tg.fail_next("sendMessage", 1, status=500)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CHAT, "x")
    assert caught.value.retry_after == 7
    with pytest.raises(TelegramServerError):
        await bot.send_message(CHAT, "x")
    await bot.send_message(CHAT, "x")
    assert tg.sent_texts(CHAT) == ["x"]


async def test_sends_over_the_rate_limit_are_refused(tg: FakeTelegram, bot: Bot) -> None:
    tg.limit_rate(0.1)  # one message, then one every 10 s
    await bot.send_message(CHAT, "first")
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CHAT + 1, "second")
    assert 1 <= caught.value.retry_after <= 10, "whole seconds, as Telegram answers"
    await bot.get_me()  # only sends count
    assert (tg.sent_texts(CHAT), tg.sent_texts(CHAT + 1)) == (["first"], [])
    assert tg.rate_refusals == 1
    assert [chat for chat, _ in tg.sent_at] == [CHAT]


async def test_wrong_token_is_unauthorized(tg: FakeTelegram) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await Bot("999:wrong", session=session).get_me()
    finally:
        await session.close()


async def test_updates_follow_allowed_updates_like_telegram(tg: FakeTelegram, bot: Bot) -> None:
    # Created before any allowed_updates: delivered whatever their type.
    early = tg.load_corpus("my_chat_member_restricted_old", CHAT)
    tg.enqueue(*early)
    assert [u["update_id"] for u in tg.updates] == [early[0]["update_id"]]
    await bot.get_updates(offset=early[0]["update_id"] + 1, timeout=0, allowed_updates=["message"])
    # From now on, edited messages are never created for this bot; messages are.
    message = tg.text_update(CHAT, "15")
    tg.enqueue(message, tg.edit_update(CHAT, message["message"]["message_id"], "150"))
    assert [next(k for k in u if k != "update_id") for u in tg.updates] == ["message"]
