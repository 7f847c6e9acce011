"""Filling a report: answering, skipping, going back, and continuing where one left off."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from connectors.base import Incoming, Outgoing
from reportbot.conversation import clearing, validity
from reportbot.conversation.answers import Rejected, default_value, read_answer
from reportbot.conversation.opening import open_report, report
from reportbot.conversation.report import OpenReport
from reportbot.conversation.state import AT_END, ConversationState, Mode
from reportbot.conversation.turn import Turn
from reportbot.conversation.values import format_value, is_empty
from reportbot.forms.repeats import adds_entry
from reportbot.forms.schema import ATTACHMENT_TYPES, Question, pick
from reportbot.vocabulary.format import number_text


def answer(turn: Turn, message: Incoming, text: str) -> None:
    """A message while a question is asked: the answer to it."""
    opened = turn.report
    question = opened.question(turn.state.question) if opened is not None else None
    if opened is None or question is None:
        turn.state = ConversationState()
        turn.idle_menu()
        return
    if turn.locked(opened):
        return
    if retyped(turn.state, message, text):
        turn.say("typed_before_asked", text=_shortened(text))
        turn.resume(opened)
        return
    if not_its_button(question, message):
        turn.say("stale_button")  # an old menu's "#1" is not option 1 of this question
        turn.resume(opened)
        return
    if skips_file(question, message, text):
        skip(turn)
        return
    try:
        value = read_for(turn, opened, question, message, text)
    except Rejected as rejection:
        _refused(turn, opened, question, message, rejection)
        return
    if message.text:
        turn.state.remember(message.message_id, question.id)
        turn.state.typed = typed_answer(message, text, turn.env.now)
        turn.typed_now = True
    if message.parts > 1 and message.text:
        length = number_text(len(text), turn.locale)
        turn.say("parts_joined", parts=message.parts, length=length)
    if clearing.ask_first(turn, opened, question, value):
        return
    if message.choices is not None:  # "Xong": a second one on this keyboard is stale
        turn.state.remember(message.message_id, question.id)
    filled = is_empty(opened.answers.get(question.id))  # a gap answered, not a change
    opened.set(question.id, value)
    _after_change(turn, opened, question, filled=filled)


# Platform clocks and ours differ a little, and Telegram gives whole seconds: a message
# counts as typed before a question only when it is older by more than this.
ASKED_MARGIN = timedelta(seconds=2)
# A person types an answer again after waiting for a reply that did not come (seconds at
# least); a script typing ahead sends its lines within milliseconds, and the same value
# twice in a row (30 staff, 30 informed) is then two answers.
RETYPE_AFTER = timedelta(seconds=2)


def retyped(state: ConversationState, message: Incoming, text: str) -> bool:
    """Whether the message is a copy of the last answer, written a while after it and
    before the screen now shown (the question it led to, or the review) appeared.

    It happens after a crash: an answer the platform had delivered is handled on restart,
    and the officer, who saw no reply, had typed it again; that copy would otherwise answer
    the next question. Both times compared are the platform's (`typed_answer`), so the
    server's clock may differ from it. Answers typed ahead are taken in order as before; a
    button press carries its own question and is never held.
    """
    written, typed = message.received_at, state.typed
    if written is None or written.tzinfo is None or typed is None or not message.text:
        return False
    if message.choice is not None or message.choices is not None:
        return False
    digest, first_written, shown = typed
    if written + ASKED_MARGIN >= shown or written - first_written < RETYPE_AFTER:
        return False
    return text_digest(text) == digest


def typed_answer(
    message: Incoming, text: str, now: datetime
) -> tuple[str, datetime, datetime] | None:
    """What `retyped` needs of an answer taken now: its digest, when it was written, and
    when the screen it leads to appears (now), both by the platform's clock: the time it
    was written plus how long it waited here, measured by the bot's own clock from its
    arrival (`Incoming.arrived_at`). None when a time is unknown."""
    written, arrived = message.received_at, message.arrived_at
    if written is None or arrived is None or written.tzinfo is None or arrived.tzinfo is None:
        return None
    waited = max(now - arrived, timedelta(0))
    return text_digest(text), written, written + waited


def text_digest(text: str) -> str:
    """A short digest of an answer's text (the state keeps this, not a 10,000-character text)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _shortened(text: str, limit: int = 40) -> str:
    """The start of a message, to quote it in a reply."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def not_its_button(question: Question, message: Incoming) -> bool:
    """A tapped button whose value is none of this question's (a report chooser's "#1", an
    old keyboard without a binding): never read as if the officer had typed its value."""
    payload = message.choice
    if payload is None:
        return False
    if question.type in ("select_one", "select_multiple"):
        return question.choice(payload) is None
    if question.type == "yes_no":
        return payload not in ("yes", "no")
    return True  # a question without buttons of its own (a bound or command press is routed before)


# What officers type for "I have no file": an optional file question is skipped by them.
_NO_FILE_WORDS = frozenset({"không có", "khong co", "không", "khong", "0", "none", "no"})


def skips_file(question: Question, message: Incoming, text: str) -> bool:
    """Whether `text` skips an optional photo/file question ("không có", "0", ...)."""
    if question.type not in ATTACHMENT_TYPES or question.required or message.attachment:
        return False
    return text.casefold().strip(" .!") in _NO_FILE_WORDS


def _refused(
    turn: Turn, opened: OpenReport, question: Question, message: Incoming, rejection: Rejected
) -> None:
    """A refused answer: say why. A multi-select is asked again with the ticks the officer
    made (its keyboard stays usable); "done" with nothing ticked is explained."""
    if question.type != "select_multiple" or message.choices is None:
        turn.reply(Outgoing(rejection.text))
        return
    turn.reply(Outgoing(turn.text("multi_none") if not message.choices else rejection.text))
    turn.ask(opened, question, [], selected=tuple(message.choices))


def confirm_clear(turn: Turn, message: Incoming, text: str) -> None:
    """The officer's yes/no to an answer that clears others."""
    confirmed = clearing.answer(turn, message, text)
    if confirmed is None or turn.report is None:
        return
    question, value = confirmed
    if turn.locked(turn.report):
        return
    turn.report.set(question.id, value)
    if question.id != turn.state.question:  # a bound edit of a past question (`bound`)
        after_bound_edit(turn, turn.report, question, value)
        return
    _after_change(turn, turn.report, question)


