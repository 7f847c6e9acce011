"""Every tap, reply and edit says which message and question it belongs to."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from connectors.base import Choice, Incoming, Outgoing
from connectors.binding import is_token, question_token, resolve_question
from connectors.telegram import keyboards
from tests.fakes.telegram import FakeTelegram, Script
from tests.telegram_fixtures import wait_seen

USER = 424242
VERSION = "2026.11-a1b2"
YES_NO = (Choice("Có", "yes"), Choice("Không", "no"))


def question(qid: str, text: str, **fields: object) -> Outgoing:
    return Outgoing(text, question_id=qid, question=question_token(qid, VERSION), **fields)


# ------------------------------------------------------------------------- tokens


def test_token_binds_question_and_version() -> None:
    token = question_token("q1", VERSION)
    assert is_token(token) and len(token) == 8
    assert resolve_question(token, ["q0", "q1", "q2"], VERSION) == "q1"
    assert resolve_question(token, ["q0", "q1"], "2026.12-ffff") is None, "another version"
    assert resolve_question(question_token("q1"), ["q1"], VERSION) == "q1", "version-less"
    assert resolve_question(None, ["q1"], VERSION) is None
    assert resolve_question("c:no", ["q1"], VERSION) is None


@given(
    qid=st.text(min_size=1, max_size=64),
    payload=st.text(min_size=1, max_size=80),
    multi=st.booleans(),
)
def test_callback_data_fits_and_reads_back(qid: str, payload: str, multi: bool) -> None:
    message = question(qid, "?", choices=(Choice("A", payload),), multi=multi)
    markup = keyboards.build_markup(message, 100)
    if markup is None:
        # Only when even an unbound button cannot hold the payload.
        assert len(f"c:{payload}".encode()) > 64 or len(f"t:{payload}".encode()) > 64
        return
    for row in markup.inline_keyboard:
        for button in row:
            data = button.callback_data or ""
            assert 1 <= len(data.encode()) <= 64
            press = keyboards.decode(data)
            assert press is not None
            assert press.question in (None, question_token(qid, VERSION))
    first = keyboards.decode(markup.inline_keyboard[0][0].callback_data)
    assert first is not None and first.payload == payload
    if len(f"t{'x' * 8}:{payload}".encode()) <= 64:
        assert first.question == question_token(qid, VERSION), "bound whenever it fits"


def test_a_question_id_alone_binds_without_version() -> None:
    message = Outgoing("Câu 7?", choices=YES_NO, question_id="q7")
    markup = keyboards.build_markup(message, 100)
    assert markup is not None
    press = keyboards.decode(markup.inline_keyboard[0][1].callback_data)
    assert press == keyboards.Press("c", "no", question_token("q7"))
    assert resolve_question(press.question, ["q6", "q7"], VERSION) == "q7"
    unbound = keyboards.build_markup(Outgoing("?", choices=YES_NO), 100)
    assert unbound is not None and unbound.inline_keyboard[0][0].callback_data == "c:yes"


def test_old_unbound_buttons_still_decode() -> None:
    assert keyboards.decode("c:no") == keyboards.Press("c", "no", None)
    assert keyboards.decode("d:") == keyboards.Press("d", "", None)
    assert keyboards.decode("cABCDEFGH:no") == keyboards.Press("c", "no", "ABCDEFGH")
    assert keyboards.decode("cABC:no") is None
    assert keyboards.decode("x:whatever") is None


# ------------------------------------------------------------------------- presses


async def test_a_press_carries_its_question(tg: FakeTelegram, start_bot) -> None:
    def reply(incoming: Incoming) -> list[Outgoing]:
        if incoming.text == "/baocao":
            return [question("q1", "Câu 1: Có kế hoạch?", choices=YES_NO)]
        if incoming.text == "gõ chữ":
            return [question("q2", "Câu 2: Số hộ?")]
        return [Outgoing("Đã lưu.")]

    script = Script(reply)
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "/baocao"))
    (first,) = await tg.wait_bot_messages(USER, 1)
    data = first["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data == f"c{question_token('q1', VERSION)}:yes"
    # The officer types instead of tapping; Câu 2 is asked; then Câu 1's old button is tapped.
    tg.enqueue(tg.text_update(USER, "gõ chữ"))
    await tg.wait_bot_messages(USER, 2)
    tg.enqueue(tg.press(USER, "Không", message_id=first["message_id"]))
    await wait_seen(tg, script, 3)
    stale = script.seen[2]
    assert stale.choice == "no"
    assert stale.reply_to_question == question_token("q1", VERSION)
    assert resolve_question(stale.reply_to_question, ["q1", "q2"], VERSION) == "q1"
    assert stale.message_id == str(first["message_id"])


async def test_a_refused_answer_keeps_its_keyboard(tg: FakeTelegram, start_bot) -> None:
    ask = question("q5", "Câu 5: Sự kiện nào?", choices=YES_NO, multi=True)

    def reply(incoming: Incoming) -> list[Outgoing]:
        if incoming.choices == ():
            return [Outgoing("Xin chọn ít nhất một."), ask]  # refused: the same question again
        if incoming.choices:
            return [Outgoing("Đã lưu.")]
        return [ask]

    script = Script(reply)
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "/baocao"))
    (asked,) = await tg.wait_bot_messages(USER, 1)
    tg.enqueue(tg.press(USER, "Xong", message_id=asked["message_id"]))
    await tg.wait_bot_messages(USER, 2)
    await tg.wait_for(lambda: len(script.seen) == 2 and len(tg.answered_callbacks) == 1)
    still = tg.messages[(USER, asked["message_id"])]
    assert "✅" not in still["text"], "nothing was stored, so nothing is shown as chosen"
    assert tg.buttons(still)[-1] == ["✅ Xong / Done"]
    # Ticks survive a refusal: tick, then Done with a tick is taken and shown.
    tg.enqueue(tg.press(USER, "Có", message_id=asked["message_id"]))
    await tg.wait_for(lambda: "☑ Có" in str(tg.buttons(tg.messages[(USER, asked["message_id"])])))
    tg.enqueue(tg.press(USER, "Xong", message_id=asked["message_id"]))
    await tg.wait_for(lambda: tg.messages[(USER, asked["message_id"])]["text"].endswith("✅ Có"))
    assert script.seen[-1].choices == ("yes",)
    assert "reply_markup" not in tg.messages[(USER, asked["message_id"])]


async def test_a_failed_handler_shows_no_answer(tg: FakeTelegram, start_bot) -> None:
    def reply(incoming: Incoming) -> list[Outgoing]:
        if incoming.choice is not None:
            raise RuntimeError("database down")
        return [question("q1", "Câu 1?", choices=YES_NO)]

    await start_bot(Script(reply))
    tg.enqueue(tg.text_update(USER, "/baocao"))
    (asked,) = await tg.wait_bot_messages(USER, 1)
    tg.enqueue(tg.press(USER, "Có", message_id=asked["message_id"]))
    await tg.wait_for(lambda: any("Xin lỗi" in t for t in tg.sent_texts(USER)))
    assert tg.messages[(USER, asked["message_id"])]["text"] == "Câu 1?"
    assert tg.buttons(tg.messages[(USER, asked["message_id"])]) == [["Có", "Không"]]


async def test_button_on_an_inaccessible_message(tg: FakeTelegram, start_bot) -> None:
    script = Script(lambda incoming: [Outgoing("Báo cáo này đã đóng.")])
    await start_bot(script)
    (update,) = tg.load_corpus("callback_inaccessible_message", USER)
    tg.enqueue(update)
    await tg.wait_for(lambda: "Báo cáo này đã đóng." in tg.sent_texts(USER))
    (incoming,) = script.seen
    assert incoming.choice == "no" and incoming.reply_to_question is None
    assert incoming.chat_id == str(USER) and incoming.message_id == "3"
    assert tg.answered_callbacks == [update["callback_query"]["id"]]
    assert not tg.calls_of("editMessageText") and not tg.calls_of("editMessageReplyMarkup")


# ------------------------------------------------------------------------- replies and edits


async def test_a_reply_to_a_question_binds_to_it(tg: FakeTelegram, start_bot) -> None:
    def reply(incoming: Incoming) -> list[Outgoing]:
        if incoming.text == "/baocao":
            return [Outgoing("Bắt đầu."), question("q3", "Câu 3: Số hộ nghèo?")]
        return [Outgoing("Đã lưu.")]

    script = Script(reply)
    await start_bot(script)
    tg.enqueue(tg.text_update(USER, "/baocao"))
    (asked,) = await tg.wait_bot_messages(USER, 1)
    assert asked["text"] == "Bắt đầu.\n\nCâu 3: Số hộ nghèo?"
    tg.enqueue(tg.text_update(USER, "12", reply_to=asked["message_id"]))
    tg.enqueue(tg.text_update(USER, "13"))
    await wait_seen(tg, script, 3)
    assert script.seen[1].reply_to_message_id == str(asked["message_id"])
    assert script.seen[1].reply_to_question == question_token("q3", VERSION)
    assert script.seen[2].reply_to_question is None


async def test_edits_arrive_as_edits_of_their_message(tg: FakeTelegram, start_bot) -> None:
    script = Script()
    await start_bot(script)
    await tg.wait_calls("getUpdates", 1)
    assert tg.allowed_updates == ["message", "edited_message", "callback_query"]
    tg.enqueue(*tg.load_corpus("edited_message", USER))
    await wait_seen(tg, script, 2)
    original, edit = script.seen
    assert (original.text, original.edited) == ("15", False)
    assert (edit.text, edit.edited) == ("150", True)
    assert edit.message_id == original.message_id
    assert edit.update_id != original.update_id
    # The corpus edit was made 30 s after the message (edit_date - date).
    assert original.received_at is not None and edit.received_at is not None
    assert (edit.received_at - original.received_at).total_seconds() == 30
    tg.enqueue(tg.edit_update(USER, int(original.message_id or 0), "1500"))
    await wait_seen(tg, script, 3)
    assert script.seen[2].edited and script.seen[2].text == "1500"
