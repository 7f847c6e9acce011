"""Answers bound to the question they answer, not to the question being asked.

A button pressed on an old question's message, a reply to an old question, or an edit in the
chat app of a message that answered a question: each carries which question it is for
(`Incoming.reply_to_question`, a binding made by `connectors.binding.question_token`; or the
edited message's id, which the state maps to the question it answered). Such a message is an
edit of that question: read with the same rules, dependants checked again, stored, said so,
and the officer is taken back to where they were. A binding that resolves to no question of
the open report (another report, an old form version, a finished report) stores nothing.
"""

from __future__ import annotations

from connectors.base import Incoming, Outgoing
from connectors.binding import resolve_question
from reportbot.conversation import clearing, filling
from reportbot.conversation.answers import Rejected
from reportbot.conversation.report import OpenReport
from reportbot.conversation.state import Mode
from reportbot.conversation.turn import Turn
from reportbot.forms.schema import pick


def route(turn: Turn, message: Incoming, text: str) -> bool:
    """Handle a message bound to another question than the one asked; False if it is not."""
    opened = turn.report if turn.state.in_report else None
    if message.edited:
        state = turn.state
        qid = state.answered_by(message.message_id) or state.answered_by(
            message.reply_to_message_id
        )
        if opened is None or qid is None:
            turn.say("edit_how")  # never taken for an answer to the question asked now
            return True
        edit(turn, opened, qid, message, text)
        return True
    token = message.reply_to_question
    if token is None:
        return False
    if opened is None:
        turn.say("bound_closed")
        return True
    template = opened.template
    qid = resolve_question(token, (q.id for q in template.questions), opened.binding)
    if qid is None:
        turn.say("bound_closed")
        turn.resume(opened)
        return True
    state = turn.state
    if message.choices is not None and state.answered_by(message.message_id) == qid:
        # "Xong" again on a keyboard whose "Xong" already answered this question (a stale
        # copy, maybe handled by another worker): its ticks are no newer answer
        return True
    if state.mode == Mode.ANSWERING and qid == state.question:
        return False  # the question being asked: an ordinary answer
    if state.mode == Mode.CONFIRM_CLEAR and state.pending and qid == state.pending[0]:
        return False  # the yes/no to "this change clears other answers"
    edit(turn, opened, qid, message, text)
    return True


def edit(turn: Turn, opened: OpenReport, qid: str, message: Incoming, text: str) -> None:
    """Change the answer to `qid` from a bound message, then back to where the officer was."""
    question = opened.question(qid)
    if question is None or qid not in opened.relevance.numbers:
        label = pick(question.label, turn.locale) if question is not None else qid
        turn.say("bound_not_applicable", label=label)
        turn.resume(opened)
        return
    if turn.locked(opened):
        return
    try:
        value = filling.read_for(turn, opened, question, message, text)
    except Rejected as rejection:
        turn.reply(Outgoing(rejection.text))
        turn.resume(opened)
        return
    if message.text:
        turn.state.remember(message.message_id, qid)
    if clearing.ask_first(turn, opened, question, value):
        return  # confirmed in `filling.confirm_clear`, which then finishes the edit
    if message.choices is not None:  # "Xong": a second one on this keyboard is stale
        turn.state.remember(message.message_id, qid)
    opened.set(qid, value)
    filling.after_bound_edit(turn, opened, question, value)


def stale_command(turn: Turn, message: Incoming) -> bool:
    """A command button of a question ("Không có" = /boqua on the file question) tapped when
    another question is asked: it would act on the question asked now (skip it, erasing its
    answer), so it does nothing and says so. False for a typed command or the question asked."""
    token = message.reply_to_question
    if token is None or message.choice is None:
        return False
    opened = turn.report if turn.state.in_report else None
    qid = None
    if opened is not None:
        qid = resolve_question(token, (q.id for q in opened.template.questions), opened.binding)
    state = turn.state
    if qid is not None and state.mode == Mode.ANSWERING and qid == state.question:
        return False
    if opened is None or qid is None:
        turn.say("bound_closed")
    else:
        turn.say("bound_stale_button", number=opened.relevance.numbers.get(qid, "?"))
    if opened is not None:
        turn.resume(opened)
    return True