def after_bound_edit(turn: Turn, opened: OpenReport, question: Question, value: object) -> None:
    """After a past question was changed from a bound message: say so, check the answers
    that read it, then back to where the officer was."""
    number = opened.relevance.numbers.get(question.id, "?")
    shown = format_value(question, value, turn.locale)
    turn.say("bound_edited", number=number, value=shown)
    readers = validity.dependants(opened.template, question.id)
    if readers and validity.walk_to_broken(turn, opened, readers):
        return
    state = turn.state
    if state.mode in (Mode.ANSWERING, Mode.CONFIRM_CLEAR):
        if state.question in opened.relevance.numbers:
            turn.resume(opened)
        else:
            continue_(turn)  # the question asked stopped applying: the next one
        return
    turn.show_review(opened)


def _after_change(
    turn: Turn, opened: OpenReport, question: Question, *, filled: bool = False
) -> None:
    """After an answer changed: first any answer it made invalid, else onwards."""
    readers = validity.dependants(opened.template, question.id)
    if readers and validity.walk_to_broken(turn, opened, readers):
        return
    advance(turn, opened, question, filled=filled)


def advance(turn: Turn, opened: OpenReport, question: Question, *, filled: bool = False) -> None:
    """After an answer: the next applicable question, or the review at the end (after a
    change from the review: back to it, unless the change added a repeat entry to fill;
    `filled`: the answer filled a question left empty, see `_review_or_next_gap`)."""
    if turn.state.edit_one:
        turn.state.edit_one = False
        # a repeat entry just added is asked in order (then the review at its end)
        if not adds_entry(opened.template, question, opened.answers):
            if not validity.walk_to_broken(turn, opened):
                _review_or_next_gap(turn, opened, filled)
            return
    notes, following = opened.relevance.after(opened.template, question.id)
    if following is None:
        turn.state.question = None  # past the last question (AT_END; /quaylai: the last one)
        turn.show_notes(opened, notes)  # closing notes: ODK shows them before the end
        turn.show_review(opened)
        return
    turn.ask(opened, following, notes)


def _review_or_next_gap(turn: Turn, opened: OpenReport, filled: bool) -> None:
    """Back to the review after a change from it; but after an answer that filled a gap
    ("Trả lời câu còn thiếu", or /sua of a ❗), first the next required question still empty:
    the missing answers are given in a row, without the whole review between them."""
    missing = opened.missing_required() if filled else []
    if not missing:
        turn.show_review(opened)
        return
    ask_missing(turn, opened, missing[0])


