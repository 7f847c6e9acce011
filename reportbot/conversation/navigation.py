"""Which questions apply given the answers so far, and how to move between them.

Relevance is evaluated from the answers and the unit's facts (`unit_type`, `unit_code`,
`period`) every time, so changing an earlier answer re-evaluates everything after it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from reportbot.conversation import numbering
from reportbot.conversation.values import is_empty
from reportbot.forms.choice_filter import as_asked, visible_choices
from reportbot.forms.expressions import truthy
from reportbot.forms.repeat_expand import expand, is_entry, reexpand
from reportbot.forms.repeats import repeat_inputs, typed_entries
from reportbot.forms.schema import FormTemplate, Question


def expression_scope(answers: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    """The names an expression can see: the answers, then the unit's facts on top."""
    return {**answers, **facts}


def asked(question: Question, answers: Mapping[str, Any], facts: Mapping[str, Any]) -> Question:
    """The question as the officer sees it now: choices passing its choice_filter, its
    dynamic default computed (see forms.choice_filter), a required condition decided."""
    if question.required_if is not None:
        scope = expression_scope(answers, facts)
        question = replace(question, required=question.required_in(scope))
    if question.choice_filter is None and question.calculation is None:
        return question
    return as_asked(question, expression_scope(answers, facts))


def _applying(template: FormTemplate, scope: Mapping[str, Any]) -> list[Question]:
    """The relevant questions, a filtered select with its choices as offered now (so the
    review names a duplicate name by its own label) and only with at least one choice (ODK
    shows an empty list; a chat cannot be answered with nothing: the question is passed),
    each `required` written as a condition decided for these answers."""
    kept: list[Question] = []
    for question in template.questions:
        if question.relevant is not None and not truthy(question.relevant.evaluate(scope)):
            continue
        if question.choice_filter is not None:
            choices = visible_choices(question, scope)
            if not choices:
                continue
            question = replace(question, choices=choices)
        if question.required_if is not None:  # required for these answers, or not
            question = replace(question, required=question.required_in(scope))
        kept.append(question)
    return kept


@dataclass(frozen=True, slots=True)
class Relevance:
    """Which questions apply for some answers: computed once, shared, never changed.

    `questions` are the applicable questions (notes included) in form order; `answerable`
    only those that take an answer; `numbers` maps an answerable question's id to its
    number in the form version (`numbering`: gaps where branches skip); `positions` holds
    each applicable question's position in the whole form (for "the next one after
    question X" without scanning the form).
    """

    questions: list[Question]
    answerable: list[Question]
    numbers: dict[str, int]
    positions: list[int]

    def after(
        self, template: FormTemplate, qid: str | None
    ) -> tuple[list[Question], Question | None]:
        """The notes to show and the next answerable question after `qid` (or the first)."""
        start = 0 if qid is None else bisect_right(self.positions, template.index_of(qid))
        notes: list[Question] = []
        for question in self.questions[start:]:
            if question.answerable:
                return notes, question
            notes.append(question)
        return notes, None

    def before(self, template: FormTemplate, qid: str) -> Question | None:
        """The answerable question just before `qid` (None at the first)."""
        end = bisect_left(self.positions, template.index_of(qid))
        for question in reversed(self.questions[:end]):
            if question.answerable:
                return question
        return None


_CACHE_SIZE = 8192
_cache: OrderedDict[tuple[int, tuple[Any, ...]], tuple[FormTemplate, Relevance]] = OrderedDict()
# id(template) -> (template, names relevance reads or None, the same as a frozenset)
_inputs: dict[int, tuple[FormTemplate, tuple[str, ...] | None, frozenset[str] | None]] = {}


