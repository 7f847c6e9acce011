"""The report a message works on, computed once per message and passed down.

`OpenReport` gathers what every step of a message needs about the open report: the stored
view, its template and period, the unit's facts, the pending edits, the answers as the
officer sees them and which questions apply. Answers and relevance are recomputed only when
an edit changes them.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from connectors.binding import question_token
from reportbot.conversation import navigation as nav
from reportbot.conversation.session import SubmissionView, UnitInfo
from reportbot.conversation.state import AT_END, PendingEdits, ReportKey
from reportbot.conversation.values import encode_value, is_empty
from reportbot.forms.repeat_expand import expand
from reportbot.forms.repeats import typed_entries
from reportbot.forms.schema import FormTemplate, Question
from reportbot.periods import Period, period_by_key


def unit_facts(unit: UnitInfo | None, period_key: str) -> dict[str, Any]:
    """The names expressions see besides the answers: the unit's type and code, the period."""
    return {
        "unit_type": unit.type if unit else "",
        "unit_code": unit.code if unit else "",
        "period": period_key,
    }


class OpenReport:
    """One report, as one message sees it.

    `held` says whether edits are held in the conversation state until the report is sent
    again (a submitted or reopened report) rather than written with this message (a draft).
    """

    __slots__ = (
        "_answers",
        "_rel",
        "_stale",
        "binding",
        "edits",
        "facts",
        "held",
        "period",
        "view",
    )

    def __init__(
        self,
        view: SubmissionView,
        unit: UnitInfo | None,
        tz: tzinfo,
        edits: PendingEdits,
        today: date | None = None,
    ) -> None:
        self.view = view
        self.period: Period = period_by_key(view.template.period, view.period_key, tz)
        self.facts = unit_facts(unit, view.period_key)
        if today is not None:  # today() of a rule or a dynamic default: the commune's day
            self.facts["__today__"] = today
        base = view.template  # an expanded template (repeats) keeps its key and version
        # What a question binding of this report is made with (`question_token`): the form,
        # its version and the period, so a button of another period's report of the same form
        # version is not taken for this one; the unit too, for a person of several units.
        scope = f"@{unit.id}" if unit is not None and unit.scoped else ""
        self.binding = f"{base.key}@{base.version}@{view.period_key}{scope}"
        self.held = view.status in ("submitted", "reopened")
        if edits.encoded:
            edits.decode(base)
        self.edits = edits
        self._answers: dict[str, Any] | None = None
        self._rel: nav.Relevance | None = None
        # (qid, value, template, stale ids) of the last `would_clear`, for the `set` after it
        self._stale: tuple[str, Any, FormTemplate, set[str]] | None = None

    @property
    def template(self) -> FormTemplate:
        """The form as this report asks it: with repeats, each entry's questions written out
        for the entries there are now (forms.repeats); else the stored template itself."""
        base = self.view.template
        return base if not base.repeats else expand(base, self.answers, self.facts)

    @property
    def key(self) -> ReportKey:
        """(form key, period key)."""
        return self.view.key

    @property
    def answers(self) -> dict[str, Any]:
        """Stored answers with the pending edits on top (do not change the result)."""
        if self._answers is None:
            edits = self.edits
            if edits.values or edits.clears:
                self._answers = edits.applied_to(self.view.answers)
            else:
                self._answers = self.view.answers
            if self.view.template.repeats:  # entry answers arrive undecoded from storage
                self._answers = typed_entries(self.view.template, self._answers)
        return self._answers

    @property
    def relevance(self) -> nav.Relevance:
        """Which questions apply with the current answers."""
        if self._rel is None:
            self._rel = nav.relevance(self.template, self.answers, self.facts)
        return self._rel

    def token(self, qid: str) -> str:
        """The binding of question `qid` of this report."""
        return question_token(qid, self.binding)

    def question(self, qid: str | None) -> Question | None:
        """The template's question with this id, if any, as asked now (its choices filtered
        by the answers, its dynamic default computed: navigation.asked)."""
        question = self.template.question(qid) if qid else None
        return nav.asked(question, self.answers, self.facts) if question is not None else None

    def is_late(self, now: datetime) -> bool:
        """Whether the deadline has passed."""
        return now > self.period.deadline

    def set(self, qid: str, value: Any) -> None:
        """Record one answer (or its removal) and clear answers that stopped applying."""
        looked = self._stale
        self.edits.set(qid, value)
        self._changed()
        template = self.template
        inputs = nav.relevance_inputs(template)
        if inputs is not None and qid not in inputs:
            return  # relevance does not read this answer: nothing can stop applying
        if looked is not None and looked[0] == qid and looked[1] is value and looked[2] is template:
            stale = looked[3]  # would_clear just computed it for these very answers
        else:
            stale = nav.stale_answers(template, self.answers, self.facts)
        if stale:
            self.edits.drop(stale)
            self._changed()

    def would_clear(self, qid: str, value: Any) -> list[Question]:
        """Answered questions that setting `qid` to `value` would clear, in form order."""
        inputs = nav.relevance_inputs(self.template)
        if inputs is not None and qid not in inputs:
            return []
        answers = dict(self.answers)
        if is_empty(value):
            answers.pop(qid, None)
        else:
            answers[qid] = value
        template = self.template
        stale = nav.stale_answers(template, answers, self.facts)
        self._stale = (qid, value, template, stale)
        cleared = [q for q in template.questions if q.id in stale]
        return [q for q in cleared if not is_empty(self.answers.get(q.id))]

    def _changed(self) -> None:
        self._answers = None
        self._rel = None
        self._stale = None

    def missing_required(self) -> list[Question]:
        """Applicable required questions left empty (what /gui refuses to send without)."""
        answers = self.answers
        return [q for q in self.relevance.answerable if q.required and is_empty(answers.get(q.id))]

    def answered_after(self, qid: str) -> bool:
        """Whether an applicable question after `qid` has an answer (`qid` is a gap behind)."""
        questions, answers = self.relevance.answerable, self.answers
        ids = [q.id for q in questions]
        start = ids.index(qid) + 1 if qid in ids else len(ids)
        return any(not is_empty(answers.get(q.id)) for q in questions[start:])

    def resume_point(self, at: str | None, passed: bool = False) -> tuple[Question | None, bool]:
        """Where going on takes the officer, and whether it is a gap behind answers given
        (answered, then the next required gap or the review: not on through every answer).

        `at` is the question they were at (AT_END: past the last one; None: unknown): it, when
        it still applies, is empty and was not `passed` (an optional one left behind). Else the
        first empty question after the furthest point they reached (`at` or the last answer),
        optional ones included, when they were not seen yet: the place is unknown or is that
        furthest point. When the officer went to the end (AT_END), went back behind their
        last answer, or `passed` an optional one, the empty optional ones after that point
        were skipped: only a required one still empty there is asked. Else the
        first required question left empty (the review's ❗). (None, False) when nothing that
        must be answered is left.
        """
        questions, answers = self.relevance.answerable, self.answers
        empty = [is_empty(answers.get(q.id)) for q in questions]
        ids = [q.id for q in questions]
        where = ids.index(at) if at in ids else (len(ids) - 1 if at == AT_END else -1)
        # Empty questions after the last answer were skipped when the officer had gone on to
        # the end (nothing required is left there), and not yet seen otherwise.
        reached = max([where, *(i for i, gap in enumerate(empty) if not gap)])
        later = range(reached + 1, len(questions))
        found: int | None = None
        if where >= 0 and at != AT_END and not passed and empty[where]:
            found = where
        elif (
            reached < 0
            or (at != AT_END and not passed and (at is None or where >= reached))
            or any(empty[i] and questions[i].required for i in later)
        ):
            found = next((i for i in later if empty[i]), None)
        if found is None:
            found = next((i for i, q in enumerate(questions) if empty[i] and q.required), None)
        if found is None:
            return None, False
        return questions[found], found < reached

    def unchanged(self) -> bool:
        """Whether a submitted report's held edits leave every stored answer as it was sent
        (an answer retyped as it was is no change; an empty answer is no answer)."""
        return self.view.status == "submitted" and not self.differs_from_sent()

    def differs_from_sent(self) -> bool:
        """Whether the held edits change an answer as it was last sent (a sent or reopened
        report; an answer retyped as it was is no change, an empty answer is no answer)."""
        template = self.view.template
        stored = self.view.answers
        sent = typed_entries(template, stored) if template.repeats else stored
        return _filled(self.answers) != _filled(sent)

    def counts(self) -> nav.Progress:
        """(applicable questions answered, applicable questions): `nav.count_answered`."""
        return nav.count_answered(self.relevance.answerable, self.answers)


def _filled(answers: dict[str, Any]) -> dict[str, str]:
    """The answers given, each in its stored shape (60 typed again is the 60 stored)."""
    return {qid: encode_value(value) for qid, value in answers.items() if not is_empty(value)}
