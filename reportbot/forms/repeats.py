"""Repeats (XLSForm `begin repeat` / `end repeat`) as a template expanded per report.

Storage: each entry's answer is kept under an indexed id, ``q[1]``, ``q[2]``, ... (the
1-based index ODK's ``indexed-repeat`` and KoboToolbox's exports use), and after each entry
of a repeat without `repeat_count` the officer's "add another?" is kept as ``rep[k]`` =
"yes"/"no". Why indexed ids rather than one list per question: every answer stays one
value of its question's type, so the engine (asking, /sua, the review, validity, the
relevance cache) works unchanged on the template with each entry's questions written out
(`repeat_expand.expand(template, answers)`); only these two modules know about repeats.

Expressions follow ODK: inside an entry ``${sibling}`` is the same entry's answer and
``position(..)`` the entry's number; outside, ``count(${rep})`` / ``count(${q})`` is the
number of entries, ``sum``/``max``/``min``/``count-non-empty(${q})`` and
``join(sep, ${q})`` run over the entries, and any other
``${q}`` is the first entry's answer (a nodeset read as a value).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from reportbot.forms.diagnostics import said
from reportbot.forms.expressions import Expression, ExpressionError, parse_expression
from reportbot.forms.schema import FormChoice, FormTemplate, Question, Text
from reportbot.forms.xpath_values import _num

MAX_ENTRIES = 50  # a chat roster longer than this is a spreadsheet's job
YES, NO = "yes", "no"
MORE_CHOICES = (
    FormChoice(YES, {"vi": "Có, thêm một mục", "en": "Yes, add another"}),
    FormChoice(NO, {"vi": "Không, xong", "en": "No, done"}),
)
_INDEXED = re.compile(r"^(.+)\[(\d{1,3})\]$")


@dataclass(frozen=True, slots=True)
class Repeat:
    """A repeat: its name, the label of an entry, and the fixed count if any."""

    name: str
    label: Text = field(default_factory=dict)
    count: Expression | None = None  # repeat_count; None: "add another?" after each entry


def entry_id(qid: str, index: int) -> str:
    """The stored id of question `qid` in entry `index` (1-based)."""
    return f"{qid}[{index}]"


def split_id(qid: str) -> tuple[str, int] | None:
    """('q', 2) for 'q[2]', None for an id without an index."""
    match = _INDEXED.match(qid)
    return (match.group(1), int(match.group(2))) if match else None


def read_repeats(checker: Any, data: Mapping[str, Any]) -> tuple[Repeat, ...]:
    """The template's `repeats: [{name, label, count}]`; problems go to `checker.fail`."""
    items = data.get("repeats") or []
    if not isinstance(items, list):
        checker.fail(data, "repeats", "repeats", said("formrule:repeats_shape"))
        return ()
    result: list[Repeat] = []
    for item in items:
        name = item.get("name") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name:
            checker.fail(data, "repeats", "repeats", said("formrule:repeat_no_name"))
            continue
        label = checker.text(item, "label", name, required=False)
        count = None
        source = item.get("count")
        if source not in (None, ""):
            try:
                count = parse_expression(str(source), dict(checker.calcs))
            except ExpressionError as exc:
                problem = said(
                    "formrule:repeat_count_invalid", detail=exc.message, value=repr(source)
                )
                checker.fail(item, "count", name, problem)
        result.append(Repeat(name, label, count))
    return tuple(result)


def check_repeat_counts(checker: Any, data: Mapping[str, Any], names: set[str]) -> None:
    """Every name a repeat_count reads is a question, calculation or fact of the form (an
    unknown one would silently make no entry)."""
    given = data.get("repeats") if isinstance(data.get("repeats"), list) else []
    items = {item.get("name"): item for item in given if isinstance(item, Mapping)}
    for repeat in checker.repeats:
        for name in sorted(repeat.count.references() - names) if repeat.count else ():
            message = said("formrule:repeat_count_reference", name=name)
            checker.fail(items.get(repeat.name, data), "count", repeat.name, message)


def repeats_definition(template: FormTemplate) -> dict[str, Any]:
    """The stored (JSON) form of the template's repeats (absent when there are none)."""
    if not template.repeats:
        return {}
    return {
        "repeats": [
            {
                "name": r.name,
                **({"label": r.label} if r.label else {}),
                **({"count": r.count.source} if r.count is not None else {}),
            }
            for r in template.repeats
        ]
    }


def entry_counts(
    template: FormTemplate, answers: Mapping[str, Any], scope: Mapping[str, Any]
) -> tuple[int, ...]:
    """How many entries each repeat has now: its count, or 1 + the "add another" yeses."""
    counts: list[int] = []
    for repeat in template.repeats:
        if repeat.count is not None:
            number = _num(repeat.count.evaluate(scope))
            counts.append(max(0, min(MAX_ENTRIES, int(number))) if number is not None else 0)
            continue
        entries = 1
        while entries < MAX_ENTRIES and answers.get(entry_id(repeat.name, entries)) == YES:
            entries += 1
        counts.append(entries)
    return tuple(counts)