def relevance(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> Relevance:
    """Which questions apply given the answers and facts.

    Relevance depends only on the few answers that `relevant` rules mention, so results are
    cached on those values: officers of the same kind of unit share entries, and a message
    that asks for relevance several times computes it once.
    """
    names = _relevance_inputs(template)
    if names is None:
        return _evaluate_relevance(template, expression_scope(answers, facts))
    key = (id(template), _inputs_key(names, answers, facts))
    hit = _cache.get(key)
    if hit is not None and hit[0] is template:
        _cache.move_to_end(key)
        return hit[1]
    result = _evaluate_relevance(template, expression_scope(answers, facts))
    _cache[key] = (template, result)  # the template is kept so its id cannot be reused
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return result


def relevant_questions(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> list[Question]:
    """Questions (notes included) that apply, in form order (a shared list: do not change)."""
    return relevance(template, answers, facts).questions


def _evaluate_relevance(template: FormTemplate, scope: Mapping[str, Any]) -> Relevance:
    questions = _applying(template, scope)
    answerable = [q for q in questions if q.answerable]
    numbers = numbering.numbers_of(template, answerable)  # stable per form version
    positions = [template.index_of(q.id) for q in questions]
    return Relevance(questions, answerable, numbers, positions)


def relevance_inputs(template: FormTemplate) -> frozenset[str] | None:
    """The answer ids relevance reads, or None when any change may matter (uses today())."""
    return _input_entry(template)[2]


def _relevance_inputs(template: FormTemplate) -> tuple[str, ...] | None:
    """The names relevance depends on, or None when it cannot be cached (uses today())."""
    return _input_entry(template)[1]


def _input_entry(
    template: FormTemplate,
) -> tuple[FormTemplate, tuple[str, ...] | None, frozenset[str] | None]:
    known = _inputs.get(id(template))
    if known is not None and known[0] is template:
        return known
    names: set[str] = set()
    cacheable = True
    for question in template.questions:
        for rule in (question.relevant, question.choice_filter, question.required_if):
            if rule is not None:
                names |= rule.references()
                cacheable = cacheable and "today(" not in rule.source
    names |= repeat_inputs(template)  # the number of entries decides what is asked
    result = tuple(sorted(names)) if cacheable else None
    if len(_inputs) > 4096:  # expanded templates come and go (forms.repeats)
        _inputs.clear()
    entry = (template, result, None if result is None else frozenset(result))
    _inputs[id(template)] = entry
    return entry


def _inputs_key(
    names: tuple[str, ...], answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> tuple[Any, ...]:
    """The values relevance reads, hashable (facts win over answers of the same name)."""
    values = [facts[name] if name in facts else answers.get(name) for name in names]
    for index, value in enumerate(values):
        if value.__class__ is list or value.__class__ is dict:
            values[index] = _freeze(value)
    return tuple(values)


def _freeze(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return repr(sorted(value.items()))
    return value


def answerable(questions: list[Question]) -> list[Question]:
    """Only the questions that take an answer."""
    return [q for q in questions if q.answerable]


def stale_answers(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> set[str]:
    """Ids of answered questions that no longer apply and must be cleared.

    Clearing one answer may make further questions irrelevant, so this repeats until stable.
    """
    current = dict(answers)
    cleared: set[str] = set()
    while True:
        shown = reexpand(template, current, facts) if template.repeats else template
        keep = {q.id for q in relevant_questions(shown, current, facts)}
        newly = {
            qid
            for qid in current
            if qid not in keep and (shown.question(qid) is not None or is_entry(shown, qid))
        }
        if not newly:
            return cleared
        cleared |= newly
        for qid in newly:
            current.pop(qid, None)


def next_question(
    template: FormTemplate,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    after: str | None,
) -> tuple[list[Question], Question | None]:
    """The notes to show and the next answerable question after `after` (or from the start)."""
    relevant = relevant_questions(template, answers, facts)
    start = 0 if after is None else template.index_of(after) + 1
    notes: list[Question] = []
    for question in relevant:
        if template.index_of(question.id) < start:
            continue
        if question.answerable:
            return notes, question
        notes.append(question)
    return notes, None


def previous_question(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any], before: str
) -> Question | None:
    """The answerable question that comes before `before`, if any."""
    limit = template.index_of(before)
    previous = None
    for question in answerable(relevant_questions(template, answers, facts)):
        if template.index_of(question.id) >= limit:
            break
        previous = question
    return previous


def progress(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any], qid: str
) -> tuple[int, int]:
    """(position of `qid` among applicable questions, their count), 1-based."""
    questions = answerable(relevant_questions(template, answers, facts))
    ids = [q.id for q in questions]
    index = ids.index(qid) + 1 if qid in ids else len(ids)
    return index, len(ids)


class Progress(NamedTuple):
    """How far a report is: applicable questions answered, and applicable questions (those
    the officer is asked; notes and calculations are not questions, an optional question
    left empty is not answered)."""

    done: int
    total: int

    @property
    def left(self) -> int:
        """Applicable questions still without an answer."""
        return self.total - self.done


def count_answered(questions: list[Question], answers: Mapping[str, Any]) -> Progress:
    """The one count every "answered / left" figure is made from (reminders, the report
    chooser, "Tiếp tục …"); `questions` are the applicable answerable ones."""
    return Progress(sum(1 for q in questions if not is_empty(answers.get(q.id))), len(questions))


def answered_count(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> Progress:
    """(applicable questions answered, applicable questions), a repeat's entries included.

    Answers as stored or as typed: like an opened report (conversation.report), a form with
    repeats is counted with each entry's questions written out, so the menu's figures and the
    report's own count agree.
    """
    if template.repeats:
        answers = typed_entries(template, answers)
        template = expand(template, answers, facts)
    return count_answered(answerable(relevant_questions(template, answers, facts)), answers)
