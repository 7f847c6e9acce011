"""Checking a template's questions: types, bounds, choices, defaults and expressions (a mixin
of the template checker in `loader`, which provides `fail`, `text`, `issues`, `source`,
`calcs`, `calc_names`, `metadata`, `meta` and `repeat_names`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportbot.forms.choice_filter import choice_extra, read_question_rules, relevance_cycle
from reportbot.forms.defaults import DefaultError, parse_default
from reportbot.forms.expressions import ExpressionError, compared_literals, parse_expression
from reportbot.forms.issues import (
    BUILTIN_NAMES,
    CHOICE_VALUE,
    MAX_QUESTIONS,
    QUESTION_NAME,
    TemplateIssue,
)
from reportbot.forms.schema import (
    ATTACHMENT_TYPES,
    CHOICE_TYPES,
    NUMERIC_TYPES,
    QUESTION_TYPES,
    FormChoice,
    Question,
)

QUESTION_FIELDS = frozenset(
    {"id", "type", "label", "hint", "required", "min", "max", "choices"}
    | {"relevant", "constraint", "constraint_message", "default"}
    | {"choice_filter", "calculation", "repeat", "section"}
)


class QuestionChecks:
    """The question part of the template checker."""

    source: str
    issues: list[TemplateIssue]
    calcs: dict[str, Any]
    calc_names: set[str]
    metadata: tuple[tuple[str, str], ...]
    meta: set[str]
    repeat_names: set[str]
    all_ids: set[str]
    fail: Any
    text: Any

    def questions(self, data: Mapping[str, Any]) -> tuple[Question, ...]:
        items = data.get("questions")
        if not isinstance(items, list) or not items:
            self.fail(data, "questions", "questions", "at least one question is required")
            return ()
        if len(items) > MAX_QUESTIONS:
            self.fail(data, "questions", "questions", f"at most {MAX_QUESTIONS} questions")
        questions: list[Question] = []
        seen: set[str] = set()
        # ODK orders by dependency: a rule may read a later question (a cycle is refused)
        self.all_ids = {str(i.get("id")) for i in items if isinstance(i, Mapping)}
        for position, item in enumerate(items, start=1):
            question = self.question(item, position, seen)
            if question is not None:
                self.impossible_values(item, question, questions)
                questions.append(question)
                seen.add(question.id)
        if not any(q.answerable for q in questions):
            self.fail(data, "questions", "questions", "no question takes an answer")
        cycle = relevance_cycle(questions)
        if cycle:
            loop = " → ".join(f"${{{name}}}" for name in [*cycle, cycle[0]])
            message = f"relevant: the questions' conditions read each other in a cycle: {loop}"
            first = items[[q.id for q in questions].index(cycle[0])]
            self.fail(first, "relevant", cycle[0], message)
        return tuple(questions)

    def question(self, item: Any, position: int, earlier: set[str]) -> Question | None:
        """One checked question; None (with the issue noted) when the item is no mapping."""
        if not isinstance(item, Mapping):
            self.issues.append(
                TemplateIssue(self.source, None, f"question {position}", "must be a mapping")
            )
            return None
        qid, where = self._question_id(item, position, earlier)
        qtype = self._question_type(item, where)
        label = self.text(item, "label", where, required=True)
        hint = self.text(item, "hint", where, required=False)
        required = self._required_flag(item, where, qtype)
        low, high = self.bounds(item, where, qtype)
        choices = self.choices(item, where, qtype)
        # every question, later ones and itself too (a cycle is reported by `questions`)
        names = self.all_ids | self.repeat_names | BUILTIN_NAMES | self.calc_names | self.meta
        relevant = self.expression(item, "relevant", where, names, allow_current=False)
        constraint = self.expression(item, "constraint", where, names | {qid}, allow_current=True)
        message = self.text(item, "constraint_message", where, required=False)
        if constraint is not None and not message:
            self.fail(item, "constraint", where, "a constraint needs a constraint_message")
        default = self.default(item, where, qtype, choices, low, high)
        choice_filter, calculation = read_question_rules(self.fail, item, where, self.calcs, names)
        return Question(
            id=qid,
            type=qtype,
            label=label,
            hint=hint,
            required=required,
            min=low,
            max=high,
            choices=choices,
            relevant=relevant,
            constraint=constraint,
            constraint_message=message,
            default=default,
            choice_filter=choice_filter,
            calculation=calculation,
            repeat=self.repeat_of(item, where),
            section=self.text(item, "section", where, required=False),
        )

    def _question_id(
        self, item: Mapping[str, Any], position: int, earlier: set[str]
    ) -> tuple[str, str]:
        """The question's id (a placeholder when invalid) and how issues name the question."""
        qid = item.get("id")
        where = qid if isinstance(qid, str) and qid else f"question {position}"
        for name in item:
            if name not in QUESTION_FIELDS:
                self.fail(item, str(name), where, f"unknown field {name!r}")
        if not isinstance(qid, str) or not QUESTION_NAME.match(qid):
            message = "id: letters, digits, '_', '-' or '.', starting with a letter (max 64)"
            self.fail(item, "id", where, message)
            return f"_{position}", where
        if qid in earlier:
            self.fail(item, "id", where, "duplicate id")
        elif qid in BUILTIN_NAMES:
            self.fail(item, "id", where, f"{qid!r} is reserved")
        return qid, where

    def _question_type(self, item: Mapping[str, Any], where: str) -> str:
        """The question's type ('text' after an issue when it is unknown)."""
        qtype = item.get("type")
        if qtype not in QUESTION_TYPES:
            allowed = ", ".join(sorted(QUESTION_TYPES))
            self.fail(item, "type", where, f"type {qtype!r} is not one of: {allowed}")
            return "text"
        return str(qtype)

    def _required_flag(self, item: Mapping[str, Any], where: str, qtype: str) -> bool:
        """Whether an answer is required (never for a note)."""
        required = item.get("required", False)
        if not isinstance(required, bool):
            self.fail(item, "required", where, "required must be true or false")
            required = False
        if qtype == "note" and required:
            self.fail(item, "required", where, "a note cannot be required")
        return required

    def repeat_of(self, item: Mapping[str, Any], where: str) -> str | None:
        """The repeat a question belongs to (a name from `repeats`), if any."""
        name = item.get("repeat")
        if name is None:
            return None
        if name not in self.repeat_names:
            self.fail(item, "repeat", where, f"repeat {name!r} is not in the form's repeats")
            return None
        return str(name)

    def default(
        self,
        item: Mapping[str, Any],
        where: str,
        qtype: str,
        choices: tuple[FormChoice, ...],
        low: Any,
        high: Any,
    ) -> Any:
        """The default read as an officer's answer would be; a misfit is a template error."""
        raw = item.get("default")
        if raw is None:
            return None
        if qtype in ATTACHMENT_TYPES or qtype == "note":
            self.fail(item, "default", where, f"default: a {qtype} question cannot have one")
            return None
        if qtype in CHOICE_TYPES and not choices:
            return None  # the missing choices are reported already
        try:
            return parse_default(qtype, raw, [c.value for c in choices], low, high)
        except DefaultError as exc:
            self.fail(item, "default", where, f"default: {exc}")
            return None

    def impossible_values(
        self, item: Mapping[str, Any], question: Question, earlier: list[Question]
    ) -> None:
        """Refuse ${q} = 'x' when q can never hold 'x' (a label instead of a choice value)."""
        kinds = {q.id: q for q in earlier if q.type in CHOICE_TYPES or q.type == "yes_no"}
        for field, expression in (
            ("relevant", question.relevant),
            ("constraint", question.constraint),
        ):
            if expression is None:
                continue
            for name, text in compared_literals(expression):
                target = kinds.get(name)
                if target is None:
                    continue
                allowed = (
                    ["yes", "no"] if target.type == "yes_no" else [c.value for c in target.choices]
                )
                words = text.split() if target.type == "select_multiple" else [text]
                if text and not all(word in allowed for word in words):
                    listed = ", ".join(repr(value) for value in allowed[:10])
                    message = f"{field}: ${{{name}}} can never be {text!r} (its values: {listed})"
                    self.fail(item, field, question.id, message)

    def calc_inputs(self, expression: Any) -> set[str]:
        """Names an expression reads only through a calculation (checked on the calculation)."""
        inputs: set[str] = set()
        for name in expression.references() & set(self.calcs):
            inputs |= self.calcs[name].references()
        return inputs

    def bounds(self, item: Mapping[str, Any], where: str, qtype: str) -> tuple[Any, Any]:
        values = []
        for name in ("min", "max"):
            value = item.get(name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                self.fail(item, name, where, f"{name} must be a number")
                value = None
            if value is not None and qtype not in NUMERIC_TYPES | {"text", "long_text"}:
                self.fail(item, name, where, f"{name} does not apply to a {qtype} question")
            values.append(value)
        low, high = values
        if low is not None and high is not None and low > high:
            self.fail(item, "min", where, f"min ({low}) is greater than max ({high})")
        return low, high

    def choices(self, item: Mapping[str, Any], where: str, qtype: str) -> tuple[FormChoice, ...]:
        value = item.get("choices")
        if qtype not in CHOICE_TYPES:
            if value is not None:
                self.fail(item, "choices", where, f"choices do not apply to a {qtype} question")
            return ()
        if not isinstance(value, list) or not value:
            self.fail(item, "choices", where, "a select question needs at least 1 choice")
            return ()
        result: list[FormChoice] = []
        seen: set[str] = set()
        for option in value:
            if not isinstance(option, Mapping):
                self.fail(item, "choices", where, "each choice is {value: ..., label: ...}")
                continue
            raw = option.get("value")
            choice_value = str(raw) if isinstance(raw, str | int) else ""
            if not CHOICE_VALUE.match(choice_value):
                self.fail(
                    option, "value", where, f"choice value {raw!r}: letters, digits, _ (max 40)"
                )
            elif choice_value in seen and item.get("choice_filter") is None:
                self.fail(option, "value", where, f"duplicate choice value {choice_value!r}")
            seen.add(choice_value)
            label = self.text(option, "label", where, required=True)
            result.append(FormChoice(choice_value, label, choice_extra(option)))
        return tuple(result)

    def expression(
        self,
        item: Mapping[str, Any],
        field: str,
        where: str,
        names: set[str],
        *,
        allow_current: bool,
    ):
        source = item.get(field)
        if source is None:
            return None
        if not isinstance(source, str) or not source.strip():
            self.fail(item, field, where, f"{field} must be an expression text")
            return None
        try:
            expression = parse_expression(source, self.calcs)
        except ExpressionError as exc:
            self.fail(item, field, where, f"{field}: {exc.message} in {source!r}")
            return None
        unknown = sorted(expression.references() - names - self.calc_inputs(expression))
        for name in unknown:
            self.fail(item, field, where, f"{field}: ${{{name}}} is not a question of this form")
        if expression.uses_current() and not allow_current:
            self.fail(item, field, where, f"{field}: '.' (this answer) is only for constraints")
        return expression
