"""The Telegram send queue against the fake: 429 retry_after, 5xx, timeouts, limits, draining."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from connectors.base import Address, Choice, ConnectorContext, DeliveryError, Outgoing
from connectors.binding import question_token
from connectors.sending import DeliveryUncertain
from connectors.telegram import TelegramConnector, create
from connectors.telegram.sender import SendQueue
from tests.fakes.telegram import FakeTelegram, Script, bot_env

USER = 424242
OTHER = 515151
HERE = Address("telegram", str(USER), str(USER))


async def started(tg: FakeTelegram, tmp_path, **env: str) -> TelegramConnector:
    context = ConnectorContext(
        handler=Script(),
        env=bot_env(tg, SET_COMMANDS="0", JOIN_MESSAGES="0", **env),
        media_dir=tmp_path,
    )
    connector = create(context)
    assert connector is not None
    await connector.start()
    return connector


def numbered(count: int, prefix: str = "Tin") -> list[Outgoing]:
    return [Outgoing(f"{prefix} {n}") for n in range(count)]


async def test_429_waits_retry_after_and_keeps_order(tg: FakeTelegram, tmp_path) -> None:
    connector = await started(tg, tmp_path)
    tg.fail_next("sendMessage", 1, status=429, retry_after=1)
    try:
        await connector.send(HERE, numbered(4))
    finally:
        await connector.stop()
    assert tg.sent_texts(USER) == ["Tin 0", "Tin 1", "Tin 2", "Tin 3"]
    calls = tg.calls_of("sendMessage")
    assert len(calls) == 5, "the refused message is retried, nothing else is resent"
    assert calls[0].params["text"] == calls[1].params["text"] == "Tin 0"
    assert calls[1].at - calls[0].at >= 0.95, "retry_after is honoured"


async def test_429_on_one_chat_does_not_hold_up_another(tg: FakeTelegram, tmp_path) -> None:
    connector = await started(tg, tmp_path)
    tg.fail_next("sendMessage", 1, status=429, retry_after=1)
    try:
        slow = asyncio.create_task(connector.send(HERE, [Outgoing("chậm")]))
        await tg.wait_calls("sendMessage", 1)
        other = Address("telegram", str(OTHER), str(OTHER))
        await connector.send(other, [Outgoing("nhanh")])
        assert not slow.done()
        await slow
    finally:
        await connector.stop()
    assert [c.params["text"] for c in tg.calls_of("sendMessage")] == ["chậm", "nhanh", "chậm"]


async def test_server_errors_are_retried_with_backoff(tg: FakeTelegram, tmp_path) -> None:
    connector = await started(tg, tmp_path)
    tg.fail_next("sendMessage", 2, status=502)
    tg.fail_next("sendMessage", 1, status=500)
    try:
        await connector.send(HERE, numbered(3))
    finally:
        await connector.stop()
    assert tg.sent_texts(USER) == ["Tin 0", "Tin 1", "Tin 2"]
    assert len(tg.calls_of("sendMessage")) == 6


async def test_a_timed_out_reply_is_retried(tg: FakeTelegram, tmp_path) -> None:
    connector = await started(tg, tmp_path, REQUEST_TIMEOUT="0.3")
    tg.fail_next("sendMessage", 1, status=200, delay=1.0)
    try:
        futures = connector._queue_messages(str(USER), numbered(2))  # replies: at least once
        await asyncio.gather(*futures)
    finally:
        await connector.stop()
    await tg.wait_for(lambda: len(tg.sent_texts(USER)) >= 3, what="the slow request to finish")
    texts = tg.sent_texts(USER)
    # Like Telegram, the fake still carries out the request that timed out, so the first
    # message arrives twice: a duplicate reply beats a lost one; the second one comes after it.
    assert texts.count("Tin 0") == 2 and texts.count("Tin 1") == 1
    assert texts.index("Tin 0") < texts.index("Tin 1")


async def test_a_timed_out_reminder_is_uncertain_not_resent(tg: FakeTelegram, tmp_path) -> None:
    connector = await started(tg, tmp_path, REQUEST_TIMEOUT="0.3")
    tg.fail_next("sendMessage", 1, status=200, delay=1.0)
    try:
        with pytest.raises(DeliveryUncertain):
            await connector.send(HERE, numbered(2))
    finally:
        await connector.stop()
    await tg.wait_for(lambda: len(tg.sent_texts(USER)) >= 2, what="the slow request to finish")
    # The timed-out message did arrive (Telegram carried it out): it is not sent again; the
    # message behind it is not held up.
    assert [c.params["text"] for c in tg.calls_of("sendMessage")] == ["Tin 0", "Tin 1"]
    assert sorted(tg.sent_texts(USER)) == ["Tin 0", "Tin 1"]


async def test_refused_message_does_not_block_the_chat(tg: FakeTelegram, tmp_path) -> None:
    connector = await started(tg, tmp_path)
    try:
        with pytest.raises(DeliveryError):
            await connector.send(HERE, [_bad()])
        await connector.send(HERE, [Outgoing("sau lỗi")])
    finally:
        await connector.stop()
    assert tg.sent_texts(USER) == ["sau lỗi"]


def _bad() -> Outgoing:
    # An attachment path that does not exist cannot be sent, whatever the retries.
    return Outgoing("", attachment_path="/nonexistent/bao_cao.pdf")


async def test_per_chat_rate_is_respected(tg: FakeTelegram, tmp_path) -> None:
    connector = await started(tg, tmp_path, CHAT_RATE="20", CHAT_BURST="1")
    try:
        await connector.send(HERE, numbered(5))
    finally:
        await connector.stop()
    times = [c.at for c in tg.calls_of("sendMessage")]
    # 5 messages at 20/s with bursts of 1 span at least 0.2 s; arrival jitter on a busy
    # machine may shift single gaps, so windows are counted rather than gaps measured.
    assert times[-1] - times[0] >= 0.15, times
    for start in times:
        assert sum(1 for t in times if start <= t < start + 0.1) <= 3, times


async def test_global_rate_is_respected_across_chats(tg: FakeTelegram, tmp_path) -> None:
    connector = await started(tg, tmp_path, GLOBAL_RATE="25")
    chats = [Address("telegram", str(n), str(n)) for n in range(1, 7)]
    try:
        await asyncio.gather(*(connector.send(a, [Outgoing("Nhắc hạn")]) for a in chats))
    finally:
        await connector.stop()
    times = sorted(c.at for c in tg.calls_of("sendMessage"))
    assert len(times) == 6
    # 25/s across chats: 6 messages span about 0.2 s (unlimited, a few ms). The first request
    # also opens the connection and may arrive late, so the span gets a margin.
    assert times[-1] - times[0] >= 0.75 * 5 / 25, times


async def test_stop_drains_the_queue(tg: FakeTelegram, tmp_path) -> None:
    connector = await started(tg, tmp_path, CHAT_RATE="50", CHAT_BURST="1")
    futures = connector._queue_messages(str(USER), numbered(6))
    await connector.stop()
    assert all(f.done() and f.exception() is None for f in futures)
    assert tg.sent_texts(USER) == [f"Tin {n}" for n in range(6)]


async def test_queue_gives_up_only_at_the_shutdown_deadline() -> None:
    queue = SendQueue(retry_base_delay=0.01, retry_max_delay=0.02)

    attempts: list[float] = []

    async def always_down() -> None:
        from aiogram.exceptions import TelegramNetworkError
        from aiogram.methods import SendMessage

        attempts.append(time.monotonic())
        raise TelegramNetworkError(SendMessage(chat_id=1, text="x"), "connection refused")

    future = queue.submit("1", always_down)
    deadline = time.monotonic() + 5
    while len(attempts) < 3:  # wait for retries to happen, not for luck
        assert time.monotonic() < deadline, "the failed send was not retried"
        await asyncio.sleep(0.005)
    assert not future.done(), "a network failure is retried, not dropped"
    started_at = time.monotonic()
    await queue.close(timeout=0.2)
    assert time.monotonic() - started_at < 1
    assert isinstance(future.exception(), DeliveryError)
    with pytest.raises(DeliveryError):
        queue.submit("1", always_down)


async def test_a_question_is_sent_as_aiogram_would_and_a_refusal_is_still_read(
    tg: FakeTelegram, tmp_path
) -> None:
    """sendMessage's body is built without aiogram's method model (`client.send_text`) and
    the keyboard is built once per distinct question (`keyboards.keyboard_of`): the body is
    still exactly aiogram's, a refusal is still Telegram's error, and a second send of the
    same question (the kept keyboard) sends the same body."""
    connector = await started(tg, tmp_path)
    choices = (Choice("Có", "yes"), Choice("Không có kế hoạch", "no"))
    question = Outgoing("Có kế hoạch?", question_id="q1", choices=choices)
    tg.blocked.add(USER)
    try:
        with pytest.raises(DeliveryError, match="blocked"):
            await connector.send(HERE, [question])
        tg.blocked.discard(USER)
        await connector.send(HERE, [question])
        token = question_token("q1")
        rows = [[{"text": "Có", "callback_data": f"c{token}:yes"}]]
        rows.append([{"text": "Không có kế hoạch", "callback_data": f"c{token}:no"}])
        # The same message sent through aiogram's own method model, for comparison.
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(**button) for button in row] for row in rows]
        )
        await connector.bot.send_message(str(USER), "Có kế hoạch?", reply_markup=markup)
    finally:
        await connector.stop()
    refused, sent, by_aiogram = tg.calls_of("sendMessage")
    expected = {
        "chat_id": str(USER),
        "text": "Có kế hoạch?",
        "reply_markup": {"inline_keyboard": rows},
    }
    assert sent.params == refused.params == by_aiogram.params == expected
