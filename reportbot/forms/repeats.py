"""Repeats (XLSForm `begin repeat` / `end repeat`) as a template expanded per report.

Storage: each entry's answer is kept under an indexed id, ``q[1]``, ``q[2]``, ... (the
1-based index ODK's ``indexed-repeat`` and KoboToolbox's exports use), and after each entry
of a repeat without `repeat_count` the officer's "add another?" is kept as ``rep[k]`` =
"yes"/"no". Why indexed ids rather than one list per question: every answer stays one
value of its question's type, so the engine (asking, /sua, the review, validity, the
relevance cache) works unchanged on `expand(template, answers)`, the template with each
entry's questions written out; only this module knows about repeats.

Expressions follow ODK: inside an entry ``${sibling}`` is the same entry's answer and
``position(..)`` the entry's number; outside, ``count(${rep})`` / ``count(${q})`` is the
number of entries, ``sum``/``max``/``min(${q})`` run over the entries, and any other
``${q}`` is the first entry's answer (a nodeset read as a value).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from reportbot.forms.expressions import Expression, ExpressionError, parse_expression
from reportbot.forms.schema import Calculation, FormChoice, FormTemplate, Question, Text, pick
from reportbot.forms.xpath_values import _num

MAX_ENTRIES = 50  # a chat roster longer than this is a spreadsheet's job
YES, NO = "yes", "no"
MORE_CHOICES = (
    FormChoice(YES, {"vi": "Có, thêm một mục", "en": "Yes, add another"}),
    FormChoice(NO, {"vi": "Không, xong", "en": "No, done"}),
)
_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}")
_POSITION = re.compile(r"position\(\s*\.\.\s*\)")
_INDEXED_REPEAT = re.compile(
    r"indexed-repeat\(\s*\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}\s*,\s*\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}\s*,"
)
_AGGREGATE = re.compile(r"\b(sum|max|min|count)\(\s*\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}\s*\)")
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
        checker.fail(data, "repeats", "repeats", "repeats: a list of {name, label, count}")
        return ()
    result: list[Repeat] = []
    for item in items:
        name = item.get("name") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name:
            checker.fail(data, "repeats", "repeats", "repeats: each needs a name")
            continue
        label = checker.text(item, "label", name, required=False)
        count = None
        source = item.get("count")
        if source not in (None, ""):
            try:
                count = parse_expression(str(source), dict(checker.calcs))
            except ExpressionError as exc:
                checker.fail(item, "count", name, f"repeat_count: {exc.message} in {source!r}")
        result.append(Repeat(name, label, count))
    return tuple(result)


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


_CACHE: dict[tuple[int, tuple[int, ...]], tuple[FormTemplate, FormTemplate]] = {}
_BASES: dict[int, tuple[FormTemplate, FormTemplate]] = {}  # id(expanded) -> (expanded, base)


def expand(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> FormTemplate:
    """The template with every entry's questions written out (the same template when it
    has no repeat). Cached per template and entry counts."""
    if not template.repeats:
        return template
    counts = entry_counts(template, answers, {**answers, **facts})
    key = (id(template), counts)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is template:
        return hit[1]
    names = (repeat.name for repeat in template.repeats)
    expanded = _Expander(template, dict(zip(names, counts, strict=True))).run()
    if len(_CACHE) > 512:
        _CACHE.clear()
        _BASES.clear()
    _CACHE[key] = (template, expanded)  # the template is kept so its id cannot be reused
    _BASES[id(expanded)] = (expanded, template)
    return expanded


def reexpand(
    template: FormTemplate, answers: Mapping[str, Any], facts: Mapping[str, Any]
) -> FormTemplate:
    """`template` (stored, or expanded for other answers) expanded for these answers."""
    known = _BASES.get(id(template))
    base = known[1] if known is not None and known[0] is template else template
    return expand(base, answers, facts)


def is_entry(template: FormTemplate, qid: str) -> bool:
    """Whether `qid` is an entry id (q[k] or an "add another" rep[k]) of the template's
    repeats, whether or not that entry exists for the current answers."""
    parts = split_id(qid) if template.repeats else None
    if parts is None:
        return False
    known = _BASES.get(id(template))
    base = known[1] if known is not None and known[0] is template else template
    question = base.question(parts[0])
    return bool(question is not None and question.repeat) or any(
        repeat.name == parts[0] for repeat in base.repeats
    )


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


class _Expander:
    def __init__(self, template: FormTemplate, counts: dict[str, int]) -> None:
        self.template = template
        self.counts = counts
        self.members = {q.id: q.repeat for q in template.questions if q.repeat}
        self.labels = {r.name: r.label for r in template.repeats}
        self.calcs: dict[str, Expression] = {}

    def run(self) -> FormTemplate:
        calculations = []
        for calc in self.template.calculations:
            expression = self.outside(calc.expression)
            self.calcs[calc.name] = expression
            calculations.append(Calculation(calc.name, expression, calc.label))
        questions: list[Question] = []
        block: list[Question] = []
        for question in (*self.template.questions, None):
            if (
                question is not None
                and question.repeat
                and (not block or block[0].repeat == question.repeat)
            ):
                block.append(question)
                continue
            if block:
                questions.extend(self.entries(block))
                block = []
            if question is not None and question.repeat:
                block.append(question)
            elif question is not None:
                questions.append(self.rewrite(question, self.outside))
        return replace(self.template, questions=tuple(questions), calculations=tuple(calculations))

    def entries(self, block: list[Question]) -> list[Question]:
        name = block[0].repeat or ""
        repeat = next(r for r in self.template.repeats if r.name == name)
        out: list[Question] = []
        for index in range(1, self.counts[name] + 1):
            for question in block:
                inside = self.rewrite(question, lambda e, i=index: self.inside(e, name, i))
                label = {
                    lang: f"{pick(self.labels[name], lang) or name} {index} – {text}"
                    for lang, text in question.label.items()
                }
                out.append(replace(inside, id=entry_id(question.id, index), label=label))
            if repeat.count is None:
                out.append(self.more_question(repeat, index))
        return out

    def more_question(self, repeat: Repeat, index: int) -> Question:
        shown = {lang: pick(repeat.label, lang) or repeat.name for lang in ("vi", "en")}
        return Question(
            id=entry_id(repeat.name, index),
            type="select_one",
            label={
                "vi": f"Thêm một mục “{shown['vi']}” nữa? (đã có {index})",
                "en": f"Add another “{shown['en']}”? ({index} so far)",
            },
            required=True,
            choices=MORE_CHOICES,
        )

    def rewrite(self, question: Question, how: Any) -> Question:
        changes = {
            name: how(getattr(question, name))
            for name in ("relevant", "constraint", "choice_filter", "calculation")
            if getattr(question, name) is not None
        }
        changed = {k: v for k, v in changes.items() if v is not getattr(question, k)}
        return replace(question, **changed) if changed else question

    def inside(self, expression: Expression, repeat: str, index: int) -> Expression:
        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if self.members.get(name) == repeat:
                return "${" + entry_id(name, index) + "}"
            return match.group(0)

        source = self.indexed(_POSITION.sub(str(index), expression.source))
        source = self.aggregates(_REF.sub(one, source), skip=repeat)
        return self.parse(expression, source)

    def outside(self, expression: Expression) -> Expression:
        return self.parse(expression, self.aggregates(self.indexed(expression.source), None))

    def indexed(self, source: str) -> str:
        """indexed-repeat(${q}, ${rep}, i): every entry's value of q, then '' for the repeat
        (no answer is read there: a constraint reading it would never be judged)."""

        out, done = [], 0
        for match in _INDEXED_REPEAT.finditer(source):
            repeat = self.members.get(match.group(1))
            if repeat is None or match.start() < done:
                continue
            text, whole = self.one_entry(match.group(1), repeat, source, match.end())
            out += [source[done : match.start()], text]
            done = _closing(source, match.end()) if whole else match.end()
        return "".join(out) + source[done:]

    def one_entry(self, name: str, repeat: str, source: str, start: int) -> tuple[str, bool]:
        """${q[i]} for the whole call when the index is a constant (position(..) written
        out), else the call's head with every entry's value for the function to pick from."""
        end = _closing(source, start)
        index_source = source[start : end - 1]
        if "${" not in index_source:
            try:
                index = _num(parse_expression(index_source).evaluate({}))
            except ExpressionError:
                index = None
            if index is not None and 1 <= int(index) <= self.counts[repeat]:
                return "${" + entry_id(name, int(index)) + "}", True
            if index is not None:
                return "''", True
        count = self.counts[repeat]
        refs = ", ".join("${" + entry_id(name, i) + "}" for i in range(1, count + 1))
        return f"indexed-repeat({refs or repr('')}, '',", False

    def aggregates(self, source: str, skip: str | None) -> str:
        """Aggregates over a repeat's entries, then a bare ${q} of a repeat: entry 1."""

        def aggregate(match: re.Match[str]) -> str:
            function, name = match.group(1), match.group(2)
            repeat = name if name in self.counts else self.members.get(name)
            if repeat is None or repeat == skip:
                return match.group(0)
            entries = self.counts[repeat]
            if function == "count":
                return str(entries)
            if repeat == name or not entries:
                return "0" if function == "sum" else "''"
            refs = ", ".join("${" + entry_id(name, i) + "}" for i in range(1, entries + 1))
            return f"{function}({refs})"

        def first(match: re.Match[str]) -> str:
            repeat = self.members.get(match.group(1))
            if repeat is None or repeat == skip:
                return match.group(0)
            return "${" + entry_id(match.group(1), 1) + "}" if self.counts[repeat] else "''"

        return _REF.sub(first, _AGGREGATE.sub(aggregate, source))

    def parse(self, expression: Expression, source: str) -> Expression:
        if source == expression.source and not self.calcs:
            return expression
        return parse_expression(source, self.calcs, choice_fields=expression.choice_fields)


def _closing(source: str, start: int) -> int:
    """The position just after the ')' closing the call whose arguments go on at `start`."""
    depth, quote = 1, ""
    for position in range(start, len(source)):
        char = source[position]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position + 1
    return len(source)


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
    """The answers as consolidation counts them: a numeric repeat question is the sum over
    its entries (a roster's "số người" adds up), a text one its entries joined; a select
    inside a repeat is not counted (its entries stay under their indexed ids)."""
    if not template.repeats:
        return dict(answers)
    typed = typed_entries(template, answers)
    names = (repeat.name for repeat in template.repeats)
    counts = dict(zip(names, entry_counts(template, typed, typed), strict=True))
    result = {qid: v for qid, v in typed.items() if split_id(qid) is None}
    for question in template.questions:
        if not question.repeat or question.type not in ("integer", "decimal", "text"):
            continue
        values = [
            typed.get(entry_id(question.id, i)) for i in range(1, counts[question.repeat] + 1)
        ]
        values = [v for v in values if v is not None and v != ""]
        if not values:
            continue
        if question.type == "text":
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
