"""Writing a template's repeats out for one report's answers (see forms/repeats.py for the
storage and the ODK semantics): each entry's questions with ``q[k]`` ids and their
expressions rewritten, and "add another?" after each entry of a repeat without a count.
Cached per template and entry counts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from reportbot.forms.expressions import Expression, ExpressionError, parse_expression
from reportbot.forms.repeats import (
    MORE_CHOICES,
    Repeat,
    entry_counts,
    entry_id,
    split_id,
)
from reportbot.forms.schema import FormTemplate, Question, pick
from reportbot.forms.xpath_values import _num

_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}")
_POSITION = re.compile(r"position\(\s*\.\.\s*\)")
_INDEXED_REPEAT = re.compile(
    r"indexed-repeat\(\s*\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}\s*,\s*\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}\s*,"
)
_AGGREGATE = re.compile(
    r"\b(sum|max|min|count|count-non-empty)\(\s*\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}\s*\)"
)
# join(separator, ${q}): a quoted separator (no quote inside, as XPath 1.0 literals)
_JOIN = re.compile(
    r"""\bjoin\(\s*('[^']{0,100}'|"[^"]{0,100}")\s*,\s*\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}\s*\)"""
)

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
            calculations.append(replace(calc, expression=expression))  # type kept
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
                    for lang, text in self.entry_texts(question.label, name, index).items()
                }
                hint = self.entry_texts(question.hint, name, index)
                entry = replace(inside, id=entry_id(question.id, index), label=label, hint=hint)
                out.append(entry)
            if repeat.count is None:
                out.append(self.more_question(repeat, index))
        return out

    def entry_texts(self, texts: Mapping[str, str], repeat: str, index: int) -> dict[str, str]:
        """A label or hint of an entry's question: its ${sibling} is this entry's answer."""

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            return (
                "${" + entry_id(name, index) + "}" if self.members.get(name) == repeat else match[0]
            )

        return {lang: _REF.sub(one, text) if "${" in text else text for lang, text in texts.items()}

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
            for name in ("relevant", "constraint", "choice_filter", "calculation", "required_if")
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
        """Aggregates over a repeat's entries (sum, max, min, count, count-non-empty, join),
        then a bare ${q} of a repeat: entry 1."""

        def aggregate(match: re.Match[str]) -> str:
            function, name = match.group(1), match.group(2)
            repeat = name if name in self.counts else self.members.get(name)
            if repeat is None or repeat == skip:
                return match.group(0)
            entries = self.counts[repeat]
            if function == "count":
                return str(entries)
            if repeat == name or not entries:
                return "0" if function in ("sum", "count-non-empty") else "''"
            refs = ", ".join("${" + entry_id(name, i) + "}" for i in range(1, entries + 1))
            return f"{function}({refs})"

        def join(match: re.Match[str]) -> str:
            separator, name = match.group(1), match.group(2)
            repeat = self.members.get(name)
            if repeat is None or repeat == skip:
                return match.group(0)
            refs = ", ".join(
                "${" + entry_id(name, i) + "}" for i in range(1, self.counts[repeat] + 1)
            )
            return f"join({separator}, {refs})" if refs else "''"

        def first(match: re.Match[str]) -> str:
            repeat = self.members.get(match.group(1))
            if repeat is None or repeat == skip:
                return match.group(0)
            return "${" + entry_id(match.group(1), 1) + "}" if self.counts[repeat] else "''"

        return _REF.sub(first, _JOIN.sub(join, _AGGREGATE.sub(aggregate, source)))

    def parse(self, expression: Expression, source: str) -> Expression:
        if source == expression.source and not self.calcs:
            return expression
        return parse_expression(
            source, self.calcs, choice_fields=expression.choice_fields, lists=expression.lists
        )


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
