"""The end of a report: the review, changing one answer, sending, and cancelling."""

from __future__ import annotations

from connectors.base import Choice, Incoming, Outgoing
from reportbot.conversation import filling, numbering, validity
from reportbot.conversation.opening import open_report, report
from reportbot.conversation.parsing import AnswerError, parse_yes_no
from reportbot.conversation.report import OpenReport
from reportbot.conversation.state import AT_END, ConversationState, Mode
from reportbot.conversation.turn import Turn, deadline_text
from reportbot.forms.schema import pick
from reportbot.vocabulary.format import datetime_text


def review(turn: Turn) -> None:
    """/xemlai: every applicable answer, numbered."""
    if turn.report is None or not turn.state.in_report:
        turn.not_in_report()
        return
    turn.state.edit_one = False
    turn.show_review(turn.report)


def review_input(turn: Turn, message: Incoming, text: str) -> None:
    """A message on the review screen: a number changes that answer (not a copy of the
    answer just given, retyped before the review appeared: `filling.retyped`)."""
    if text.isascii() and text.isdigit():
        if filling.retyped(turn.state, message, text):
            turn.say("typed_before_review", text=text)
            return
        edit(turn, text)
        return
    opened = turn.report
    if opened is not None and opened.unchanged():  # sent as it is: /gui would refuse
        turn.say("review_footer_sent")
        return
    missing = opened is not None and opened.missing_required()
    turn.say("review_footer_missing" if missing else "review_footer")


def edit(turn: Turn, argument: str) -> None:
    """/sua N: change answer number N of the review."""
    opened = turn.report
    if opened is None or not turn.state.in_report:
        if _reopen_last(turn, argument):
            edit(turn, argument)
        elif turn.state.last or turn.env.submissions:
            report(turn)
        else:
            turn.say("edit_no_report")
        return
    question = numbering.to_edit(turn, opened, argument)  # N: the form version's question N
    if question is None:
        return
    if turn.locked(opened):
        return
    turn.state.edit_one = True
    turn.ask(opened, question, [])


def _reopen_last(turn: Turn, argument: str) -> bool:
    """/sua N after /huy: open the report left (it says which) for N, without the question
    it would go on at; False when there is none to open, or it could not be (said why)."""
    last = turn.state.last
    if last is None or last not in turn.env.submissions or not argument.strip():
        return False
    before = len(turn.step.replies)
    open_report(turn, last)
    if turn.report is None or not turn.state.in_report:
        return False
    kept = [reply for reply in turn.step.replies[before:] if not reply.question_id]
    turn.step.replies[before:] = kept
    return True


def submit(turn: Turn) -> None:
    """/gui: ask for confirmation, or first walk to a required question left empty."""
    opened = turn.report
    if opened is None or not turn.state.in_report:
        turn.not_in_report()
        return
    if turn.locked(opened):
        return
    if opened.unchanged() and turn.state.mode != Mode.REVIEW:
        # At a question (/sua N): not left to answer it; the review says, once, that
        # nothing was sent again (its own "sent at" line, not a second message before it).
        turn.state.edit_one = False
        turn.show_review(opened, "review_not_resent")
        return
    if _unchanged(turn, opened):
        return
    missing = opened.missing_required()
    if missing:
        turn.say("missing_required", count=len(missing))
        filling.ask_missing(turn, opened, missing[0])
        return
    if validity.refuse_broken(turn, opened):
        return
    turn.state.mode = Mode.CONFIRM
    choices = (Choice(turn.text("yes"), "yes"), Choice(turn.text("no"), "no"))
    late = opened.is_late(turn.env.now)
    text = turn.text(
        "confirm_submit_late" if late else "confirm_submit",
        title=pick(opened.template.title, turn.locale),
        period=opened.period.label(turn.locale),
        deadline=deadline_text(opened.period),
    )
    turn.reply(Outgoing(text, choices=choices))


def confirm(turn: Turn, message: Incoming, text: str) -> None:
    """The yes/no after /gui."""
    opened = turn.report
    if opened is None:
        turn.state = ConversationState()
        return
    try:
        yes = message.choice == "yes" if message.choice in ("yes", "no") else parse_yes_no(text)
    except AnswerError:
        turn.say("confirm_answer")
        return
    if not yes:
        turn.say("submit_cancelled")
        turn.show_review(opened)
        return
    if turn.locked(opened):
        return
    if _unchanged(turn, opened):  # a colleague sent these very answers meanwhile
        turn.state.mode = Mode.REVIEW
        return
    _send(turn, opened)  # answers cannot change between /gui (checked there) and this yes


def _unchanged(turn: Turn, opened: OpenReport) -> bool:
    """A sent report whose answers are all as sent is not sent again (no new revision for
    the coordinators to count, nobody told): say so, naming the revision and its time."""
    if not opened.unchanged():
        return False
    view = opened.view
    turn.say(
        "unchanged_since_sent",
        title=pick(opened.template.title, turn.locale),
        period=opened.period.label(turn.locale),
        revision=view.revision,
        time=datetime_text(view.updated_at or view.submitted_at, turn.env.tz),
    )
    return True


def _send(turn: Turn, opened: OpenReport) -> None:
    view, env = opened.view, turn.env
    change = turn.submit_edits(opened)
    change.status = "submitted"
    change.revision = view.revision + 1
    # The first submission fixes when the unit filed (on time or late); later revisions,
    # even after a coordinator reopened the report, do not make it late.
    first = view.submitted_at is None
    if first:
        change.submitted_at = env.now
        change.submitted_by = env.person.id
    params = {
        "title": pick(opened.template.title, turn.locale),
        "period": opened.period.label(turn.locale),
        "time": datetime_text(env.now, env.tz),
        "revision": change.revision,
        "deadline": deadline_text(opened.period),
    }
    if not first:
        turn.say("resubmitted", **params)
    else:
        turn.say("submitted_late" if opened.is_late(env.now) else "submitted", **params)
    turn.idle()


def cancel(turn: Turn) -> None:
    """/huy: leave the report; unsent changes to a submitted report are dropped."""
    if turn.report is None or not turn.state.in_report:
        turn.say("nothing_to_cancel")  # a second /huy keeps where the first one stopped
        turn.state = ConversationState(last=turn.state.last, stopped_at=turn.state.stopped_at)
        return
    held = turn.report.held
    where = turn.state.question  # the question the officer was at (also from the review)
    turn.idle()
    if where is None:
        where = AT_END  # the review after the last question
    if not held:
        turn.state.stopped_at = where  # /tieptuc goes back there (opening.open_report)
    turn.say("cancelled_edits" if held else "cancelled_draft")
