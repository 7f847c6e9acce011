"""One message's worth of decisions: the working state, the open report, the replies.

A `Turn` is created per message over a copy of the state. The flows (opening, filling,
reviewing) read and change it; `finish()` turns it into the `Step` the service commits.
The screens every flow shows (a question, the review, the idle menu) live here too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from connectors.base import Outgoing
from reportbot.conversation import numbering, repeat_progress, validity
from reportbot.conversation.commands import command_choice
from reportbot.conversation.i18n import say
from reportbot.conversation.piped import Piping, has_placeholder
from reportbot.conversation.render import (
    note_messages,
    question_messages,
    review_message,
    section_heading,
)
from reportbot.conversation.report import OpenReport
from reportbot.conversation.session import Env, Step, SubmissionChange, SubmissionView
from reportbot.conversation.state import ConversationState, Mode, PendingEdits
from reportbot.conversation.storing import store_calculations
from reportbot.forms.evaluation import KEPT
from reportbot.forms.schema import Question, pick
from reportbot.periods import Period
from reportbot.vocabulary.format import date_text, datetime_text

# The screens a typed answer may lead to and a retyped copy of it may meet (`state.typed`).
RETYPE_SCREENS = frozenset({Mode.ANSWERING, Mode.REVIEW})


def deadline_text(period: Period) -> str:
    """A period's deadline as dd/mm/yyyy."""
    return date_text(period.deadline)


