"""Source text to a tree: the tokenizer, a precedence-climbing parser, and the checks of
size, depth and cost made once per expression."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from reportbot.forms.diagnostics import said
from reportbot.forms.expression_nodes import (
    FUNCTIONS,
    CalcRef,
    Call,
    Chain,
    Const,
    Current,
    ExpressionError,
    Field,
    Logic,
    Neg,
    Ref,
    children,
    fail,
    regex_code,
)
from reportbot.forms.expression_paths import (
    UNSUPPORTED,
    PathParsing,
    compared,
    lookup_cost,
)
from reportbot.forms.xpath_lookup import Lookup, current_lists
from reportbot.forms.xpath_values import MAX_PATTERN, _compiled, _text

MAX_SOURCE = 1000
MAX_DEPTH = 50
_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<ref>\$\{[A-Za-z_][A-Za-z0-9_.-]{0,63}(?:\[\d{1,3}\])?\})
    |(?P<num>\d+(?:\.\d*)?|\.\d+)
    |(?P<str>'[^']*'|"[^"]*")
    |(?P<name>(?:[A-Za-z_][A-Za-z0-9_]*:)?[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)
    |(?P<op>!=|<=|>=|\.\.|[=<>+\-*(),./\[\]])""",
    re.VERBOSE | re.ASCII,
)
_KEYWORDS = frozenset({"and", "or", "div", "mod"})
_CURLY_QUOTES = frozenset("‘’“”")
_BINARY = {"or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4}
_BINARY.update({"+": 5, "-": 5, "*": 6, "div": 6, "mod": 6})


class Token(NamedTuple):
    kind: str  # num, str, ref, name, op, end
    text: str
    pos: int


def tokenize(source: str) -> list[Token]:
    """The tokens of `source`, spaces dropped, ending with an `end` token."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            char = source[pos]
            if char in "'\"":
                raise fail("expr_unterminated_string", pos)
            if char in _CURLY_QUOTES:  # Excel's autocorrect turned ' into ‘ or ’
                raise fail("expr_curly_quote", pos, value=char)
            if source.startswith("${last-saved#", pos):
                raise fail("expr_last_saved", pos)
            if source.startswith("${", pos):
                closed = source.find("}", pos) != -1
                code = "expr_invalid_reference" if closed else "expr_unterminated_reference"
                raise fail(code, pos)
            raise fail("expr_unexpected_character", pos, value=repr(char))
        kind, text = match.lastgroup or "", match.group()
        if kind == "name" and text in _KEYWORDS:
            kind = "op"
        if kind != "ws":
            tokens.append(Token(kind, text, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


class Parser(PathParsing):
    """Precedence climbing over the token list; `depth` bounds the recursion."""

    def __init__(
        self,
        source: str,
        calculations: Mapping[str, Any] | None = None,
        fields: bool = False,
        lists: Mapping[str, Any] | None = None,
    ) -> None:
        self.fields = fields  # bare names are choice columns (choice_filter, predicates)
        self.in_predicate = False  # inside instance(..)/root/item[...]
        self.tokens = tokenize(source)
        self.index = 0
        self.depth = 0
        self.calculations = calculations or {}
        self.lists = lists if lists is not None else current_lists()

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def peek_op(self) -> str | None:
        token = self.tokens[self.index]
        return token.text if token.kind == "op" else None

    @staticmethod
    def unexpected(token: Token) -> ExpressionError:
        if token.kind == "end":
            return fail("expr_unexpected_end", token.pos)
        return fail("expr_unexpected", token.pos, value=repr(token.text))

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
                left = Logic(ops[0] == "and", (left, *rest))
            elif power <= 4:  # a comparison: a lookup compares node by node
                left = compared(left, ops, rest)
            else:
                left = Chain(left, tuple(ops), tuple(rest))
        return left

    def unary(self) -> Any:
        token = self.tokens[self.index]
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise fail("expr_too_deep", token.pos)
            if token.kind == "op" and token.text == "-":
                self.take()
                return Neg(self.unary())
            node = self.primary()
            if self.peek_op() in ("/", "["):  # a path that is not a choice-list lookup
                raise fail("expr_path_unsupported", self.tokens[self.index].pos)
            return node
        finally:
            self.depth -= 1

    def primary(self) -> Any:
        token = self.take()
        if token.kind == "num":
            return Const(Decimal(token.text) if "." in token.text else int(token.text))
        if token.kind == "str":
            return Const(token.text[1:-1])
        if token.kind == "ref":
            name = token.text[2:-1]
            if name in self.calculations:
                return CalcRef(name, self.calculations[name])
            return Ref(name)
        if token.kind == "op" and token.text == ".":
            if self.in_predicate:  # the item itself: not read by a lookup
                raise fail("expr_path_unsupported", token.pos)
            return Current()
        if token.kind == "op" and token.text == "..":  # the parent node: only in position(..)
            return Const("")
        if token.kind == "op" and token.text == "/":
            raise fail("expr_path_unsupported", token.pos)
        if token.kind == "op" and token.text == "(":
            node = self.expr(0)
            if self.peek_op() != ")":
                raise fail("expr_expected_paren", self.tokens[self.index].pos)
            self.take()
            return node
        if token.kind == "name":
            if self.peek_op() in ("/", "["):  # an XPath path: only choice-list lookups
                raise fail("expr_path_unsupported", token.pos)
            if self.peek_op() != "(" and self.fields:
                return Field(token.text)
            if self.peek_op() != "(":
                raise fail("expr_unknown_name", token.pos, value=repr(token.text))
            if token.text == "instance":
                return self.lookup(token)
            return self.call(token)
        raise self.unexpected(token)

    def arguments(self) -> tuple[list[Any], list[int]]:
        """The arguments of a call, its '(' next: (nodes, where each starts)."""
        self.take()  # '('
        args: list[Any] = []
        starts: list[int] = []
        if self.peek_op() == ")":
            self.take()
            return args, starts
        while True:
            starts.append(self.tokens[self.index].pos)
            args.append(self.expr(0))
            token = self.take()
            if token.kind == "op" and token.text == ")":
                return args, starts
            if not (token.kind == "op" and token.text == ","):
                raise fail("expr_expected_comma", token.pos)

    def call(self, name: Token) -> Any:
        unsupported = UNSUPPORTED.get(name.text)
        if unsupported is not None:
            raise fail("expr_unsupported_function", name.pos, value=name.text, reason=unsupported)
        spec = FUNCTIONS.get(name.text)
        if spec is None and name.text != "pulldata":
            raise fail("expr_unknown_function", name.pos, value=repr(name.text))
        args, starts = self.arguments()
        if name.text == "pulldata":
            return self.pulldata(name, args)
        if not args and name.text in ("normalize-space", "string-length"):
            args = [Current()]  # ODK: without an argument, the current answer
        low, high, impl, lazy = spec  # type: ignore[misc]
        if len(args) < low or (high is not None and len(args) > high):
            count = f"{low}" if low == high else f"at least {low}"
            plural = "" if low == high == 1 else "s"
            many = {"vi": f"{low} đối số" if low == high else f"ít nhất {low} đối số"}
            many["en"] = f"{count} argument{plural}"
            raise fail("expr_argument_count", name.pos, count=many, value=name.text)
        if name.text == "weighted-checklist" and len(args) % 2:
            many = {"vi": "số chẵn đối số", "en": "an even number of arguments"}
            raise fail("expr_argument_count", name.pos, count=many, value=name.text)
        if name.text == "regex" and isinstance(args[1], Const):
            problem = _compiled(_text(args[1].value)[: MAX_PATTERN + 1])
            if isinstance(problem, str):
                raise fail(regex_code(problem), starts[1], limit=MAX_PATTERN)
        return Call(name.text, tuple(self.nodesets(name.text, args)), impl, lazy)


MAX_COST = 10_000  # nodes one evaluation may visit, calculations expanded


def parse_tree(
    source: str,
    calculations: Mapping[str, Any] | None = None,
    fields: bool = False,
    lists: Mapping[str, Any] | None = None,
) -> tuple[Any, frozenset[str], bool, int]:
    """Parse and check once: (root, names read, whether `.` is read, cost in nodes)."""
    if not isinstance(source, str):
        raise ExpressionError(said("formrule:expr_not_text"), 0)
    if len(source) > MAX_SOURCE:
        raise ExpressionError(said("formrule:expr_too_long", limit=MAX_SOURCE), MAX_SOURCE)
    if not source.strip():
        raise ExpressionError(said("formrule:expr_empty"), 0)
    root = Parser(source, calculations, fields, lists).parse()
    refs: set[str] = set()
    uses_current = False
    cost = 0
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        cost += 1
        if depth > MAX_DEPTH:
            raise ExpressionError(said("formrule:expr_too_deep_whole"), 0)
        if isinstance(node, Ref):
            refs.add(node.name)
        if isinstance(node, CalcRef):  # its inputs are this expression's inputs too
            refs.add(node.name)
            refs.update(node.calculation.references())
            cost += node.calculation.cost
        if isinstance(node, Lookup):
            if node.column is None and not node.many:  # the items themselves: count() only
                raise fail("expr_instance_column", node.position)
            cost += lookup_cost(node)  # the rows it reads (nested lookups multiply)
        uses_current = uses_current or isinstance(node, Current)
        stack.extend((child, depth + 1) for child in children(node))
    if cost > MAX_COST:
        raise ExpressionError(said("formrule:expr_too_costly"), 0)
    return root, frozenset(refs), uses_current, cost
