"""Question numbers: a question's place in its form version, whatever branches apply.

"Câu 12" in a question's heading, in the review, in "these answers will be cleared" and in
`/sua 12` is always the same question of that form version: answerable questions (notes
aside) counted in form order. Answering "Không" to an earlier question that hides two others
does not renumber what follows; the numbers the officer skips are simply not shown, as on a
paper form. The progress heading "Câu 12/27" counts the same way (question 12 of the form's
27), so the two numbers never disagree. How far a report is is said in counts, never as a
second fraction: answered and left ("đã trả lời 9 câu, còn 11 câu…" on resuming and in a
reminder, "còn 11 câu" on the chooser's button), all from `navigation.count_answered` (the
questions this unit is asked, notes and calculations aside).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from reportbot.forms.schema import FormTemplate, Question

if TYPE_CHECKING:
    from reportbot.conversation.report import OpenReport
    from reportbot.conversation.turn import Turn

_CACHE_SIZE = 256  # form versions in use at once; each entry keeps its template alive
_cache: OrderedDict[int, tuple[FormTemplate, dict[str, int], list[Question]]] = OrderedDict()


def _numbering(template: FormTemplate) -> tuple[dict[str, int], list[Question]]:
    """(question id -> number, questions by number - 1) for one form version, cached."""
    hit = _cache.get(id(template))
    if hit is not None and hit[0] is template:
        _cache.move_to_end(id(template))
        return hit[1], hit[2]
    ordered = [question for question in template.questions if question.answerable]
    numbers = {question.id: number for number, question in enumerate(ordered, start=1)}
    _cache[id(template)] = (template, numbers, ordered)  # the template kept: its id stays its
    if len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return numbers, ordered


def question_numbers(template: FormTemplate) -> Mapping[str, int]:
    """Every answerable question's number in its form version (a shared mapping: read only)."""
    return _numbering(template)[0]


def numbers_of(template: FormTemplate, questions: Iterable[Question]) -> dict[str, int]:
    """The numbers of some answerable questions of `template` (e.g. those that apply now)."""
    numbers = question_numbers(template)
    return {question.id: numbers[question.id] for question in questions}


def numbered(template: FormTemplate, questions: Iterable[Question]) -> list[tuple[int, Question]]:
    """(number, question) for each of `questions`, in the order given."""
    numbers = question_numbers(template)
    return [(numbers[question.id], question) for question in questions]


def number_of(template: FormTemplate, qid: str) -> tuple[int, int]:
    """(`qid`'s number, how many numbered questions): "Câu 12/27"; an unnumbered question
    gets the last number."""
    numbers, ordered = _numbering(template)
    total = len(ordered)
    return numbers.get(qid, total), total


def question_count(template: FormTemplate) -> int:
    """How many numbered (answerable) questions the form version has: the last number."""
    return len(_numbering(template)[1])


def question_by_number(template: FormTemplate, number: int) -> Question | None:
    """The question that carries `number` in its form version, or None."""
    ordered = _numbering(template)[1]
    return ordered[number - 1] if 1 <= number <= len(ordered) else None


def to_edit(turn: Turn, opened: OpenReport, argument: str) -> Question | None:
    """The question `/sua N` names, if it applies to this report now; else say why (None).

    A number of the form that does not apply (a branch an earlier answer skipped) is named
    as such rather than taken for another question.
    """
    text = argument.strip().lstrip("#")
    count = question_count(opened.template)
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
    question = question_by_number(opened.template, number) if number is not None else None
    if question is None:
        # the example is a number of this form ("/sua 5" of a 3-question form would fail)
        turn.say("edit_which", count=count, example=min(5, max(count, 1)))
        return None
    if question.id not in opened.relevance.numbers:
        turn.say("edit_not_applicable", number=int(text))
        return None
    return opened.question(question.id)
