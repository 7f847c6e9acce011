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
    if not view.template.calculations or change.is_empty():
        return
    facts = {**unit_facts(unit, view.period_key), "__today__": today}
    values = values_to_store(view.template, answers_after(change), facts)
    for name, value in values.items():
        known = name in view.calculated
        if not known or encode_value(view.calculated[name]) != encode_value(value):
            change.set_calculated[name] = value
