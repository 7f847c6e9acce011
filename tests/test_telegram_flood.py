"""What officers and coordinators get when Telegram's flood control is on (the fake keeps it).

The connector runs with Telegram's real numbers for one chat (1 a second, bursts of 3) and
overall (30 a second); a group's "20 a minute" is scaled down to 4 in 6 s (the same one-every-
few-seconds pace) so that a test lasts seconds, with the bot configured to the same numbers,
as an operator would configure it for Telegram's. The checks are a user's: every reply and
reminder arrives, in order in each chat, none twice; and Telegram answered 429 as few times
as the test says.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from connectors.base import Address, Choice, ConnectorContext, Incoming, Outgoing
from connectors.telegram import TelegramConnector, create
from reportbot.store.models import Identity, Person, Unit
from tests.conftest import FakeClock
from tests.fakes.telegram import FakeTelegram, Script, bot_env
from tests.support import load_shipped_forms
from tests.test_reminders_support import local, worker_for

OFFICERS = [7100 + n for n in range(40)]
GROUP = -1009876543210
OFFICER = 424242
GROUP_LIMIT, GROUP_WINDOW = 4, 6.0
REAL = {
    "GLOBAL_RATE": "30",
    "CHAT_RATE": "1",
    "CHAT_BURST": "3",
    "GROUP_LIMIT": str(GROUP_LIMIT),
    "GROUP_WINDOW": str(GROUP_WINDOW),
}


def limit(tg: FakeTelegram) -> None:
    tg.limit_rate(30, chat_per_second=1, chat_burst=3, group_per_window=GROUP_LIMIT)
    tg.flood.limits.group_window = GROUP_WINDOW  # type: ignore[union-attr]


async def started(tg: FakeTelegram, tmp_path, script: Script | None = None) -> TelegramConnector:
    env = bot_env(tg, SET_COMMANDS="0", JOIN_MESSAGES="0", **REAL)
    context = ConnectorContext(handler=script or Script(), env=env, media_dir=tmp_path)
    connector = create(context)
    assert connector is not None
    await connector.start()
    return connector


def private(chat: int) -> Address:
    return Address("telegram", str(chat), str(chat))


def texts_sent(tg: FakeTelegram, method: str = "sendMessage") -> list[str]:
    return [call.params["text"] for call in tg.calls_of(method)]


async def test_a_fan_out_to_40_officers_and_a_group_arrives_whole(
    tg: FakeTelegram, tmp_path
) -> None:
    """40 reminders and 8 notices to the coordinators' group: the group needs two windows."""
    limit(tg)
    connector = await started(tg, tmp_path)
    group = Address("telegram", str(GROUP), str(GROUP))
    notices = [Outgoing(f"Đơn vị {n}: chưa nộp báo cáo tháng") for n in range(8)]
    try:
        async with asyncio.timeout(30):
            await asyncio.gather(
                *(connector.send(private(o), [Outgoing(f"Nhắc hạn {o}")]) for o in OFFICERS),
                connector.send(group, notices),
            )
    finally:
        await connector.stop()
    for officer in OFFICERS:
        assert tg.sent_texts(officer) == [f"Nhắc hạn {officer}"]
    assert tg.sent_texts(GROUP) == [n.text for n in notices], "all, in order, once each"
    # A bot that starts fresh paces itself by Telegram's numbers before being told: no 429.
    assert tg.flood.refused == []
    assert len(tg.calls_of("sendMessage")) == 48, "nothing sent twice"


def _three_replies(incoming: Incoming) -> Sequence[Outgoing]:
    # An answer is acknowledged, the progress shown and the next question asked: 3 messages.
    return [
        Outgoing(f"Đã ghi: {incoming.text}"),
        Outgoing(f"Tiến độ sau {incoming.text}"),
        Outgoing(f"Câu tiếp theo sau {incoming.text}"),
    ]


async def test_an_officer_answering_fast_gets_every_reply_in_order(
    tg: FakeTelegram, tmp_path
) -> None:
    """Six answers typed within a second, three replies each: 18 messages at 1 a second."""
    limit(tg)
    connector = await started(tg, tmp_path, Script(_three_replies))
    answers = [str(n) for n in range(6)]
    try:
        tg.enqueue(*(tg.text_update(OFFICER, answer) for answer in answers))
        await tg.wait_sent(OFFICER, 18, timeout=40)
    finally:
        await connector.stop()
    expected = [text for a in answers for text in (m.text for m in _three_replies(_in(a)))]
    assert tg.sent_texts(OFFICER) == expected
    assert tg.flood.refused == [], "the bot kept to one a second after its burst"