def ask_missing(turn: Turn, opened: OpenReport, gap: Question) -> None:
    """Ask a required question left empty: a gap behind answers given is answered and then
    the next one (`edit_one`); a gap ahead of the furthest answer is reached in order, from
    the first question not yet seen (optional ones included), never by jumping over them."""
    if opened.answered_after(gap.id):
        turn.state.edit_one = True
        turn.ask(opened, gap, [])
        return
    following, _behind = opened.resume_point(None)
    turn.state.edit_one = False
    turn.ask(opened, following or gap, [])


def skip(turn: Turn) -> None:
    """/boqua: leave an optional question empty (or at its default)."""
    opened = turn.report
    if turn.state.mode != Mode.ANSWERING or opened is None:
        if opened is not None and turn.state.in_report:  # the review: not "not in a report"
            turn.say("skip_nothing_asked")
            return
        turn.not_in_report()
        return
    question = opened.question(turn.state.question)
    if question is None:
        return
    default = default_value(question, turn.locale, turn.today)  # the commune's day
    if question.required and is_empty(default):  # a default answers it, as in ODK
        own = pick(question.required_message, turn.locale)  # the form's required_message
        if own:
            turn.reply(Outgoing(own))
        else:
            turn.say("required")
        return
    if turn.locked(opened):
        return
    opened.set(question.id, default)
    turn.say("skipped")
    _after_change(turn, opened, question)


def back(turn: Turn) -> None:
    """/quaylai: the applicable question before this one (from the review: the last one)."""
    opened = turn.report
    if opened is None or not turn.state.in_report:
        turn.not_in_report()
        return
    relevance = opened.relevance
    previous = None
    where = turn.state.question if turn.state.question in relevance.numbers else None
    if turn.state.mode == Mode.ANSWERING and where is not None:
        previous = relevance.before(opened.template, where)
    elif where is not None:
        previous = opened.question(where)  # from the review: back where the officer was
    elif relevance.answerable:
        previous = relevance.answerable[-1]
    if previous is None:
        turn.say("first_question")
        return
    turn.state.edit_one = False
    turn.ask(opened, previous, [])


def continue_(turn: Turn) -> None:
    """/tieptuc: back to the open report, the last one, or the only draft."""
    opened = turn.report
    if opened is not None and turn.state.in_report:
        if turn.state.mode == Mode.ANSWERING:
            turn.resume(opened)
            return
        _continue_from_review(turn, opened)
        return
    last = turn.state.last
    if last is not None and last in turn.env.submissions:
        open_report(turn, last)
        return
    drafts = [key for key, view in turn.env.submissions.items() if view.status == "draft"]
    if len(drafts) == 1:
        open_report(turn, drafts[0])
        return
    if drafts:
        report(turn)
        return
    turn.say("nothing_to_continue")
    turn.idle_menu()


def _continue_from_review(turn: Turn, opened: OpenReport) -> None:
    """/tieptuc (or the review's "answer the missing questions") from the review: the
    question the officer was at (not an optional one while required ones are missing) or the
    first after where they reached, else a required one left empty behind them, else the
    first empty optional one; a gap behind is answered, then the next missing one or the
    review (walking on would ask every answer after it again)."""
    where = turn.state.question
    at = opened.question(where)
    # "Trả lời câu còn thiếu" leads to the missing answers, not to an optional question the
    # officer was at (or had just skipped after /sua): that one stays for /sua
    passed = at is not None and not at.required and bool(opened.missing_required())
    question, behind = opened.resume_point(AT_END if where is None else where, passed)
    if question is None:
        answers = opened.answers
        empty = (q for q in opened.relevance.answerable if is_empty(answers.get(q.id)))
        question = next(empty, None)
        behind = question is not None and opened.answered_after(question.id)
    if question is None:
        turn.show_review(opened)
        return
    turn.state.edit_one = behind
    turn.ask(opened, question, [])


def read_for(
    turn: Turn, opened: OpenReport, question: Question, message: Incoming, text: str
) -> Any:
    """The value `message` gives `question` of the open report, or Rejected: its rules read the
    report's answers, facts and form (a damaged stored answer waits), on the turn's day."""
    today = turn.env.now.date()
    return read_answer(
        question,
        message,
        text,
        opened.answers,
        opened.facts,
        turn.locale,
        today,
        template=opened.view.template,
    )
