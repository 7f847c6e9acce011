"""Our form engine beside ODK's (tests/odk_engine.py): the same XLSForm, the same answers,
every question's relevance, constraint, required and visible choices and every calculation's
value compared after each step.

Answers are given as ODK stores them (text: "3", "2024-01-31", "a c" for a select_multiple),
keyed by question name, ``name[k]`` inside entry k of a repeat; a later step adds to the
answers of the earlier ones ("" clears one). Our side sees them as the chat stores them
(typed), with irrelevant answers cleared as the conversation clears them (ODK excludes a
non-relevant node's value from expressions too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reportbot.conversation.answers import Rejected, check_rules
from reportbot.conversation.navigation import stale_answers
from reportbot.conversation.values import is_empty
from reportbot.forms.choice_filter import visible_choices
from reportbot.forms.evaluation import evaluate_calculations
from reportbot.forms.expressions import truthy
from reportbot.forms.repeat_expand import expand
from reportbot.forms.repeats import YES, base_question, entry_id, split_id
from reportbot.forms.schema import FormTemplate, Question
from tests.odk_engine import OdkEngine, xform_of

Steps = list[dict[str, str]]
_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One thing the two engines see differently after a step (0: before any answer)."""

    step: int
    name: str
    field: str  # relevant, value, constraint, required_unmet, choices
    ours: Any
    odk: Any

    def __str__(self) -> str:
        return f"step {self.step} {self.name}.{self.field}: ours {self.ours!r}, ODK {self.odk!r}"


def typed(template: FormTemplate, qid: str, text: str) -> Any:
    """An ODK answer text as our conversation stores it for this question's type."""
    question = base_question(template, qid)
    kind = question.type if question is not None else "text"
    if text == "":
        return None
    if kind == "integer":
        return int(text)
    if kind == "decimal":
        return Decimal(text)
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "select_multiple":
        return text.split()
    return text


def _with_entries(template: FormTemplate, answers: dict[str, Any]) -> dict[str, Any]:
    """Our "add another?" yeses for the entries the answers reach (ODK adds the entries)."""
    for repeat in template.repeats:
        if repeat.count is not None:
            continue
        members = {q.id for q in template.questions if q.repeat == repeat.name}
        reached = [p[1] for qid in answers if (p := split_id(qid)) and p[0] in members]
        for index in range(1, max(reached, default=1)):
            answers.setdefault(entry_id(repeat.name, index), YES)
    return answers


def _constraint_holds(question: Question, value: Any, answers: dict[str, Any], facts: Any) -> Any:
    """True/False, or None when ours defers it (it reads an unanswered question: the chat
    judges it when that one is answered, see conversation.answers._check_constraint)."""
    if question.constraint is not None and any(
        is_empty(answers.get(name)) for name in question.constraint.references() - facts.keys()
    ):
        return None
    try:
        check_rules(question, value, answers, facts, "vi", facts["__today__"])
    except Rejected:
        return False
    return True


def _question_state(question: Question, answers: dict[str, Any], scope: Any, facts: Any) -> dict:
    relevant = question.relevant is None or truthy(question.relevant.evaluate(scope))
    state: dict[str, Any] = {"relevant": relevant}
    if not relevant or not question.answerable:
        return state
    value = answers.get(question.id)
    state["required_unmet"] = question.required_in(scope) and is_empty(value)
    if not is_empty(value):
        state["constraint"] = _constraint_holds(question, value, answers, facts)
    if question.choice_filter is not None:
        state["choices"] = [choice.value for choice in visible_choices(question, scope)]
    return state


def our_states(template: FormTemplate, answers: Mapping[str, str]) -> dict[str, dict]:
    """Each question's and calculation's state in our engine for these answers."""
    facts = {"__today__": datetime.now(UTC).date()}
    current = _with_entries(template, {k: typed(template, k, v) for k, v in answers.items()})
    current = {k: v for k, v in current.items() if v is not None}
    for qid in stale_answers(template, current, facts):
        current.pop(qid, None)
    used = expand(template, current, facts)
    scope = {**current, **facts}
    adds = {repeat.name for repeat in template.repeats}
    states: dict[str, dict] = {}
    for question in used.questions:
        if (parts := split_id(question.id)) is not None and parts[0] in adds:
            continue  # our "add another?", not a question of the form
        states[question.id] = _question_state(question, current, scope, facts)
    for name, value in evaluate_calculations(used, current, facts).items():
        states[name] = {"value": value}
    return states


def _our_id(reference: str) -> str:
    """/data/group/q -> q, /data/rep[2]/q -> q[2]."""
    name = reference.rsplit("/", 1)[-1]
    indexes = _INDEX.findall(reference)
    return f"{name}[{indexes[-1]}]" if indexes else name


def _references(xform: str) -> dict[str, str]:
    """Our id -> ODK's reference, from the XForm's binds: /data/g/q for q, and for a
    question of a repeat /data/rep[1]/q under q[1] (entry k is written from it)."""
    repeats = re.findall(r'<repeat[^>]*nodeset="([^"]+)"', xform)
    found: dict[str, str] = {}
    for path in re.findall(r'<bind nodeset="([^"]+)"', xform):
        name = path.rsplit("/", 1)[-1]
        outer = [r for r in repeats if path.startswith(r + "/")]
        if outer:
            deepest = max(outer, key=len)
            found[entry_id(name, 1)] = f"{deepest}[1]{path[len(deepest) :]}"
        else:
            found[name] = path
    return found


