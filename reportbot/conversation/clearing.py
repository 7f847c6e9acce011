"""Changing an answer that clears others: say which will be cleared, and ask first.

Answering "no" to "has the unit issued a plan?" makes the plan's number and date stop
applying; their answers would be removed. Before that happens the officer sees them listed
and confirms; "no" keeps everything as it was and asks the question again.
"""

from __future__ import annotations

from typing import Any

from connectors.base import Choice, Incoming, Outgoing
from reportbot.conversation.parsing import AnswerError, parse_yes_no
from reportbot.conversation.report import OpenReport
from reportbot.conversation.state import Mode
from reportbot.conversation.turn import Turn
from reportbot.conversation.values import decode_value, encode_value, format_value
from reportbot.forms.schema import Question, pick


def ask_first(turn: Turn, opened: OpenReport, question: Question, value: Any) -> bool:
    """If `value` would clear other answers, list them and ask to confirm (True)."""
    cleared = opened.would_clear(question.id, value)
    if not cleared:
        return False
    numbers = opened.relevance.numbers
    lines = "\n".join(
        f"• {numbers.get(q.id, '?')}. {pick(q.label, turn.locale)}: "
        f"{format_value(q, opened.answers.get(q.id), turn.locale)}"
        for q in cleared
    )
    text = turn.text("clear_confirm", count=len(cleared), lines=lines)
    choices = (Choice(turn.text("yes"), "yes"), Choice(turn.text("no"), "no"))
    # The confirmation carries the question's binding: the question's own message keeps its
    # keyboard (nothing is stored yet), and a tap here is read as this yes/no (`bound`).
    token = opened.token(question.id)
    turn.reply(Outgoing(text, choices=choices, question=token))
    turn.state.mode = Mode.CONFIRM_CLEAR
    turn.state.pending = (question.id, encode_value(value))
    return True


def answer(turn: Turn, message: Incoming, text: str) -> tuple[Question, Any] | None:
    """The yes/no to "clear these answers?": the change to make, or None (handled here)."""
    opened, pending = turn.report, turn.state.pending
    question = opened.question(pending[0]) if opened and pending else None
    if opened is None or pending is None or question is None:
        turn.state.mode = Mode.REVIEW  # nothing to confirm (damaged state): back to the review
        turn.state.pending = None
        if opened is not None:
            turn.show_review(opened)
        return None
    try:
        yes = message.choice == "yes" if message.choice in ("yes", "no") else parse_yes_no(text)
    except AnswerError:
        turn.say("clear_confirm_answer")
        return None
    turn.state.pending = None
    if not yes:
        turn.say("clear_kept")
        # Back to the question being asked (a bound edit of a past one leaves it unchanged).
        turn.ask(opened, opened.question(turn.state.question) or question, [])
        return None
    turn.state.mode = Mode.ANSWERING
    return question, decode_value(question, pending[1], strict=False)