def _multi(incoming: Incoming) -> Sequence[Outgoing]:
    if incoming.choices is not None:
        return [Outgoing(f"Đã chọn {len(incoming.choices)} mục")]
    options = tuple(Choice(f"Mục {n}", f"m{n}") for n in range(6))
    return [Outgoing("Chọn các mục đã làm", choices=options, multi=True, question_id="q1")]


async def test_ticking_boxes_fast_is_paced_not_refused(tg: FakeTelegram, tmp_path) -> None:
    """Six boxes ticked within a second: edits count against the chat like messages, and a
    tick's edit not sent yet gives way to the next one (the officer sees the last state)."""
    limit(tg)
    connector = await started(tg, tmp_path, Script(_multi))
    try:
        tg.enqueue(tg.text_update(OFFICER, "/bat_dau"))
        await tg.wait_sent(OFFICER, 1)
        question = tg.last_bot_message(OFFICER)
        for n in range(6):
            tg.enqueue(tg.press(OFFICER, f"Mục {n}", message_id=question["message_id"]))
        await tg.wait_for(lambda: _ticked(tg, question["message_id"]) == 6, timeout=20)
        await connector.queue.drain(10)
    finally:
        await connector.stop()
    assert tg.flood.refused == [], "edits are paced like messages: Telegram never refused"
    # At most the burst, then the last state once (6 before unsent edits gave way).
    assert 1 <= len(tg.calls_of("editMessageReplyMarkup")) <= 3 + 1


def _twelve(incoming: Incoming) -> Sequence[Outgoing]:
    if incoming.choices is not None:
        return [Outgoing(f"Đã chọn {len(incoming.choices)} mục"), Outgoing("Câu tiếp theo")]
    options = tuple(Choice(f"Mục {n:02d}", f"m{n:02d}") for n in range(12))
    return [Outgoing("Chọn các mục đã làm", choices=options, multi=True, question_id="q1")]


async def test_twelve_quick_ticks_then_done_do_not_hold_back_the_next_question(
    tg: FakeTelegram, tmp_path
) -> None:
    """12 boxes ticked within a second, then "Xong": only the last state of the keyboard is
    worth sending, so the next question comes after the burst and about one paced edit, not
    after twelve edits at one a second."""
    limit(tg)
    connector = await started(tg, tmp_path, Script(_twelve))
    try:
        tg.enqueue(tg.text_update(OFFICER, "/bat_dau"))
        await tg.wait_sent(OFFICER, 1)
        question = tg.last_bot_message(OFFICER)
        qid = question["message_id"]
        presses = [tg.press(OFFICER, f"Mục {n:02d}", message_id=qid) for n in range(12)]
        tg.enqueue(*presses, tg.press(OFFICER, "Xong", message_id=qid))
        await tg.wait_sent(OFFICER, 3, timeout=30)
    finally:
        await connector.stop()
    assert tg.sent_texts(OFFICER)[1:] == ["Đã chọn 12 mục", "Câu tiếp theo"]
    chosen = ", ".join(f"Mục {n:02d}" for n in range(12))
    assert tg.messages[(OFFICER, qid)]["text"] == f"Chọn các mục đã làm\n\n✅ {chosen}"
    assert FakeTelegram.buttons(tg.messages[(OFFICER, qid)]) == []
    methods = [c.method for c in tg.calls if c.method.startswith(("edit", "sendMessage"))]
    before_answer = methods[1 : methods.index("sendMessage", 1)]
    # Hand count: 3 edits in the burst, at most one paced tick, then the "✅" edit.
    assert len(before_answer) <= 3 + 1 + 1, before_answer  # 13 before the fix
    assert before_answer[-1] == "editMessageText", "the ✅ edit is the last, not lost"
    assert tg.flood.refused == []


def _ticked(tg: FakeTelegram, message_id: int) -> int:
    message = tg.messages[(OFFICER, message_id)]
    rows = FakeTelegram.buttons(message)
    return sum(1 for row in rows for label in row if label.startswith("☑"))