def _reference(references: dict[str, str], qid: str) -> str:
    """Our id -> ODK's reference, an entry k taken from entry 1's reference."""
    if qid in references:
        return references[qid]
    parts = split_id(qid)
    if parts is None or entry_id(parts[0], 1) not in references:
        raise KeyError(f"no question {qid} in the XForm")
    first = references[entry_id(parts[0], 1)]
    return re.sub(r"\[1\](?=/[^/]*$)", f"[{parts[1]}]", first)


def odk_states(
    engine: OdkEngine, xform: str, steps: Steps, strict: bool = True
) -> list[dict[str, dict]]:
    """ODK's states before any answer and after each step, keyed by our ids (`strict`: an
    answer to a name the XForm lacks raises KeyError, else it is not sent)."""
    references = _references(xform)
    sent = []
    for step in steps:
        pairs = []
        for qid, value in step.items():
            try:
                pairs.append((_reference(references, qid), value))
            except KeyError:
                if strict:
                    raise
        sent.append(pairs)
    return [
        {_our_id(reference): state for reference, state in states.items()}
        for states in engine.run(xform, sent)
    ]


def _number(value: Any) -> float | None:
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def same_value(ours: Any, odk: str) -> bool:
    """Whether our computed value is ODK's text: a number numerically (ODK's floats print
    as JavaScript does; ours are exact decimals), anything else as ODK writes it."""
    if is_empty(ours):
        return odk == ""
    if isinstance(ours, bool):
        return odk == ("true" if ours else "false")
    if isinstance(ours, int | float | Decimal):
        theirs = _number(odk)
        return theirs is not None and abs(float(ours) - theirs) <= 1e-9 * max(1.0, abs(theirs))
    if isinstance(ours, date | datetime):
        return odk.startswith(ours.isoformat())
    if isinstance(ours, list):
        return odk == " ".join(map(str, ours))
    return str(ours) == odk


def _differences(step: int, name: str, ours: dict, odk: dict) -> list[Disagreement]:
    if "value" in ours:
        if same_value(ours["value"], odk["value"]):
            return []
        return [Disagreement(step, name, "value", ours["value"], odk["value"])]
    if ours["relevant"] != odk["relevant"]:
        return [Disagreement(step, name, "relevant", ours["relevant"], odk["relevant"])]
    found = []
    for field in ("required_unmet", "constraint", "choices"):
        mine = ours.get(field)
        if field in ours and field in odk and mine is not None and mine != odk[field]:
            found.append(Disagreement(step, name, field, mine, odk.get(field)))
    return found


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both engines' states per step (0: before any answer) and where they differ."""

    ours: list[dict[str, dict]]
    odk: list[dict[str, dict]]
    disagreements: list[Disagreement]


def check(engine: OdkEngine, folder: Path, markdown: str, steps: Steps) -> Comparison:
    """Write a test's XLSForm (pyxform's markdown table), load it as an admin would, and
    compare both engines over the steps."""
    from tests.support import markdown_xlsform

    template = markdown_xlsform(folder, "form", markdown)
    return compare(engine, template, folder / "form.xlsx", steps)


def compare(
    engine: OdkEngine, template: FormTemplate, workbook: Path, steps: Steps, strict: bool = True
) -> Comparison:
    """Run the answers through both engines and compare what both know by name."""
    theirs = odk_states(engine, xform_of(workbook), steps, strict)
    answers: dict[str, str] = {}
    ours = [our_states(template, answers)]
    for step in steps:
        answers.update(step)
        ours.append(our_states(template, answers))
    found: list[Disagreement] = []
    for number, (mine, odk) in enumerate(zip(ours, theirs, strict=True)):
        for name in sorted(mine.keys() & odk.keys()):
            found += _differences(number, name, mine[name], odk[name])
    return Comparison(ours, theirs, found)


# The questions a calculation table reads: an integer, a decimal, a text, a date and a
# select_multiple of x, y, z.
TABLE_QUESTIONS = """
| survey |
|        | type                 | name | label | calculation |
|        | integer              | a    | A     |             |
|        | decimal              | d    | D     |             |
|        | text                 | t    | T     |             |
|        | date                 | dt   | Dt    |             |
|        | select_multiple xyz  | m    | M     |             |
"""
TABLE_CHOICES = """
| choices |
|         | list_name | name | label |
|         | xyz       | x    | X     |
|         | xyz       | y    | Y     |
|         | xyz       | z    | Z     |
"""


def calculated(
    engine: OdkEngine, folder: Path, expressions: list[str], answers: dict[str, str]
) -> list[tuple[str, Any, str]]:
    """(expression, our value, ODK's text) for each expression as a `calculate` of a form
    with TABLE_QUESTIONS answered with `answers`."""
    rows = "".join(f"| | calculate | c{n} | | {e} |\n" for n, e in enumerate(expressions))
    result = check(engine, folder, TABLE_QUESTIONS + rows + TABLE_CHOICES, [answers])
    ours, odk = result.ours[-1], result.odk[-1]
    return [(e, ours[f"c{n}"]["value"], odk[f"c{n}"]["value"]) for n, e in enumerate(expressions)]


def table_mismatches(rows: list[tuple[str, Any, str]], expected: dict[str, str]) -> list[str]:
    """Each expression whose ODK text or our value is not the hand-written one."""
    wrong = []
    for expression, ours, odk in rows:
        want = expected[expression]
        if odk != want or not same_value(ours, want):
            wrong.append(f"{expression}: expected {want!r}, ODK {odk!r}, ours {ours!r}")
    return wrong
