"""The tree of a parsed expression and the core functions it calls.

Every node is frozen and has `run(answers, current)`; evaluation walks the tree and may raise
on a runtime type problem (`Expression.evaluate` turns that into empty). Nothing here hands
user text to eval, exec or compile.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from reportbot.forms import clock
from reportbot.forms.diagnostics import said
from reportbot.forms.xpath_functions import FUNCTIONS as _MORE_FUNCTIONS
from reportbot.forms.xpath_lookup import Lookup
from reportbot.forms.xpath_values import (
    _DEC,
    _OPS,
    NodeSet,
    _date,
    _empty,
    _norm,
    _num,
    _regex,
    _text,
    truthy,
)


class ExpressionError(ValueError):
    """A syntax error: `.message` is short English text (a `Said`, so it can be shown in
    Vietnamese too), `.position` a 0-based offset."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def fail(code: str, position: int, **params: object) -> ExpressionError:
    """A syntax error: the catalogue code `formrule:<code>`, told its position and `params`."""
    return ExpressionError(said("formrule:" + code, position=position, **params), position)


def regex_code(reason: str) -> str:
    """The catalogue code of a reason `_compiled` gives for refusing a pattern."""
    if reason.startswith("regex pattern longer"):
        return "expr_regex_long"
    if "back-references" in reason:
        return "expr_regex_unbounded"
    return "expr_regex_invalid"


# --- tree ---------------------------------------------------------------------------------

Answers = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Const:
    value: Any

    def run(self, answers: Answers, current: Any) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class Ref:
    name: str

    def run(self, answers: Answers, current: Any) -> Any:
        return _norm(answers.get(self.name))


@dataclass(frozen=True, slots=True)
class CalcRef:
    """${name} of a `calculate` field: its value computed from the answers (a value the
    caller supplies under the same name, e.g. a stored calculation, wins)."""

    name: str
    calculation: Any  # Expression

    def run(self, answers: Answers, current: Any) -> Any:
        given = answers.get(self.name)
        if given is not None and given != "":
            return _norm(given)
        if self.name in answers.get(COMPUTED, ()):  # computed already, and empty: no redo
            return _norm(given)
        return self.calculation._root.run(answers, None)


# The scope key naming the calculations already computed in it (`forms.evaluation`): an
# empty one is then read as empty instead of computed again (a chain of calculations over
# unanswered inputs would otherwise recompute each earlier one at every reference).
COMPUTED = "__computed__"


@dataclass(frozen=True, slots=True)
class Field:
    """A bare name in a choice_filter: that column of the choice being filtered (ODK reads
    it as a child of the choice's item node; a column the choice lacks is empty)."""

    name: str

    def run(self, answers: Answers, current: Any) -> Any:
        choice = answers.get("__choice__")
        return _norm(choice.get(self.name, "")) if isinstance(choice, Mapping) else ""


@dataclass(frozen=True, slots=True)
class Current:
    def run(self, answers: Answers, current: Any) -> Any:
        return _norm(current)


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Any

    def run(self, answers: Answers, current: Any) -> Any:
        number = _num(self.operand.run(answers, current))
        if isinstance(number, Decimal):
            return _DEC.minus(number)
        return None if number is None else -number


@dataclass(frozen=True, slots=True)
class Logic:
    is_and: bool
    items: tuple[Any, ...]

    def run(self, answers: Answers, current: Any) -> Any:
        for item in self.items:
            if truthy(item.run(answers, current)) != self.is_and:
                return not self.is_and
        return self.is_and


@dataclass(frozen=True, slots=True)
class Chain:
    """Operands of one precedence level folded left to right (keeps the tree shallow)."""

    first: Any
    ops: tuple[str, ...]
    rest: tuple[Any, ...]

    def run(self, answers: Answers, current: Any) -> Any:
        value = self.first.run(answers, current)
        for op, node in zip(self.ops, self.rest, strict=True):
            value = _OPS[op](value, node.run(answers, current))
        return value


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Any, ...]
    impl: Callable[..., Any] = field(compare=False, repr=False)
    lazy: bool = field(compare=False, repr=False)

    def run(self, answers: Answers, current: Any) -> Any:
        if self.lazy:
            return self.impl(self.args, answers, current)
        return self.impl(*[arg.run(answers, current) for arg in self.args])


def children(node: Any) -> tuple[Any, ...]:
    """The nodes directly under `node` (none for a leaf)."""
    if isinstance(node, Neg):
        return (node.operand,)
    if isinstance(node, Logic):
        return node.items
    if isinstance(node, Chain):
        return (node.first, *node.rest)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Lookup):
        parts = (node.predicate, node.key[1] if node.key else None)
        return tuple(part for part in parts if part is not None)
    return ()


# --- functions ----------------------------------------------------------------------------


def _if(args: tuple[Any, ...], answers: Answers, current: Any) -> Any:
    chosen = args[1] if truthy(args[0].run(answers, current)) else args[2]
    return chosen.run(answers, current)


def _coalesce(args: tuple[Any, ...], answers: Answers, current: Any) -> Any:
    first = args[0].run(answers, current)
    return args[1].run(answers, current) if _empty(first) else first


def _today(args: tuple[Any, ...], answers: Answers, current: Any) -> date:
    return _date(answers.get("__today__")) or clock.today()


def _selected(items: Any, value: Any) -> bool:
    wanted = _text(value).strip()
    choices = items if isinstance(items, list) else _text(items).split()
    return bool(wanted) and wanted in choices


def _count_selected(items: Any) -> int:
    return len(items) if isinstance(items, list) else len(_text(items).split())


def _number(value: Any) -> Any:
    number = _num(value)
    return "" if number is None else number


def _int(value: Any) -> Any:
    number = _num(value)
    return "" if number is None else int(number)


def _concat_text(value: Any) -> str:
    # a lookup's nodes are joined as they are (a multiple choice keeps its spaces)
    return "".join(value) if isinstance(value, NodeSet) else _text(value)


# name: (min args, max args or None, implementation, lazy: gets the unevaluated nodes)
FUNCTIONS: dict[str, tuple[int, int | None, Callable[..., Any], bool]] = {
    "selected": (2, 2, _selected, False),
    "is-selected": (2, 2, _selected, False),  # JavaRosa's other name for selected()
    "count-selected": (1, 1, _count_selected, False),
    "string-length": (1, 1, lambda v: len(_text(v)), False),
    "if": (3, 3, _if, True),
    "coalesce": (2, 2, _coalesce, True),
    "number": (1, 1, _number, False),
    "int": (1, 1, _int, False),
    "today": (0, 0, _today, True),
    "concat": (0, None, lambda *values: "".join(_concat_text(v) for v in values), False),
    "regex": (2, 2, _regex, False),
    "not": (1, 1, lambda v: not truthy(v), False),
    "true": (0, 0, lambda: True, False),
    "false": (0, 0, lambda: False, False),
}


FUNCTIONS.update(_MORE_FUNCTIONS)  # the rest of the ODK library (xpath_functions.py)