async def test_after_a_restart_one_429_then_the_steady_rate(tg: FakeTelegram, tmp_path) -> None:
    """The bot restarted right after a burst: Telegram still counts it. One 429 is expected
    (the bot cannot know); after it the bot must keep to one a second: no second 429."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    try:
        before = Bot(tg.token, session=session)
        for n in range(3):
            await before.send_message(OFFICER, f"Trước {n}")
    finally:
        await session.close()
    limit(tg)
    connector = await started(tg, tmp_path)
    try:
        async with asyncio.timeout(20):
            await connector.send(private(OFFICER), [Outgoing(f"Sau {n}") for n in range(5)])
    finally:
        await connector.stop()
    assert tg.sent_texts(OFFICER) == [f"Trước {n}" for n in range(3)] + [
        f"Sau {n}" for n in range(5)
    ]
    # One 429 (none if the connector took over 3 s to start: the bucket had refilled).
    assert len(tg.flood.refused) <= 1, tg.flood.refused
    sent = texts_sent(tg)
    assert len(sent) == 3 + 5 + len(tg.flood.refused), "only the refused one is sent again"
    assert all(sent.count(f"Sau {n}") <= 2 for n in range(5))


async def test_a_group_after_a_restart_gets_one_429_then_the_groups_pace(
    tg: FakeTelegram, tmp_path
) -> None:
    """The group's allowance was spent just before a restart: one 429 (the bot cannot know),
    then the bot spreads the group's messages over the window: no second 429."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    try:
        before = Bot(tg.token, session=session)
        for n in range(GROUP_LIMIT):
            await before.send_message(GROUP, f"Trước {n}")
    finally:
        await session.close()
    tg.limit_rate(30, chat_per_second=100, chat_burst=100, group_per_window=GROUP_LIMIT)
    tg.flood.limits.group_window = GROUP_WINDOW  # type: ignore[union-attr]
    connector = await started(tg, tmp_path)
    group = Address("telegram", str(GROUP), str(GROUP))
    try:
        async with asyncio.timeout(40):
            await connector.send(group, [Outgoing(f"Sau {n}") for n in range(4)])
    finally:
        await connector.stop()
    assert tg.sent_texts(GROUP)[GROUP_LIMIT:] == [f"Sau {n}" for n in range(4)]
    # One 429 (none if the connector took over 6 s to start: the window had emptied).
    assert len(tg.flood.refused) <= 1, tg.flood.refused
    assert len(tg.calls_of("sendMessage")) == GROUP_LIMIT + 4 + len(tg.flood.refused)


def _in(text: str) -> Incoming:
    return Incoming(platform="telegram", user_id=str(OFFICER), chat_id=str(OFFICER), text=text)


async def test_the_reminder_worker_reaches_40_officers_under_telegrams_limits(
    db: str, tg: FakeTelegram, tmp_path
) -> None:
    """The real fan-out on deadline eve: 40 officers and their coordinator, Telegram's default
    limits on from the start (30 a second overall): each gets one message, no 429."""
    await load_shipped_forms()
    for n, chat in enumerate(OFFICERS):
        unit = await Unit.create(code=f"u{n:02d}", name=f"Đơn vị {n:02d}", type="doan_the")
        person = await Person.create(name=f"Cán bộ {n:02d}", unit=unit, role="officer")
        await Identity.create(
            platform="telegram", external_id=str(chat), chat_id=str(chat), person=person
        )
    chief = await Unit.create(code="vhxh", name="Phòng Văn hóa - Xã hội", type="phong")
    leader = await Person.create(name="Lãnh đạo", unit=chief, role="coordinator", locale="vi")
    await Identity.create(
        platform="telegram", external_id=str(OFFICER), chat_id=str(OFFICER), person=leader
    )
    tg.limit_rate()  # Telegram's numbers: 30/s overall, 1/s per chat, 20/min per group
    connector = await started(tg, tmp_path)
    try:
        clock = FakeClock(local(2026, 6, 19, 9, 0))  # d-1 reminders and the digest
        await worker_for([connector], clock).run_once()
    finally:
        await connector.stop()
    for chat in OFFICERS:
        (text,) = tg.sent_texts(chat)
        assert "20/06/2026" in text, text
    (digest,) = tg.sent_texts(OFFICER)
    assert digest.startswith("📊 Tình hình nộp báo cáo:")
    assert tg.flood.refused == []
    assert len(tg.calls_of("sendMessage")) == 41, "nothing sent twice"