class Turn:
    """The working copy of one person's conversation while one message is handled."""

    def __init__(self, state: ConversationState, env: Env) -> None:
        self.state = state.copy()
        self.env = env
        self.locale = env.person.locale
        self.unit = env.person.unit
        self.step = Step()
        self._screen_before = (state.mode, state.question)
        self.typed_now = False  # an answer was typed and taken in this turn (`state.typed`)
        self.change: SubmissionChange | None = None
        self.report: OpenReport | None = None
        if self.state.in_report and self.state.report is not None:
            view = env.submissions.get(self.state.report)
            if view is None:
                self.state = ConversationState(last=self.state.last)
            else:
                edits = self.state.held or PendingEdits()
                self.report = OpenReport(view, self.unit, env.tz, edits, self.today)
        # a repeat's entries as the officer last saw them (why a total moves: repeat_progress)
        self._shown = repeat_progress.shown(self.report) if self.report is not None else None

    @property
    def today(self) -> date:
        """The officer's day (the commune's time zone), as ODK's today() on the phone."""
        now = self.env.now
        return (now.astimezone(self.env.tz) if now.tzinfo is not None else now).date()

    # -- replies ---------------------------------------------------------------------------

    def say(self, key: str, **params: Any) -> None:
        """Add a sentence of the catalogue to the replies."""
        self.step.replies.append(Outgoing(say(key, self.locale, **params)))

    def not_in_report(self) -> None:
        """Say that the command works in a report; name /tieptuc when a draft is waiting
        (after /huy, "/gui" must not send the officer to /baocao as if nothing was begun)."""
        views = self.env.submissions.values()
        waiting = any(view.status in ("draft", "reopened") for view in views)
        if not waiting and self._say_sent():
            return
        self.say("not_in_report_waiting" if waiting else "not_in_report")

    def _say_sent(self) -> bool:
        """After sending, the report left is sent: say so (a second /gui sends nothing), and
        how to see or change it; False when the last report is not a sent one."""
        view = self.env.submissions.get(self.state.last) if self.state.last else None
        if view is None or view.status != "submitted":
            return False
        sent = OpenReport(view, self.unit, self.env.tz, PendingEdits())
        self.say(
            "already_sent_locked" if sent.is_late(self.env.now) else "already_sent",
            title=pick(view.template.title, self.locale),
            period=sent.period.label(self.locale),
            revision=view.revision,
            deadline=deadline_text(sent.period),
        )
        return True

    def text(self, key: str, **params: Any) -> str:
        """A sentence of the catalogue in the person's language."""
        return say(key, self.locale, **params)

    def reply(self, message: Outgoing) -> None:
        """Add a ready message to the replies."""
        self.step.replies.append(message)

    # -- reports ---------------------------------------------------------------------------

    def open(self, view: SubmissionView) -> OpenReport:
        """Make `view` the open report (edits of a report open before are kept)."""
        self.flush()
        self.report = OpenReport(view, self.unit, self.env.tz, PendingEdits(), self.today)
        self._shown = repeat_progress.shown(self.report)
        return self.report

    def idle(self) -> None:
        """Back to idle, remembering the open report for /tieptuc."""
        self.flush()
        last = self.report.key if self.report is not None else self.state.last
        self.state = ConversationState(last=last)
        self.report = None

    def change_for(self, view: SubmissionView) -> SubmissionChange:
        """The change this message makes to `view` (created on first use)."""
        if self.change is None:
            self.change = SubmissionChange(view=view)
        return self.change

    def flush(self) -> None:
        """Write a draft's edits into the change (held edits stay in the state)."""
        report = self.report
        if report is None or report.held or report.edits.is_empty():
            return
        change = self.change_for(report.view)
        stored = report.view.answers
        change.set_answers.update(report.edits.values)
        for qid in report.edits.clears:
            change.set_answers.pop(qid, None)
            if qid in stored:
                change.clear_answers.add(qid)
        report.edits = PendingEdits()

    def submit_edits(self, report: OpenReport) -> SubmissionChange:
        """Every pending edit into the change, held ones included (the report is sent)."""
        change = self.change_for(report.view)
        change.set_answers.update(report.edits.values)
        change.clear_answers.update(q for q in report.edits.clears if q in report.view.answers)
        report.edits = PendingEdits()
        return change

    def finish(self) -> Step:
        """The step to commit: the new state and the change, if any."""
        report, state = self.report, self.state
        if state.mode != Mode.CONFIRM_CLEAR:
            state.pending = None  # the officer moved on: the unconfirmed change is dropped
        if report is not None and report.held and state.in_report and state.report == report.key:
            state.held = report.edits
        else:
            state.held = None
            self.flush()
        shown_now = (state.mode, state.question) != self._screen_before
        if state.mode not in RETYPE_SCREENS or (shown_now and not self.typed_now):
            state.typed = None  # a screen reached otherwise: no typed answer led to it
        self.step.state = state
        if self.change is not None and not self.change.is_empty():
            # the calculations move with the answers, in the same transaction
            store_calculations(self.change, self.unit, self.today)  # the review's today()
            self.step.change = self.change
        return self.step

    def locked(self, report: OpenReport) -> bool:
        """A submitted report past its deadline cannot change (unless reopened): say so."""
        if report.view.status != "submitted" or not report.is_late(self.env.now):
            return False
        self.say("locked_now", deadline=deadline_text(report.period))
        self.report = None  # its held edits are dropped with it
        self.state = ConversationState()
        return True

    # -- screens ---------------------------------------------------------------------------

    def idle_menu(self) -> None:
        """The three buttons shown when nothing is going on."""
        choices = (
            command_choice(self.text("button_report"), "/baocao", self.locale),
            command_choice(self.text("button_continue"), "/tieptuc", self.locale),
            command_choice(self.text("button_help"), "/trogiup", self.locale),
        )
        self.reply(Outgoing(self.text("idle_hint"), choices=choices))

    def ask(
        self,
        report: OpenReport,
        question: Question,
        notes: list[Question],
        selected: tuple[str, ...] | None = None,
    ) -> None:
        """Ask `question` (after `notes`), with its progress among the applicable ones.

        The question's message carries its binding (question id and form version), so a
        button pressed or a reply to it later is taken for that question, not the current
        one. `selected` overrides the ticks shown on a multi-select (a refused selection).
        """
        question = report.question(question.id) or question  # choices filtered (choice_filter)
        # The form version's numbering (numbering.py): "Câu 12/27" is the question `/sua 12`
        # names, whatever branches apply.
        index, total = numbering.number_of(report.template, question.id)
        shown, self._shown = self._shown, repeat_progress.shown(report)
        moved = repeat_progress.change_note(shown, self._shown, report, self.locale)
        self.state.mode = Mode.ANSWERING
        self.state.report = report.key
        self.state.question = question.id
        current = report.answers.get(question.id)
        heading = section_heading(question, report.relevance.answerable, self.locale)
        if "${" in heading or has_placeholder(question) or any(map(has_placeholder, notes)):
            piping = self.piping(report)  # ${name} in a label shows the answer, as in ODK
            question, notes = piping.question(question), [piping.question(n) for n in notes]
            heading = piping.text(heading)
        token = report.token(question.id)
        self.step.replies.extend(
            question_messages(
                question,
                notes,
                current,
                index,
                total,
                self.locale,
                heading,
                binding=token,
                selected=selected,
                progress_note=moved,
            )
        )

    def piping(self, report: OpenReport) -> Piping:
        """The report's answers as its labels show them (`${name}`, conversation.piped)."""
        facts = {**report.facts, "__today__": self.today, KEPT: report.view.calculated}
        return Piping(report.template, report.answers, facts, self.locale)

    def show_notes(self, report: OpenReport, notes: list[Question]) -> None:
        """Notes with no question after them (a form's closing summary), on their own."""
        if any(map(has_placeholder, notes)):
            piping = self.piping(report)
            notes = [piping.question(note) for note in notes]
        self.step.replies.extend(note_messages(notes, self.locale))

    def resume(self, report: OpenReport) -> None:
        """Show again where the officer is: the question being asked, or the review."""
        question = report.question(self.state.question)
        if self.state.mode in (Mode.ANSWERING, Mode.CONFIRM_CLEAR) and question is not None:
            self.ask(report, question, [])
            return
        self.show_review(report)

    def show_review(self, report: OpenReport, sent_key: str = "review_sent") -> None:
        """The numbered answers, with a button to change each one; `sent_key`, the text of
        the line a sent, unchanged report gets (its revision and time).

        `state.question` keeps the question the officer was at, for /quaylai.
        """
        questions = report.relevance.answerable
        # Answers an edit made invalid are marked, so the review never looks ready to send
        # while /gui would refuse it (the same check as /gui's).
        found = validity.broken(report, self.locale, self.today)
        self.state.mode = Mode.REVIEW
        self.state.report = report.key
        self.state.review = [q.id for q in questions]
        if any(map(has_placeholder, questions)):
            questions = [self.piping(report).question(q) for q in questions]
        self.reply(
            review_message(
                report.template,
                report.period,
                questions,
                report.answers,
                self.locale,
                # today() as when answering; once() calculations as stored
                {**report.facts, "__today__": self.today, KEPT: report.view.calculated},
                {item.question.id: item.message for item in found},
                self._sent_line(report, sent_key),
            )
        )

    def _sent_line(self, report: OpenReport, key: str) -> str | None:
        """ "Đã gửi lần N lúc …" for a sent report whose answers are all as sent, else None."""
        if not report.unchanged():
            return None
        view = report.view
        time = datetime_text(view.updated_at or view.submitted_at, self.env.tz)
        return self.text(key, revision=view.revision, time=time)
