"""A multi-select question answered with "Xong" is settled: presses still on their way from
the keyboard the officer saw (Telegram shows it until the "✅ answer" edit lands) neither put
the keyboard back nor answer the question again with that keyboard's old ticks."""

from __future__ import annotations

from collections.abc import Sequence

from connectors.base import Choice, Incoming, Outgoing
from tests.fakes.telegram import FakeTelegram, Script

USER = 424242
LABELS = (
    "Ngày KH&CN Việt Nam (18/5)",
    "Ngày Đổi mới sáng tạo (1/10)",
    "Ngày Chuyển đổi số (10/10)",
)


def _question() -> Outgoing:
    choices = tuple(Choice(label, f"v{n}") for n, label in enumerate(LABELS))
    return Outgoing("Sự kiện đã tổ chức?", choices=choices, multi=True, question_id="su_kien")


def _reply(incoming: Incoming) -> Sequence[Outgoing]:
    if incoming.text == "/baocao":
        return [_question()]
    if incoming.choices is not None:
        return [Outgoing("Đã lưu " + ",".join(incoming.choices))]
    return [Outgoing(f"echo: {incoming.text}")]


async def _asked(tg: FakeTelegram, start_bot) -> Script:  # type: ignore[no-untyped-def]
    script = Script(_reply)
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "/baocao"))
    await tg.wait_bot_messages(USER, 1)
    return script


async def _settled(tg: FakeTelegram) -> None:
    """Wait until every update before a closing "x" was handled and its edits were sent: the
    chat's updates are handled in order, and its edits and replies leave in order."""
    tg.enqueue(tg.text_update(USER, "x"))
    await tg.wait_for(lambda: "echo: x" in tg.sent_texts(USER), what="the echo of x")


async def test_a_tick_pressed_after_done_leaves_no_keyboard(tg: FakeTelegram, start_bot) -> None:
    script = await _asked(tg, start_bot)
    tg.enqueue(tg.press(USER, "Đổi mới"))
    await tg.wait_for(lambda: tg.buttons(tg.bot_messages(USER)[0])[1][0].startswith("☑"))
    done = tg.press(USER, "Xong")
    late_tick = tg.press(USER, "Chuyển đổi số")  # pressed on the keyboard still shown
    tg.enqueue(done, late_tick)
    await _settled(tg)
    question = tg.bot_messages(USER)[0]
    assert question["text"] == "Sự kiện đã tổ chức?\n\n✅ Ngày Đổi mới sáng tạo (1/10)"
    assert "reply_markup" not in question, question["reply_markup"]
    assert [incoming.choices for incoming in script.seen if incoming.choices] == [("v1",)]


async def test_a_second_done_does_not_answer_again_with_old_ticks(
    tg: FakeTelegram, start_bot
) -> None:
    script = await _asked(tg, start_bot)
    tick = tg.press(USER, "18/5")
    first_done = tg.press(USER, "Xong")  # both carry the keyboard before the tick's edit
    second_done = tg.press(USER, "Xong")
    tg.enqueue(tick)
    await tg.wait_for(lambda: tg.buttons(tg.bot_messages(USER)[0])[0][0].startswith("☑"))
    tg.enqueue(first_done, second_done)
    await _settled(tg)
    # One answer, with the tick: the second "Xong" carried an untouched keyboard (no ticks).
    assert [incoming.choices for incoming in script.seen if incoming.choices is not None] == [
        ("v0",)
    ]
    question = tg.bot_messages(USER)[0]
    assert question["text"].endswith("\n\n✅ Ngày KH&CN Việt Nam (18/5)")
    assert "reply_markup" not in question
    assert tg.sent_texts(USER).count("Đã lưu v0") == 1