def filed_entries(template: FormTemplate, answers: Mapping[str, Any]) -> dict[str, int]:
    """How many entries each repeat holds as filed (the mirror's rows, consolidation's
    count): its `entry_counts`, but none for a repeat without repeat_count whose first entry
    holds no answer at all (never reached, e.g. inside a group that did not apply)."""
    counts = entry_counts(template, answers, answers)
    result: dict[str, int] = {}
    for repeat, count in zip(template.repeats, counts, strict=True):
        if repeat.count is None and count == 1:
            ids = (q.id for q in template.questions if q.repeat == repeat.name)
            values = (answers.get(entry_id(qid, 1)) for qid in ids)
            count = int(any(value not in (None, "", []) for value in values))
        result[repeat.name] = count
    return result


def adds_entry(template: FormTemplate, question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether `question` is an "add another?" just answered yes (its next entry is to fill)."""
    parts = split_id(question.id)
    return (
        parts is not None
        and any(repeat.name == parts[0] for repeat in template.repeats)
        and answers.get(question.id) == YES
    )


def repeat_inputs(template: FormTemplate) -> set[str]:
    """The answers the number of entries depends on: the counts' inputs and every
    "add another" answer there is."""
    names: set[str] = set()
    for repeat in template.repeats:
        if repeat.count is not None:
            names |= repeat.count.references()
        else:
            names |= {entry_id(repeat.name, index) for index in range(1, MAX_ENTRIES + 1)}
    return names


def typed_entries(template: FormTemplate, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Entry answers decoded as their question's type: storage decodes ``q[k]`` without
    the question (it is not in the stored template), so a decimal or a date arrives as text."""
    fixed: dict[str, Any] = {}
    for qid, value in answers.items():
        parts = split_id(qid) if isinstance(value, str) else None
        question = template.question(parts[0]) if parts else None
        if question is None or question.type not in ("decimal", "date"):
            continue
        try:
            if question.type == "decimal":
                fixed[qid] = Decimal(value)
            else:
                fixed[qid] = date.fromisoformat(value)
        except (ValueError, ArithmeticError):
            continue
    return {**answers, **fixed} if fixed else dict(answers)


def base_question(template: FormTemplate, qid: str) -> Question | None:
    """The template's question for an id, an entry id ``q[k]`` giving q's question."""
    question = template.question(qid)
    if question is None and (parts := split_id(qid)) is not None:
        question = template.question(parts[0])
    return question


def consolidated(template: FormTemplate, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as consolidation counts them: each repeat's name holds its number of
    entries (`filed_entries`), a numeric repeat question is the sum over its entries (a
    roster's "số người" adds up), a select the options any entry chose (the unit counts once
    per option, as for any select), a text one its entries joined; other types inside a
    repeat (dates, files) are not consolidated."""
    if not template.repeats:
        return dict(answers)
    typed = typed_entries(template, answers)
    counts = filed_entries(template, typed)
    result = {qid: v for qid, v in typed.items() if split_id(qid) is None}
    result |= counts
    for question in template.questions:
        if not question.repeat or question.type in ("date", "photo", "file", "note"):
            continue
        values = [
            typed.get(entry_id(question.id, i)) for i in range(1, counts[question.repeat] + 1)
        ]
        values = [v for v in values if v is not None and v != ""]
        if not values:
            continue
        if question.type in ("select_one", "select_multiple"):
            chosen = [
                v for value in values for v in (value if isinstance(value, list) else [value])
            ]
            result[question.id] = list(dict.fromkeys(chosen))
        elif question.type not in ("integer", "decimal"):
            result[question.id] = "; ".join(f"{i}) {v}" for i, v in enumerate(values, start=1))
        else:
            total = sum(Decimal(str(v)) for v in values)
            result[question.id] = int(total) if question.type == "integer" else total
    return result


def sheet_cells(
    template: FormTemplate, answers: Mapping[str, Any], render: Callable[[Question, Any], str]
) -> dict[str, Any]:
    """The answers as the sheet shows them: each repeat question one text joining its
    entries ("1) An; 2) Bình", each rendered by `render`), entry and "add another" ids
    left out."""
    if not template.repeats:
        return dict(answers)
    cells = {qid: v for qid, v in answers.items() if split_id(qid) is None}
    names = (repeat.name for repeat in template.repeats)
    counts = dict(zip(names, entry_counts(template, answers, answers), strict=True))
    for question in template.questions:
        if not question.repeat:
            continue
        parts: list[str] = []  # entries past the count (a count lowered since) are left out
        for index in range(1, counts.get(question.repeat, 0) + 1):
            value = answers.get(entry_id(question.id, index))
            if value is not None and value != "":
                parts.append(f"{index}) {render(question, value)}")
        cells[question.id] = "; ".join(parts)
    return cells
