"""The conversation engine: pure logic from (state, message, env) to a `Step`.

The engine does no I/O. It reads the conversation state (a JSON-ready dict), the message and
an `Env` snapshot, and returns what to store (new state, one submission change) and what to
send. The service commits the step before it sends the replies.

State keys: ``mode`` (idle, choosing, answering, review, confirm); ``form``/``period`` of the
open report; ``q`` the question being asked; ``edit_one`` when a single answer is changed from
the review; ``overlay``/``clears`` hold unsent changes to a submitted report (applied on
re-submission, dropped on cancel); ``options`` the reports offered; ``review`` the question ids
in review order; ``last`` the report to resume with /tieptuc.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connectors.base import Choice, Incoming, Outgoing
from reportbot.conversation import navigation as nav
from reportbot.conversation.answers import Rejected, choice_options, read_answer
from reportbot.conversation.commands import parse_command
from reportbot.conversation.i18n import say
from reportbot.conversation.parsing import (
    MAX_TEXT_LENGTH,
    AnswerError,
    normalize_text,
    parse_choice,
    parse_yes_no,
)
from reportbot.conversation.render import question_messages, review_message
from reportbot.conversation.session import Env, Step, SubmissionChange, SubmissionView
from reportbot.conversation.values import decode_value, encode_value, is_empty
from reportbot.forms.schema import Question, pick
from reportbot.owed import is_owed
from reportbot.periods import Period, current_period, period_at, period_by_key

IN_REPORT_MODES = ("answering", "review", "confirm")


def handle(state: dict[str, Any], message: Incoming, env: Env) -> Step:
    """Decide what one message does. Never raises for anything a user can send."""
    return _Conversation(state, env).handle(message)


def deadline_text(period: Period) -> str:
    """A period's deadline as dd/mm/yyyy."""
    return period.deadline.strftime("%d/%m/%Y")


