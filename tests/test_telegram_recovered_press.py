"""A button press handled after a restart (`ConversationService.recover`) loses its keyboard.

Before, the old keyboard stayed pressable: recovery sends the replies through the connector's
send path, which knew nothing of the press.
"""

from __future__ import annotations

from connectors.base import Choice, Incoming, Outgoing
from connectors.binding import question_token
from tests.fakes.telegram import FakeTelegram, Script

USER = 424242
YES_NO = (Choice("Có", "yes"), Choice("Không", "no"))


def _question(qid: str, text: str) -> Outgoing:
    return Outgoing(text, question_id=qid, question=question_token(qid), choices=YES_NO)


def _recovered_press(message_id: int, qid: str, update_id: str) -> Incoming:
    """The press as the inbox stored it before the crash (`updates.callback_incoming`)."""
    return Incoming(
        "telegram",
        str(USER),
        str(USER),
        choice="yes",
        message_id=str(message_id),
        update_id=update_id,
        reply_to_question=question_token(qid),
    )


async def test_a_recovered_press_removes_its_keyboard_unless_refused(
    tg: FakeTelegram, start_bot
) -> None:
    asked = iter([_question("q1", "Câu 1?"), _question("q2", "Câu 2?")])
    connector = await start_bot(Script(lambda _incoming: [next(asked)]))
    tg.enqueue(tg.text_update(USER, "/baocao"))
    tg.enqueue(tg.text_update(USER, "/baocao"))
    first, second = await tg.wait_bot_messages(USER, 2)
    assert tg.buttons(first) and tg.buttons(second)

    # Câu 1's press was refused (the reply asks Câu 1 again): its keyboard stays usable.
    refused = _recovered_press(first["message_id"], "q1", "7")
    connector.settle_recovered(refused, [_question("q1", "Câu 1?")])
    # Câu 2's press was taken: its keyboard goes.
    connector.settle_recovered(_recovered_press(second["message_id"], "q2", "8"), [])
    await tg.wait_for(
        lambda: "reply_markup" not in tg.messages[(USER, second["message_id"])],
        what="the recovered press's keyboard removed",
    )
    # The refused press made no edit: only one was asked for, on Câu 2.
    assert tg.buttons(tg.messages[(USER, first["message_id"])]) == tg.buttons(first)
    (edit,) = tg.calls_of("editMessageReplyMarkup")
    assert str(edit.params["message_id"]) == str(second["message_id"])
    assert tg.calls_of("answerCallbackQuery") == []  # moot after a restart: not sent
