"""Calculations stored with the report, in the same change as the answers that move them.

ODK stores every `calculate` value in the submission when it is saved; the bot does the
same on each committed step: after the answers of a change are known, every calculation is
computed again from them (`forms.evaluation.values_to_store`), and the values that differ
from those stored are written by the same transaction. A submitted report's edits are held
until /gui, so its stored values change only when it is sent again: at /gui the stored
values are those of the answers checked and sent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reportbot.conversation.report import unit_facts
from reportbot.conversation.session import SubmissionChange, UnitInfo
from reportbot.conversation.values import encode_value
from reportbot.forms.evaluation import values_to_store
from reportbot.forms.schema import Calculation


def answers_after(change: SubmissionChange) -> dict[str, Any]:
    """The report's answers once the change is applied."""
    answers = {**change.view.answers, **change.set_answers}
    for qid in change.clear_answers:
        answers.pop(qid, None)
    return answers


def store_calculations(change: SubmissionChange, unit: UnitInfo | None, today: date) -> None:
    """Add to `change` every calculation whose value the change moves (all of them for a
    report that has none stored yet: one stored before calculations were kept)."""
    view = change.view
    template = view.template
    if not template.calculations or change.is_empty() or not _moves(change):
        return
    facts = {**unit_facts(unit, view.period_key), "__today__": today}
    values = values_to_store(template, answers_after(change), facts, view.calculated)
    for name, value in values.items():
        old = view.calculated.get(name, _UNSET)
        if old is _UNSET or not _same(old, value):
            change.set_calculated[name] = value


_UNSET = object()


def _same(old: Any, new: Any) -> bool:
    """Whether a stored value is the one computed (60 and 60.0 are not: stored differently)."""
    if type(old) is type(new) and old == new:
        return True
    return encode_value(old) == encode_value(new)


def _moves(change: SubmissionChange) -> bool:
    """Whether the change can move a calculation: a new report, a report sent (its values
    are then those of the answers sent, today() included), one whose calculations are not all
    stored yet, or an answer some calculation reads (a repeat's entries: always)."""
    view = change.view
    template = view.template
    if change.create or change.status is not None or template.repeats:
        return True
    if any(c.name not in view.calculated for c in template.calculations):
        return True
    read = _inputs(template.calculations)
    return any(qid in read for qid in (*change.set_answers, *change.clear_answers))


_INPUTS: dict[int, tuple[tuple[Calculation, ...], frozenset[str]]] = {}


def _inputs(calculations: tuple[Calculation, ...]) -> frozenset[str]:
    """Every name the calculations read (cached per template: templates never change)."""
    known = _INPUTS.get(id(calculations))
    if known is not None and known[0] is calculations:
        return known[1]
    names = frozenset().union(*(c.expression.references() for c in calculations))
    if len(_INPUTS) > 256:
        _INPUTS.clear()
    _INPUTS[id(calculations)] = (calculations, names)
    return names