class _Conversation:
    """One message's worth of decisions over a copy of the state."""

    def __init__(self, state: dict[str, Any], env: Env) -> None:
        self.state = dict(state) if state else {"mode": "idle"}
        self.env = env
        self.locale = env.person.locale
        self.unit = env.person.unit
        self.step = Step()
        self.change: SubmissionChange | None = None

    # -- entry -----------------------------------------------------------------------------

    def handle(self, message: Incoming) -> Step:
        if message.unsupported:
            return self._reply_only(say("unsupported", self.locale))
        text = normalize_text(message.text or "")
        if len(text) > MAX_TEXT_LENGTH:
            return self._reply_only(say("too_long", self.locale, length=len(text), max=4000))
        if not text and message.choice is None and not message.choices and not message.attachment:
            return self._reply_only(say("empty_message", self.locale))
        command_source = (
            message.choice if message.choice and message.choice.startswith("/") else text
        )
        command = parse_command(command_source, bare_words=self.env.bare_commands)
        if command is not None and command.name == "edit" and self.mode == "idle":
            command = parse_command(command_source, bare_words=False) or command
        if command is not None:
            self._command(command.name, command.argument)
        elif self.mode == "choosing":
            self._choose(message, text)
        elif self.mode == "answering":
            self._answer(message, text)
        elif self.mode == "review":
            self._review_input(message, text)
        elif self.mode == "confirm":
            self._confirm(message, text)
        elif message.attachment is not None:
            self._say("unexpected_attachment")
        else:
            self._idle_menu()
        return self._finish()

    @property
    def mode(self) -> str:
        return self.state.get("mode", "idle")

    def _reply_only(self, text: str) -> Step:
        return Step(replies=[Outgoing(text)])

    def _say(self, key: str, **params: Any) -> None:
        self.step.replies.append(Outgoing(say(key, self.locale, **params)))

    def _finish(self) -> Step:
        self.step.state = self.state
        if self.change is not None and not self.change.is_empty():
            self.step.change = self.change
        return self.step

    # -- commands --------------------------------------------------------------------------

    def _command(self, name: str, argument: str) -> None:
        handlers = {
            "start": self._start,
            "report": self._report,
            "continue": lambda _arg: self._continue(),
            "back": lambda _arg: self._back(),
            "skip": lambda _arg: self._skip(),
            "review": lambda _arg: self._review(),
            "edit": self._edit,
            "submit": lambda _arg: self._submit(),
            "cancel": lambda _arg: self._cancel(),
            "help": lambda _arg: self._say("help"),
        }
        handler = handlers.get(name)
        if handler is None:
            self._say("unknown_command", command="/" + argument if argument else name)
            return
        handler(argument)

    def _start(self, _argument: str) -> None:
        unit_name = self.unit.name if self.unit else "—"
        self._say("welcome", name=self.env.person.name, unit=unit_name)
        if self.mode in IN_REPORT_MODES:
            self._continue()

    def _idle_menu(self) -> None:
        choices = (
            Choice(say("button_report", self.locale), "/baocao"),
            Choice(say("button_continue", self.locale), "/tieptuc"),
            Choice(say("button_help", self.locale), "/trogiup"),
        )
        self.step.replies.append(Outgoing(say("idle_hint", self.locale), choices=choices))

    def _report(self, argument: str = "") -> None:
        """Open the report to file; "FORM PERIOD" (a reminder's button) opens that one."""
        if self.mode in IN_REPORT_MODES:
            self._continue()
            return
        if self.unit is None:
            self._say("no_unit")
            return
        options = self._options()
        if not options:
            self._say("no_forms", unit=self.unit.name)
            return
        wanted = tuple(argument.split())
        if len(options) == 1 or wanted in options:
            self._open(*(wanted if wanted in options else options[0]))
            return
        self.state = {"mode": "choosing", "options": [[f, p] for f, p in options]}
        self._offer_options(options)

    def _options(self) -> list[tuple[str, str]]:
        """Reports the unit may work on: each form's current period, the previous one if it
        was never submitted (late filing), and any reopened report."""
        options: list[tuple[str, str]] = []
        for key, offer in self.env.forms.items():
            spec = offer.template.period
            current = current_period(spec, self.env.now, self.env.tz)
            previous = period_at(spec, self.env.now, self.env.tz, -1)
            if current is not None:
                options.append((key, current.key))
            if previous is not None and is_owed(previous, offer.published_at):
                view = self.env.submissions.get((key, previous.key))
                if view is None or view.status in ("draft", "reopened"):
                    options.append((key, previous.key))
        for (key, period_key), view in self.env.submissions.items():
            if view.status == "reopened" and (key, period_key) not in options:
                options.append((key, period_key))
        return options

    def _offer_options(self, options: list[tuple[str, str]]) -> None:
        choices = []
        for number, (key, period_key) in enumerate(options, start=1):
            template = self._template_for(key, period_key)
            period = period_by_key(template.period, period_key, self.env.tz)
            label = say(
                "option_status",
                self.locale,
                title=pick(template.title, self.locale),
                period=period.label(self.locale),
                status=self._status_text(key, period),
            )
            choices.append(Choice(label, f"#{number}"))
        self.step.replies.append(
            Outgoing(say("choose_report", self.locale), choices=tuple(choices))
        )

    def _status_text(self, key: str, period: Period) -> str:
        view = self.env.submissions.get((key, period.key))
        late = self.env.now > period.deadline
        if view is None:
            return say("status_late" if late else "status_new", self.locale)
        if view.status == "draft":
            done, total = nav.answered_count(view.template, view.answers, self._facts(view))
            return say("status_draft", self.locale, done=done, total=total)
        return say(f"status_{view.status}", self.locale)

    def _choose(self, message: Incoming, text: str) -> None:
        options = [tuple(item) for item in self.state.get("options", [])]
        payload = message.choice or text
        index = None
        if payload.startswith("#") and payload[1:].isdigit():
            index = int(payload[1:]) - 1
        else:
            labels = [(f"#{n}", [self._option_label(*o)]) for n, o in enumerate(options, start=1)]
            try:
                index = int(parse_choice(payload, labels)[1:]) - 1
            except AnswerError:
                index = None
        if index is None or not 0 <= index < len(options):
            self._say("choose_from_list")
            self._offer_options(options)  # type: ignore[arg-type]
            return
        self._open(*options[index])

    def _option_label(self, key: str, period_key: str) -> str:
        template = self._template_for(key, period_key)
        period = period_by_key(template.period, period_key, self.env.tz)
        return f"{pick(template.title, self.locale)} – {period.label(self.locale)}"

    # -- opening a report ------------------------------------------------------------------

    def _template_for(self, key: str, period_key: str):
        view = self.env.submissions.get((key, period_key))
        return view.template if view is not None else self.env.forms[key].template

    def _open(self, key: str, period_key: str) -> None:
        view = self.env.submissions.get((key, period_key))
        if view is None:
            offer = self.env.forms.get(key)
            if offer is None:
                self._say("nothing_to_continue")
                self.state = {"mode": "idle"}
                return
            view = SubmissionView(key, period_key, offer.template, offer.record_id)
            self.change = SubmissionChange(view=view, create=True)
        template = view.template
        period = period_by_key(template.period, period_key, self.env.tz)
        title = pick(template.title, self.locale)
        facts = self._facts(view)
        self.state = {"mode": "answering", "form": key, "period": period_key}
        late = self.env.now > period.deadline
        if view.status in ("submitted", "reopened"):
            if view.status == "submitted" and late:
                self._say(
                    "report_locked",
                    title=title,
                    period=period.label(self.locale),
                    deadline=deadline_text(period),
                )
                self.state = {"mode": "idle"}
                return
            self.state["overlay"] = {}
            self.state["clears"] = []
            key_name = (
                "report_reopened_edit" if view.status == "reopened" else "report_submitted_edit"
            )
            self._say(
                key_name,
                title=title,
                period=period.label(self.locale),
                deadline=deadline_text(period),
                revision=view.revision,
            )
            self._show_review(view)
            return
        done, total = nav.answered_count(template, view.answers, facts)
        if view.id is None and self.change is not None and self.change.create:
            self._say(
                "report_intro",
                title=title,
                period=period.label(self.locale),
                deadline=deadline_text(period),
                total=total,
            )
        else:
            self._say(
                "report_resume",
                title=title,
                period=period.label(self.locale),
                done=done,
                total=total,
            )
        if late:
            self._say("report_late_note", deadline=deadline_text(period))
        question = nav.first_unanswered(template, view.answers, facts)
        if question is None:
            self._show_review(view)
            return
        notes, first = nav.next_question(template, view.answers, facts, None)
        self._ask(view, question, notes if question is first else [])

    def _view(self) -> SubmissionView | None:
        key = (self.state.get("form"), self.state.get("period"))
        view = self.env.submissions.get(key)  # type: ignore[arg-type]
        if view is None and self.change is not None and self.change.view.key == key:
            return self.change.view
        return view

    def _facts(self, view: SubmissionView) -> dict[str, Any]:
        unit = self.unit
        return {
            "unit_type": unit.type if unit else "",
            "unit_code": unit.code if unit else "",
            "period": view.period_key,
        }

    def _answers(self, view: SubmissionView) -> dict[str, Any]:
        """The answers as the officer sees them: stored ones plus unsent edits."""
        answers = dict(view.answers)
        if "overlay" in self.state:
            for qid, text in self.state["overlay"].items():
                answers[qid] = decode_value(view.template.question(qid), text)
            for qid in self.state.get("clears", []):
                answers.pop(qid, None)
        if self.change is not None and self.change.view is view:
            answers.update(self.change.set_answers)
            for qid in self.change.clear_answers:
                answers.pop(qid, None)
        return answers

    # -- asking and answering --------------------------------------------------------------

    def _ask(self, view: SubmissionView, question: Question, notes: list[Question]) -> None:
        answers = self._answers(view)
        index, total = nav.progress(view.template, answers, self._facts(view), question.id)
        self.state["mode"] = "answering"
        self.state["q"] = question.id
        self.step.replies.extend(
            question_messages(question, notes, answers.get(question.id), index, total, self.locale)
        )

    def _answer(self, message: Incoming, text: str) -> None:
        view = self._view()
        question = view.template.question(self.state.get("q", "")) if view else None
        if view is None or question is None:
            self.state = {"mode": "idle"}
            self._idle_menu()
            return
        if self._locked(view):
            return
        answers = self._answers(view)
        facts = self._facts(view)
        try:
            value = read_answer(
                question, message, text, answers, facts, self.locale, self.env.now.date()
            )
        except Rejected as rejection:
            self.step.replies.append(Outgoing(rejection.text))
            return
        self._store(view, question.id, value)
        self._advance(view, question)

    def _store(self, view: SubmissionView, qid: str, value: Any) -> None:
        """Record one answer (or its removal) and clear answers that stopped applying."""
        template = view.template
        if "overlay" in self.state:
            overlay = dict(self.state["overlay"])
            clears = [c for c in self.state.get("clears", []) if c != qid]
            if is_empty(value):
                overlay.pop(qid, None)
                clears.append(qid)
            else:
                overlay[qid] = encode_value(value)
            self.state["overlay"], self.state["clears"] = overlay, clears
            for stale in nav.stale_answers(template, self._answers(view), self._facts(view)):
                self.state["overlay"].pop(stale, None)
                self.state["clears"].append(stale)
            return
        change = self._change(view)
        if is_empty(value):
            change.set_answers.pop(qid, None)
            if qid in view.answers:
                change.clear_answers.add(qid)
        else:
            change.clear_answers.discard(qid)
            change.set_answers[qid] = value
        for stale in nav.stale_answers(template, self._answers(view), self._facts(view)):
            change.set_answers.pop(stale, None)
            change.clear_answers.add(stale)

    def _change(self, view: SubmissionView) -> SubmissionChange:
        if self.change is None:
            self.change = SubmissionChange(view=view)
        return self.change

    def _advance(self, view: SubmissionView, question: Question) -> None:
        if self.state.pop("edit_one", False):
            self._show_review(view)
            return
        answers = self._answers(view)
        notes, following = nav.next_question(view.template, answers, self._facts(view), question.id)
        if following is None:
            self._show_review(view)
            return
        self._ask(view, following, notes)

    def _skip(self) -> None:
        view = self._view()
        if self.mode != "answering" or view is None:
            self._say("not_in_report")
            return
        question = view.template.question(self.state.get("q", ""))
        if question is None:
            return
        if question.required:
            self._say("required")
            return
        if self._locked(view):
            return
        default = question.default
        self._store(view, question.id, default)
        self._say("skipped")
        self._advance(view, question)

    def _back(self) -> None:
        view = self._view()
        if view is None or self.mode not in IN_REPORT_MODES:
            self._say("not_in_report")
            return
        answers = self._answers(view)
        facts = self._facts(view)
        if self.mode == "answering":
            previous = nav.previous_question(view.template, answers, facts, self.state["q"])
        else:
            relevant = nav.answerable(nav.relevant_questions(view.template, answers, facts))
            previous = relevant[-1] if relevant else None
        if previous is None:
            self._say("first_question")
            return
        self.state.pop("edit_one", None)
        self._ask(view, previous, [])

    def _continue(self) -> None:
        view = self._view()
        if view is not None and self.mode in IN_REPORT_MODES:
            if self.mode == "answering":
                question = view.template.question(self.state.get("q", ""))
                if question is not None:
                    self._ask(view, question, [])
                    return
            self._show_review(view)
            return
        last = self.state.get("last")
        if last and (tuple(last) in self.env.submissions):
            self._open(*last)
            return
        drafts = [key for key, v in self.env.submissions.items() if v.status == "draft"]
        if len(drafts) == 1:
            self._open(*drafts[0])
            return
        if drafts:
            self._report()
            return
        self._say("nothing_to_continue")
        self._idle_menu()

    # -- review, edit, submit --------------------------------------------------------------

    def _review(self) -> None:
        view = self._view()
        if view is None or self.mode not in IN_REPORT_MODES:
            self._say("not_in_report")
            return
        self.state.pop("edit_one", None)
        self._show_review(view)

    def _show_review(self, view: SubmissionView) -> None:
        answers = self._answers(view)
        facts = self._facts(view)
        questions = nav.answerable(nav.relevant_questions(view.template, answers, facts))
        period = period_by_key(view.template.period, view.period_key, self.env.tz)
        self.state["mode"] = "review"
        self.state["review"] = [q.id for q in questions]
        self.state.pop("q", None)
        self.step.replies.append(
            review_message(view.template, period, questions, answers, self.locale)
        )

    def _review_input(self, message: Incoming, text: str) -> None:
        if text.isdigit():
            self._edit(text)
            return
        self._say("review_footer")

    def _edit(self, argument: str) -> None:
        view = self._view()
        if view is None or self.mode not in IN_REPORT_MODES:
            if self.state.get("last") or self.env.submissions:
                self._report()
                return
            self._say("edit_no_report")
            return
        order = self.state.get("review") or [
            q.id
            for q in nav.answerable(
                nav.relevant_questions(view.template, self._answers(view), self._facts(view))
            )
        ]
        number = argument.strip().lstrip("#")
        if not number.isdigit() or not 1 <= int(number) <= len(order):
            self._say("edit_which", count=len(order))
            return
        question = view.template.question(order[int(number) - 1])
        if question is None:
            return
        if self._locked(view):
            return
        self.state["edit_one"] = True
        self._ask(view, question, [])

    def _submit(self) -> None:
        view = self._view()
        if view is None or self.mode not in IN_REPORT_MODES:
            self._say("not_in_report")
            return
        if self._locked(view):
            return
        answers = self._answers(view)
        facts = self._facts(view)
        missing = nav.missing_required(view.template, answers, facts)
        if missing:
            self._say("missing_required", count=len(missing))
            self.state.pop("edit_one", None)
            self._ask(view, missing[0], [])
            return
        period = period_by_key(view.template.period, view.period_key, self.env.tz)
        self.state["mode"] = "confirm"
        choices = (Choice(say("yes", self.locale), "yes"), Choice(say("no", self.locale), "no"))
        text = say(
            "confirm_submit",
            self.locale,
            title=pick(view.template.title, self.locale),
            period=period.label(self.locale),
            deadline=deadline_text(period),
        )
        self.step.replies.append(Outgoing(text, choices=choices))

    def _confirm(self, message: Incoming, text: str) -> None:
        view = self._view()
        if view is None:
            self.state = {"mode": "idle"}
            return
        try:
            yes = message.choice == "yes" if message.choice in ("yes", "no") else parse_yes_no(text)
        except AnswerError:
            self._say("confirm_answer")
            return
        if not yes:
            self._say("submit_cancelled")
            self._show_review(view)
            return
        if self._locked(view):
            return
        self._do_submit(view)

    def _do_submit(self, view: SubmissionView) -> None:
        change = self._change(view)
        if "overlay" in self.state:
            for qid, encoded in self.state["overlay"].items():
                change.set_answers[qid] = decode_value(view.template.question(qid), encoded)
            change.clear_answers.update(q for q in self.state["clears"] if q in view.answers)
        now = self.env.now
        change.status = "submitted"
        change.revision = view.revision + 1
        # The first submission fixes when the unit filed (on time or late); later revisions,
        # even after a coordinator reopened the report, do not make it late.
        first = view.submitted_at is None
        if first:
            change.submitted_at = now
            change.submitted_by = self.env.person.id
        period = period_by_key(view.template.period, view.period_key, self.env.tz)
        local = now.astimezone(self.env.tz)
        params = {
            "title": pick(view.template.title, self.locale),
            "period": period.label(self.locale),
            "time": local.strftime("%H:%M %d/%m/%Y"),
            "revision": change.revision,
            "deadline": deadline_text(period),
        }
        if not first:
            self._say("resubmitted", **params)
        else:
            self._say("submitted_late" if now > period.deadline else "submitted", **params)
        self.state = {"mode": "idle", "last": [view.form_key, view.period_key]}

    def _locked(self, view: SubmissionView) -> bool:
        """A submitted report past its deadline cannot change (unless reopened)."""
        if view.status != "submitted":
            return False
        period = period_by_key(view.template.period, view.period_key, self.env.tz)
        if self.env.now <= period.deadline:
            return False
        self._say("locked_now", deadline=deadline_text(period))
        self.state = {"mode": "idle"}
        return True

    def _cancel(self) -> None:
        if self.mode not in IN_REPORT_MODES:
            self._say("nothing_to_cancel")
            self.state = {
                "mode": "idle",
                **({"last": self.state["last"]} if "last" in self.state else {}),
            }
            return
        last = [self.state["form"], self.state["period"]] if "form" in self.state else None
        editing_sent = "overlay" in self.state
        self.state = {"mode": "idle"}
        if last:
            self.state["last"] = last
        self._say("cancelled_edits" if editing_sent else "cancelled_draft")


def now_local(env: Env) -> datetime:
    """The current time on the local wall clock."""
    return env.now.astimezone(env.tz)


__all__ = ["choice_options", "deadline_text", "handle", "now_local"]
