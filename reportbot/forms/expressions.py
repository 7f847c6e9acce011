"""Safe XLSForm-like expressions for `relevant` and `constraint` rules.

Source text is tokenized and parsed once into a tree of frozen nodes; evaluation walks that
tree and never raises: any runtime type problem yields empty (None). Nothing here hands user
text to eval, exec or compile.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from reportbot.forms.diagnostics import said
from reportbot.forms.xpath_functions import FUNCTIONS as _MORE_FUNCTIONS
from reportbot.forms.xpath_values import (  # noqa: F401 (re-exported: truthy, limits)
    _DEC,
    _MAX_INT_BITS,
    _OPS,
    MAX_PATTERN,
    MAX_REGEX_INPUT,
    _arith,
    _compiled,
    _date,
    _empty,
    _equal,
    _flat,
    _norm,
    _num,
    _order,
    _regex,
    _text,
    truthy,
)

log = logging.getLogger(__name__)

MAX_SOURCE = 1000
MAX_DEPTH = 50
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.-]{0,63}(?:\[\d{1,3}\])?\})
    |(?P<num>\d+(?:\.\d*)?|\.\d+)
    |(?P<str>'[^']*'|"[^"]*")
    |(?P<name>(?:[A-Za-z_][A-Za-z0-9_]*:)?[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)
    |(?P<op>!=|<=|>=|\.\.|[=<>+\-*(),.])""",
    re.VERBOSE | re.ASCII,
)
_KEYWORDS = frozenset({"and", "or", "div", "mod"})
_BINARY = {"or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4}
_BINARY.update({"+": 5, "-": 5, "*": 6, "div": 6, "mod": 6})


class ExpressionError(ValueError):
    """A syntax error: `.message` is short English text (a `Said`, so it can be shown in
    Vietnamese too), `.position` a 0-based offset."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def _fail(code: str, position: int, **params: object) -> ExpressionError:
    return ExpressionError(said("formrule:" + code, position=position, **params), position)


def _regex_code(reason: str) -> str:
    """The catalogue code of a reason `_compiled` gives for refusing a pattern."""
    if reason.startswith("regex pattern longer"):
        return "expr_regex_long"
    if "back-references" in reason:
        return "expr_regex_unbounded"
    return "expr_regex_invalid"


# --- tree ---------------------------------------------------------------------------------

Answers = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Const:
    value: Any

    def run(self, answers: Answers, current: Any) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class _Ref:
    name: str

    def run(self, answers: Answers, current: Any) -> Any:
        return _norm(answers.get(self.name))


@dataclass(frozen=True, slots=True)
class _CalcRef:
    """${name} of a `calculate` field: its value computed from the answers (a value the
    caller supplies under the same name, e.g. a stored calculation, wins)."""

    name: str
    calculation: Any  # Expression

    def run(self, answers: Answers, current: Any) -> Any:
        given = answers.get(self.name)
        if given is not None and given != "":
            return _norm(given)
        return self.calculation._root.run(answers, None)


@dataclass(frozen=True, slots=True)
class _Field:
    """A bare name in a choice_filter: that column of the choice being filtered (ODK reads
    it as a child of the choice's item node; a column the choice lacks is empty)."""

    name: str

    def run(self, answers: Answers, current: Any) -> Any:
        choice = answers.get("__choice__")
        return _norm(choice.get(self.name, "")) if isinstance(choice, Mapping) else ""


@dataclass(frozen=True, slots=True)
class _Current:
    def run(self, answers: Answers, current: Any) -> Any:
        return _norm(current)


@dataclass(frozen=True, slots=True)
class _Neg:
    operand: Any

    def run(self, answers: Answers, current: Any) -> Any:
        number = _num(self.operand.run(answers, current))
        if isinstance(number, Decimal):
            return _DEC.minus(number)
        return None if number is None else -number


@dataclass(frozen=True, slots=True)
class _Logic:
    is_and: bool
    items: tuple[Any, ...]

    def run(self, answers: Answers, current: Any) -> Any:
        for item in self.items:
            if truthy(item.run(answers, current)) != self.is_and:
                return not self.is_and
        return self.is_and


@dataclass(frozen=True, slots=True)
class _Chain:
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
class _Call:
    name: str
    args: tuple[Any, ...]
    impl: Callable[..., Any] = field(compare=False, repr=False)
    lazy: bool = field(compare=False, repr=False)

    def run(self, answers: Answers, current: Any) -> Any:
        if self.lazy:
            return self.impl(self.args, answers, current)
        return self.impl(*[arg.run(answers, current) for arg in self.args])


def _children(node: Any) -> tuple[Any, ...]:
    if isinstance(node, _Neg):
        return (node.operand,)
    if isinstance(node, _Logic):
        return node.items
    if isinstance(node, _Chain):
        return (node.first, *node.rest)
    if isinstance(node, _Call):
        return node.args
    return ()


# --- functions ----------------------------------------------------------------------------


def _if(args: tuple[Any, ...], answers: Answers, current: Any) -> Any:
    chosen = args[1] if truthy(args[0].run(answers, current)) else args[2]
    return chosen.run(answers, current)


def _coalesce(args: tuple[Any, ...], answers: Answers, current: Any) -> Any:
    first = args[0].run(answers, current)
    return args[1].run(answers, current) if _empty(first) else first


def _today(args: tuple[Any, ...], answers: Answers, current: Any) -> date:
    return _date(answers.get("__today__")) or date.today()


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


# name: (min args, max args or None, implementation, lazy: gets the unevaluated nodes)
_FUNCTIONS: dict[str, tuple[int, int | None, Callable[..., Any], bool]] = {
    "selected": (2, 2, _selected, False),
    "count-selected": (1, 1, _count_selected, False),
    "string-length": (1, 1, lambda v: len(_text(v)), False),
    "if": (3, 3, _if, True),
    "coalesce": (2, 2, _coalesce, True),
    "number": (1, 1, _number, False),
    "int": (1, 1, _int, False),
    "today": (0, 0, _today, True),
    "concat": (0, None, lambda *values: "".join(_text(v) for v in values), False),
    "regex": (2, 2, _regex, False),
    "not": (1, 1, lambda v: not truthy(v), False),
    "true": (0, 0, lambda: True, False),
    "false": (0, 0, lambda: False, False),
}


_FUNCTIONS.update(_MORE_FUNCTIONS)  # the rest of the ODK library (xpath_functions.py)


# --- parser -------------------------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # num, str, ref, name, op, end
    text: str
    pos: int


def _tokenize(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            char = source[pos]
            if char in "'\"":
                raise _fail("expr_unterminated_string", pos)
            if source.startswith("${", pos):
                closed = source.find("}", pos) != -1
                code = "expr_invalid_reference" if closed else "expr_unterminated_reference"
                raise _fail(code, pos)
            raise _fail("expr_unexpected_character", pos, value=repr(char))
        kind, text = match.lastgroup or "", match.group()
        if kind == "name" and text in _KEYWORDS:
            kind = "op"
        if kind != "ws":
            tokens.append(_Token(kind, text, pos))
        pos = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


class _Parser:
    """Precedence climbing over the token list; `depth` bounds the recursion."""

    def __init__(
        self, source: str, calculations: Mapping[str, Any] | None = None, fields: bool = False
    ) -> None:
        self.fields = fields  # bare names are choice columns (choice_filter only)
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0
        self.calculations = calculations or {}

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def peek_op(self) -> str | None:
        token = self.tokens[self.index]
        return token.text if token.kind == "op" else None

    @staticmethod
    def unexpected(token: _Token) -> ExpressionError:
        if token.kind == "end":
            return _fail("expr_unexpected_end", token.pos)
        return _fail("expr_unexpected", token.pos, value=repr(token.text))

    def parse(self) -> Any:
        node = self.expr(0)
        if self.tokens[self.index].kind != "end":
            raise self.unexpected(self.tokens[self.index])
        return node

    def expr(self, min_power: int) -> Any:
        left = self.unary()
        while (power := _BINARY.get(self.peek_op() or "")) is not None and power >= min_power:
            ops: list[str] = []
            rest: list[Any] = []
            while _BINARY.get(self.peek_op() or "") == power:
                ops.append(self.take().text)
                rest.append(self.expr(power + 1))
            if power <= 2:
                left = _Logic(ops[0] == "and", (left, *rest))
            else:
                left = _Chain(left, tuple(ops), tuple(rest))
        return left

    def unary(self) -> Any:
        token = self.tokens[self.index]
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _fail("expr_too_deep", token.pos)
            if token.kind == "op" and token.text == "-":
                self.take()
                return _Neg(self.unary())
            return self.primary()
        finally:
            self.depth -= 1

    def primary(self) -> Any:
        token = self.take()
        if token.kind == "num":
            return _Const(Decimal(token.text) if "." in token.text else int(token.text))
        if token.kind == "str":
            return _Const(token.text[1:-1])
        if token.kind == "ref":
            name = token.text[2:-1]
            if name in self.calculations:
                return _CalcRef(name, self.calculations[name])
            return _Ref(name)
        if token.kind == "op" and token.text == ".":
            return _Current()
        if token.kind == "op" and token.text == "..":  # the parent node: only in position(..)
            return _Const("")
        if token.kind == "op" and token.text == "(":
            node = self.expr(0)
            if self.peek_op() != ")":
                raise _fail("expr_expected_paren", self.tokens[self.index].pos)
            self.take()
            return node
        if token.kind == "name":
            if self.peek_op() != "(" and self.fields:
                return _Field(token.text)
            if self.peek_op() != "(":
                raise _fail("expr_unknown_name", token.pos, value=repr(token.text))
            return self.call(token)
        raise self.unexpected(token)

    def call(self, name: _Token) -> _Call:
        spec = _FUNCTIONS.get(name.text)
        if spec is None:
            raise _fail("expr_unknown_function", name.pos, value=repr(name.text))
        self.take()  # '('
        args: list[Any] = []
        starts: list[int] = []
        if self.peek_op() == ")":
            self.take()
        else:
            while True:
                starts.append(self.tokens[self.index].pos)
                args.append(self.expr(0))
                token = self.take()
                if token.kind == "op" and token.text == ")":
                    break
                if not (token.kind == "op" and token.text == ","):
                    raise _fail("expr_expected_comma", token.pos)
        low, high, impl, lazy = spec
        if len(args) < low or (high is not None and len(args) > high):
            count = f"{low}" if low == high else f"at least {low}"
            plural = "" if low == high == 1 else "s"
            many = {"vi": f"{low} đối số" if low == high else f"ít nhất {low} đối số"}
            many["en"] = f"{count} argument{plural}"
            raise _fail("expr_argument_count", name.pos, count=many, value=name.text)
        if name.text == "regex" and isinstance(args[1], _Const):
            problem = _compiled(_text(args[1].value)[: MAX_PATTERN + 1])
            if isinstance(problem, str):
                raise _fail(_regex_code(problem), starts[1], limit=MAX_PATTERN)
        return _Call(name.text, tuple(args), impl, lazy)


MAX_COST = 10_000  # nodes one evaluation may visit, calculations expanded


def _parse(
    source: str, calculations: Mapping[str, Any] | None = None, fields: bool = False
) -> tuple[Any, frozenset[str], bool, int]:
    if not isinstance(source, str):
        raise ExpressionError(said("formrule:expr_not_text"), 0)
    if len(source) > MAX_SOURCE:
        raise ExpressionError(said("formrule:expr_too_long", limit=MAX_SOURCE), MAX_SOURCE)
    if not source.strip():
        raise ExpressionError(said("formrule:expr_empty"), 0)
    root = _Parser(source, calculations, fields).parse()
    refs: set[str] = set()
    uses_current = False
    cost = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        cost += 1
        if depth > MAX_DEPTH:
            raise ExpressionError(said("formrule:expr_too_deep_whole"), 0)
        if isinstance(node, _Ref):
            refs.add(node.name)
        if isinstance(node, _CalcRef):  # its inputs are this expression's inputs too
            refs.add(node.name)
            refs.update(node.calculation.references())
            cost += node.calculation.cost
        uses_current = uses_current or isinstance(node, _Current)
        stack.extend((child, depth + 1) for child in _children(node))
    if cost > MAX_COST:
        raise ExpressionError(said("formrule:expr_too_costly"), 0)
    return root, frozenset(refs), uses_current, cost


# --- public -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed expression; `Expression(source)` parses too and raises ExpressionError."""

    source: str
    calculations: Mapping[str, Expression] | None = field(default=None, compare=False, repr=False)
    _root: Any = field(init=False, compare=False, repr=False)
    _refs: frozenset[str] = field(init=False, compare=False, repr=False)
    _current: bool = field(init=False, compare=False, repr=False)
    cost: int = field(init=False, compare=False, repr=False)
    choice_fields: bool = field(default=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        root, refs, current, cost = _parse(self.source, self.calculations, self.choice_fields)
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_refs", refs)
        object.__setattr__(self, "_current", current)
        object.__setattr__(self, "cost", cost)

    def __reduce__(self) -> tuple[Any, ...]:
        # copies and pickles carry the source (and calculations) and parse it again
        return (_rebuild, (self.source, self.calculations, self.choice_fields))

    def evaluate(self, answers: Mapping[str, Any], current: Any = None) -> Any:
        """Evaluate against the answers (and `.` = current); never raises, problems give None."""
        try:
            return self._root.run(answers, current)
        except Exception:  # a rule must never break a conversation
            log.debug("expression %r failed at runtime", self.source, exc_info=True)
            return None

    def references(self) -> frozenset[str]:
        """The names used as ${name}, with the inputs of the calculations it reads."""
        return self._refs

    def uses_current(self) -> bool:
        """Whether the expression reads the current answer '.'."""
        return self._current


def compared_literals(expression: Expression) -> list[tuple[str, str]]:
    """(name, text) pairs the expression compares directly: ${q} = 'x', 'x' != ${q},
    selected(${q}, 'x'). The loader checks each text is a value q can hold."""
    pairs: list[tuple[str, str]] = []
    stack = [expression._root]
    while stack:
        node = stack.pop()
        stack.extend(_children(node))
        if isinstance(node, _Chain):
            operands = (node.first, *node.rest)
            for index, op in enumerate(node.ops):
                if op in ("=", "!="):
                    pairs.extend(_literal_pair(operands[index], operands[index + 1]))
        elif isinstance(node, _Call) and node.name == "selected" and len(node.args) == 2:
            pairs.extend(_literal_pair(*node.args))
    return pairs


def _literal_pair(left: Any, right: Any) -> list[tuple[str, str]]:
    for ref, const in ((left, right), (right, left)):
        if isinstance(ref, _Ref) and isinstance(const, _Const) and isinstance(const.value, str):
            return [(ref.name, const.value)]
    return []


def _rebuild(source: str, calculations: Any, choice_fields: bool) -> Expression:
    return Expression(source, calculations, choice_fields=choice_fields)


def parse_expression(
    source: str,
    calculations: Mapping[str, Expression] | None = None,
    *,
    choice_fields: bool = False,
) -> Expression:
    """Parse source text once; raises ExpressionError with a short message and a position.

    `calculations` (name -> Expression) are the form's `calculate` fields: ${name} then reads
    the calculation's value computed from the same answers. With `choice_fields` (a
    choice_filter) a bare name such as `county` reads that column of the choice filtered."""
    return Expression(source, calculations, choice_fields=choice_fields)
