"""One validity rule for every answer, wherever an answer can change.

An answer is checked when it is given (`answers.read_answer`). When an answer changes, the
answers whose constraint reads it are checked again (`dependants`): a rule the edit broke
takes the officer to that question with its message. At /gui every applicable answer is
checked (`broken`) and the report is refused with the list, then the officer is walked
through them. A stored value that cannot even be checked (old data, wrong type) counts as
broken, so it is corrected rather than taking the conversation down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from reportbot.conversation.answers import Rejected, check_rules
from reportbot.conversation.i18n import say
from reportbot.conversation.navigation import asked
from reportbot.conversation.report import OpenReport
from reportbot.conversation.values import fits_type, is_empty
from reportbot.forms.schema import FormTemplate, Question, pick

if TYPE_CHECKING:  # turn.py asks this module which answers the review marks
    from reportbot.conversation.turn import Turn

_DEPENDANTS: dict[int, tuple[FormTemplate, dict[str, tuple[str, ...]]]] = {}


@dataclass(frozen=True, slots=True)
class Broken:
    """An answer that breaks its question's rule: the question, its number, the reason."""

    question: Question
    number: int
    message: str


def dependants(template: FormTemplate, qid: str) -> tuple[str, ...]:
    """Ids of the questions whose constraint or choice_filter reads answer `qid` (cached
    per template)."""
    known = _DEPENDANTS.get(id(template))
    if known is None or known[0] is not template:
        table: dict[str, list[str]] = {}
        for question in template.questions:
            # a constraint, or a choice_filter (a kept choice may stop being offered)
            for rule in (question.constraint, question.choice_filter):
                for name in rule.references() if rule is not None else ():
                    if question.id not in table.setdefault(name, []):
                        table[name].append(question.id)
        known = (template, {name: tuple(ids) for name, ids in table.items()})
        if len(_DEPENDANTS) > 4096:  # expanded templates come and go (forms.repeats)
            _DEPENDANTS.clear()
        _DEPENDANTS[id(template)] = known  # the template is kept so its id cannot be reused
    return known[1].get(qid, ())


def broken(
    report: OpenReport, locale: str, today: date, only: tuple[str, ...] | None = None
) -> list[Broken]:
    """Applicable answered questions (all, or those in `only`) that break their rule."""
    answers, relevance = report.answers, report.relevance
    if only is None:
        questions = relevance.answerable
    else:
        questions = [q for q in map(report.template.question, only) if q is not None]
        questions = [q for q in questions if q.id in relevance.numbers]
        questions.sort(key=lambda q: relevance.numbers[q.id])
    facts = report.facts
    # The names every rule sees, built once: each value checked is the stored answer itself.
    scope = {**answers, **facts, "__today__": today}
    found: list[Broken] = []
    for question in questions:
        value = answers.get(question.id)
        if is_empty(value):
            continue
        if question.choice_filter is not None or question.calculation is not None:
            question = asked(question, answers, facts)  # its choices as offered now
        message = _problem(report, question, value, locale, today, scope)
        if message is not None:
            found.append(Broken(question, relevance.numbers[question.id], message))
    return found


def _problem(
    report: OpenReport,
    question: Question,
    value: object,
    locale: str,
    today: date,
    scope: dict[str, object],
) -> str | None:
    if not fits_type(question, value):
        template_question = report.template.question(question.id)
        filtered = question.choice_filter is not None and template_question is not None
        if filtered and fits_type(template_question, value):  # a real choice, filtered out now
            shown = value if isinstance(value, str) else ", ".join(map(str, value))
            return say("choice_filtered_out", locale, value=shown)
        return say("stored_value_invalid", locale)
    if question.constraint is None and question.min is None and question.max is None:
        return None
    try:
        check_rules(
            question,
            value,
            report.answers,
            report.facts,
            locale,
            today,
            scope,
            report.view.template,
        )
    except Rejected as rejection:
        return rejection.text
    except (TypeError, ValueError, ArithmeticError, AttributeError):
        # A stored value of the wrong type (old data, a template changed since): it cannot
        # be judged, so it is shown for correction instead of failing the conversation.
        return say("stored_value_invalid", locale)
    return None


def broken_lines(items: list[Broken], locale: str) -> str:
    """One line per broken rule: number, question, reason."""
    return "\n".join(
        f"• {item.number}. {pick(item.question.label, locale)}: {item.message}" for item in items
    )


def walk_to_broken(turn: Turn, report: OpenReport, only: tuple[str, ...] | None = None) -> bool:
    """Take the officer to the first broken answer (of `only`, or of all); False if none.

    The officer then answers it as a change from the review (`edit_one`), so after it the
    next broken answer, if any, is asked, and then the review is shown.
    """
    found = broken(report, turn.locale, turn.env.now.date(), only)
    if not found:
        return False
    first = found[0]
    label = pick(first.question.label, turn.locale)
    key = "rule_broken" if only is not None else "rule_next"
    turn.say(key, number=first.number, label=label, message=first.message)
    turn.state.edit_one = True
    turn.ask(report, first.question, [])
    return True


def refuse_broken(turn: Turn, report: OpenReport) -> bool:
    """At /gui: refuse a report with broken answers, list them, and ask the first; or False."""
    found = broken(report, turn.locale, turn.env.now.date())
    if not found:
        return False
    lines = broken_lines(found, turn.locale)
    turn.say("rules_broken", count=len(found), lines=lines, first=found[0].number)
    turn.state.edit_one = True
    turn.ask(report, found[0].question, [])
    return True
