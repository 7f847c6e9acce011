"""Cascading selects (XLSForm `choice_filter`) and ODK dynamic defaults, as data.

A choice_filter is evaluated once per choice, as ODK Collect (JavaRosa) evaluates the
predicate of ``instance('list')/root/item[filter]``: a bare name (``county``, ``name``,
``label``) is that column of the choice, ``${q}`` the current answer to q. Only the choices
for which it is true are offered; the same name may then appear twice in a list when the
filter separates the two (ODK allows it, e.g. a "king" county in two states).

A `calculation` on an ordinary question is ODK's dynamic default: its value, computed from
the answers when the question is asked, is offered as the question's default.

The loader reads both through `read_question_rules`; the conversation asks `as_asked`.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from reportbot.forms.diagnostics import Said, said
from reportbot.forms.expression_nodes import CalcRef, children
from reportbot.forms.expression_parser import MAX_COST
from reportbot.forms.expressions import Expression, ExpressionError, parse_expression, truthy
from reportbot.forms.schema import FormChoice, Question, pick
from reportbot.forms.xpath_lookup import Lookup

_MAX_EXTRA = 30  # columns kept per choice: real lists carry a few (state, county, ...)


def choice_columns(choice: FormChoice) -> dict[str, str]:
    """What a filter sees of a choice: its name, its label and its extra columns."""
    return {"name": choice.value, "label": pick(choice.label, "vi"), **dict(choice.extra)}


def visible_choices(question: Question, scope: Mapping[str, Any]) -> tuple[FormChoice, ...]:
    """The choices an officer may pick now: all of them, or those passing the filter (a
    name seen twice is kept once: the first that passes)."""
    rule = question.choice_filter
    if rule is None:
        return question.choices
    kept: list[FormChoice] = []
    seen: set[str] = set()
    for number, choice in enumerate(question.choices, start=1):
        # ChainMap: the choice on top of the answers, without copying the answers per choice;
        # position() is the choice's number in its list, as in ODK's item[...] predicate
        item = {"__choice__": choice_columns(choice), "__position__": number}
        if choice.value not in seen and truthy(rule.evaluate(ChainMap(item, scope))):  # type: ignore[arg-type]
            kept.append(choice)
            seen.add(choice.value)
    return tuple(kept)


# One showing of a filtered select: ten expressions' budget. A step is about 1 µs (a
# national list of 3,321 communes filtered through a keyed lookup, 6 steps each, took 19 ms),
# so a showing stays near 0.1 s at worst, while the real lists admins bring are accepted
# (one expression's budget refused that commune list at 2,100 choices).
MAX_SHOWING_COST = 10 * MAX_COST


def filter_cost_problem(rule: Expression, count: int) -> Said | None:
    """What is wrong when a filter reading a choice list (instance()) costs more than one
    expression's budget over its `count` choices, as it runs once per choice; None when
    within it. A filter reading no list is left as it always was (a few nodes a choice)."""
    if rule.cost * count <= MAX_SHOWING_COST or not _reads_lookup(rule):
        return None
    return said(
        "formrule:choice_filter_too_costly", count=count, cost=rule.cost, limit=MAX_SHOWING_COST
    )


def _reads_lookup(rule: Expression) -> bool:
    """Whether the expression, or a calculation it reads, holds a choice-list lookup."""
    stack = [rule._root]
    while stack:
        node = stack.pop()
        if isinstance(node, Lookup):
            return True
        if isinstance(node, CalcRef):
            stack.append(node.calculation._root)
        stack.extend(children(node))
    return False


def as_asked(question: Question, scope: Mapping[str, Any]) -> Question:
    """The question as it is asked with these answers: its choices filtered, and its
    dynamic default computed (the same question when it has neither)."""
    if question.choice_filter is None and question.calculation is None:
        return question
    changes: dict[str, Any] = {}
    if question.choice_filter is not None:
        changes["choices"] = visible_choices(question, scope)
    if question.calculation is not None and question.default is None:
        value = question.calculation.evaluate(scope)
        if value is not None and value != "" and not isinstance(value, bool):
            changes["default"] = value
    return replace(question, **changes)


def choice_extra(option: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """A stored choice's extra columns ({column: text}) as the schema keeps them."""
    extra = option.get("extra")
    if not isinstance(extra, Mapping):
        return ()
    items = [(str(k), "" if v is None else str(v)) for k, v in extra.items()]
    return tuple(items[:_MAX_EXTRA])


def read_question_rules(
    fail: Any,
    item: Mapping[str, Any],
    where: str,
    calcs: Mapping[str, Expression],
    names: set[str],
) -> tuple[Expression | None, Expression | None]:
    """The question's choice_filter and calculation, parsed; a problem goes to `fail`
    (the loader's, with the item and field): a rule that does not parse is left out, a
    reference to a name not in `names` is reported."""
    parsed: list[Expression | None] = []
    for field in ("choice_filter", "calculation"):
        source = item.get(field)
        if source is None:
            parsed.append(None)
            continue
        if not isinstance(source, str) or not source.strip():
            fail(item, field, where, said("formcheck:expression_not_text", field=field))
            parsed.append(None)
            continue
        try:
            rule = parse_expression(source, calcs, choice_fields=field == "choice_filter")
        except ExpressionError as exc:
            problem = said(
                "formcheck:expression_invalid", field=field, detail=exc.message, value=repr(source)
            )
            fail(item, field, where, problem)
            parsed.append(None)
            continue
        if field == "choice_filter" and item.get("type") not in ("select_one", "select_multiple"):
            fail(item, field, where, said("formcheck:choice_filter_not_select"))
        for name in sorted(rule.references() - names):
            fail(item, field, where, said("formcheck:reference_unknown", field=field, name=name))
        parsed.append(rule)
    return parsed[0], parsed[1]


def rules_definition(question: Question) -> dict[str, Any]:
    """The stored (JSON) form of a question's choice_filter and calculation."""
    item: dict[str, Any] = {}
    if question.choice_filter is not None:
        item["choice_filter"] = question.choice_filter.source
    if question.calculation is not None:
        item["calculation"] = question.calculation.source
    return item


def relevance_cycle(questions: list[Question]) -> list[str]:
    """Questions whose `relevant` depends on itself through other questions' `relevant`
    (ODK orders questions by dependency and refuses only a cycle); [] when there is none."""
    reads = {
        q.id: set(q.relevant.references()) if q.relevant is not None else set() for q in questions
    }
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(start: str) -> list[str]:
        path, stack = [start], [iter(sorted(reads.get(start, ())))]
        state[start] = 1
        while stack:
            following = next(stack[-1], None)
            if following is None:
                state[path.pop()] = 2
                stack.pop()
            elif following in reads and state.get(following) == 1:
                return path[path.index(following) :]
            elif following in reads and following not in state:
                state[following] = 1
                path.append(following)
                stack.append(iter(sorted(reads[following])))
        return []

    for question in questions:
        if question.id not in state:
            cycle = visit(question.id)
            if cycle:
                return cycle
    return []
