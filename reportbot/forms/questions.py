"""Checking a template's questions: types, bounds, choices, defaults and expressions (a mixin
of the template checker in `loader`, which provides `fail`, `text`, `issues`, `source`,
`calcs`, `calc_names`, `metadata`, `meta` and `repeat_names`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportbot.forms.choice_filter import (
    choice_extra,
    filter_cost_problem,
    read_question_rules,
    relevance_cycle,
)
from reportbot.forms.defaults import DefaultError, parse_default
from reportbot.forms.diagnostics import said
from reportbot.forms.expressions import (
    Expression,
    ExpressionError,
    compared_literals,
    parse_expression,
)
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
    | {"choice_filter", "calculation", "repeat", "section", "required_message"}
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
            self.fail(data, "questions", "questions", said("formcheck:questions_none"))
            return ()
        if len(items) > MAX_QUESTIONS:
            message = said("formcheck:questions_too_many", limit=MAX_QUESTIONS, value=len(items))
            self.fail(data, "questions", "questions", message)
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
            self.fail(data, "questions", "questions", said("formcheck:questions_unanswerable"))
        cycle = relevance_cycle(questions)
        if cycle:
            loop = " → ".join(f"${{{name}}}" for name in [*cycle, cycle[0]])
            message = said("formcheck:relevant_cycle", value=loop)
            first = items[[q.id for q in questions].index(cycle[0])]
            self.fail(first, "relevant", cycle[0], message)
        return tuple(questions)

    def question(self, item: Any, position: int, earlier: set[str]) -> Question | None:
        """One checked question; None (with the issue noted) when the item is no mapping."""
        if not isinstance(item, Mapping):
            self.issues.append(
                TemplateIssue(
                    self.source,
                    None,
                    f"question {position}",
                    said("formcheck:question_not_mapping"),
                )
            )
            return None
        qid, where = self._question_id(item, position, earlier)
        qtype = self._question_type(item, where)
        label = self.text(item, "label", where, required=True)
        hint = self.text(item, "hint", where, required=False)
        low, high = self.bounds(item, where, qtype)
        choices = self.choices(item, where, qtype)
        # every question, later ones and itself too (a cycle is reported by `questions`)
        names = self.all_ids | self.repeat_names | BUILTIN_NAMES | self.calc_names | self.meta
        required, required_if = self._required_flag(item, where, qtype, names)
        relevant = self.expression(item, "relevant", where, names, allow_current=False)
        constraint = self.expression(item, "constraint", where, names | {qid}, allow_current=True)
        message = self.text(item, "constraint_message", where, required=False)
        if constraint is not None and not message:
            self.fail(item, "constraint", where, said("formcheck:constraint_needs_message"))
        default = self.default(item, where, qtype, choices, low, high)
        choice_filter, calculation = read_question_rules(self.fail, item, where, self.calcs, names)
        if choice_filter and (problem := filter_cost_problem(choice_filter, len(choices))):
            self.fail(item, "choice_filter", where, problem)  # it runs once per choice
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
            required_message=self.text(item, "required_message", where, required=False),
            required_if=required_if,
        )

    def _question_id(
        self, item: Mapping[str, Any], position: int, earlier: set[str]
    ) -> tuple[str, str]:
        """The question's id (a placeholder when invalid) and how issues name the question."""
        qid = item.get("id")
        where = qid if isinstance(qid, str) and qid else f"question {position}"
        for name in item:
            if name not in QUESTION_FIELDS:
                self.fail(item, str(name), where, said("formcheck:unknown_field", value=repr(name)))
        if not isinstance(qid, str) or not QUESTION_NAME.match(qid):
            message = said("formcheck:id_invalid", value=repr(qid))
            self.fail(item, "id", where, message)
            return f"_{position}", where
        if qid in earlier:
            self.fail(item, "id", where, said("formcheck:duplicate_id", value=repr(qid)))
        elif qid in BUILTIN_NAMES:
            self.fail(item, "id", where, said("formcheck:reserved_id", value=repr(qid)))
        return qid, where

    def _question_type(self, item: Mapping[str, Any], where: str) -> str:
        """The question's type ('text' after an issue when it is unknown)."""
        qtype = item.get("type")
        if qtype not in QUESTION_TYPES:
            allowed = ", ".join(sorted(QUESTION_TYPES))
            message = said("formcheck:type_unknown", value=repr(qtype), allowed=allowed)
            self.fail(item, "type", where, message)
            return "text"
        return str(qtype)

    def _required_flag(
        self, item: Mapping[str, Any], where: str, qtype: str, names: set[str]
    ) -> tuple[bool, Expression | None]:
        """Whether an answer is required (never for a note): always, or while a condition
        holds (ODK's required column takes an XPath expression, checked as `relevant`)."""
        required = item.get("required", False)
        condition = None
        if isinstance(required, str):
            condition = self.expression(item, "required", where, names, allow_current=False)
            required = False
        elif not isinstance(required, bool):
            message = said("formcheck:required_value", value=repr(required))
            self.fail(item, "required", where, message)
            required = False
        if qtype == "note" and (required or condition is not None):
            self.fail(item, "required", where, said("formcheck:note_required"))
        return required, condition

    def repeat_of(self, item: Mapping[str, Any], where: str) -> str | None:
        """The repeat a question belongs to (a name from `repeats`), if any."""
        name = item.get("repeat")
        if name is None:
            return None
        if name not in self.repeat_names:
            self.fail(item, "repeat", where, said("formcheck:repeat_unknown", value=repr(name)))
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
            message = said("formcheck:default_not_allowed", value=qtype)
            self.fail(item, "default", where, message)
            return None
        if qtype in CHOICE_TYPES and not choices:
            return None  # the missing choices are reported already
        try:
            return parse_default(qtype, raw, [c.value for c in choices], low, high)
        except DefaultError as exc:
            self.fail(item, "default", where, said("formcheck:default_invalid", detail=exc.problem))
            return None

    def impossible_values(
        self, item: Mapping[str, Any], question: Question, earlier: list[Question]
    ) -> None:
        """Refuse ${q} = 'x' when q can never hold 'x' (a label instead of a choice value)."""
        kinds = {q.id: q for q in earlier if q.type in CHOICE_TYPES or q.type == "yes_no"}
        for field, expression in (
            ("relevant", question.relevant),
            ("constraint", question.constraint),
            ("required", question.required_if),
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
                    message = said(
                        "formcheck:impossible_value",
                        field=field,
                        name=name,
                        value=repr(text),
                        allowed=listed,
                    )
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
                self.fail(
                    item, name, where, said("formcheck:bound_not_number", field=name, value=value)
                )
                value = None
            if value is not None and qtype not in NUMERIC_TYPES | {"text", "long_text"}:
                message = said("formcheck:bound_not_applicable", field=name, value=qtype)
                self.fail(item, name, where, message)
            values.append(value)
        low, high = values
        if low is not None and high is not None and low > high:
            self.fail(item, "min", where, said("formcheck:min_above_max", low=low, high=high))
        return low, high

    def choices(self, item: Mapping[str, Any], where: str, qtype: str) -> tuple[FormChoice, ...]:
        value = item.get("choices")
        if qtype not in CHOICE_TYPES:
            if value is not None:
                message = said("formcheck:choices_not_applicable", value=qtype)
                self.fail(item, "choices", where, message)
            return ()
        if not isinstance(value, list) or not value:
            self.fail(item, "choices", where, said("formcheck:choices_none"))
            return ()
        result: list[FormChoice] = []
        seen: set[str] = set()
        for option in value:
            if not isinstance(option, Mapping):
                self.fail(item, "choices", where, said("formcheck:choice_shape"))
                continue
            raw = option.get("value")
            choice_value = str(raw) if isinstance(raw, str | int) else ""
            if not CHOICE_VALUE.match(choice_value):
                message = said("formcheck:choice_value_invalid", value=repr(raw))
                self.fail(option, "value", where, message)
            elif choice_value in seen and item.get("choice_filter") is None:
                message = said("formcheck:choice_value_duplicate", value=repr(choice_value))
                self.fail(option, "value", where, message)
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
            self.fail(item, field, where, said("formcheck:expression_not_text", field=field))
            return None
        try:
            expression = parse_expression(source, self.calcs)
        except ExpressionError as exc:
            message = said(
                "formcheck:expression_invalid", field=field, detail=exc.message, value=repr(source)
            )
            self.fail(item, field, where, message)
            return None
        unknown = sorted(expression.references() - names - self.calc_inputs(expression))
        for name in unknown:
            self.fail(
                item, field, where, said("formcheck:reference_unknown", field=field, name=name)
            )
        if expression.uses_current() and not allow_current:
            self.fail(item, field, where, said("formcheck:current_only_constraint", field=field))
        return expression
