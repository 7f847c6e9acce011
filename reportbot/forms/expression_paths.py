"""The parser's part for paths: `instance('list')/root/item[predicate]/column`, pulldata()
on a list of the choices sheet, and the ODK functions refused with a reason (a mixin of
`expression_parser.Parser`, which provides the tokens, `take`, `peek_op` and `expr`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from reportbot.forms.expression_nodes import Chain, Const, Field, children, fail
from reportbot.forms.xpath_lookup import NODESET_FUNCTIONS, Lookup, keyed_index
from reportbot.vocabulary.catalogue import register

# ODK functions the bot knows and refuses, with the reason the admin reads
UNSUPPORTED: dict[str, dict[str, str]] = {
    "jr:itext": {
        "vi": "bot hiển thị nhãn theo ngôn ngữ của từng người, hãy viết thẳng chữ cần hiện",
        "en": "the bot shows labels in each person's language; write the text itself",
    },
    "current": {
        "vi": "đường dẫn current()/.. chưa được hỗ trợ, hãy dùng ${name} (name: tên câu hỏi)",
        "en": "current()/.. paths are not supported; use ${name} (name: the question's name)",
    },
    "randomize": {
        "vi": "bot liệt kê lựa chọn theo thứ tự trong biểu mẫu",
        "en": "the bot lists choices in the form's order",
    },
    "version": {
        "vi": "bot không đọc phiên bản biểu mẫu trong biểu thức",
        "en": "the bot does not read the form version in expressions",
    },
    "property": {
        "vi": "bot không có thuộc tính thiết bị như ODK Collect",
        "en": "the bot has no device properties like ODK Collect's",
    },
    "extract-signed": {
        "vi": "dữ liệu có chữ ký (mã vạch ký số) chưa được hỗ trợ",
        "en": "signed data (signed barcodes) is not supported",
    },
}
register("xpath_refused", UNSUPPORTED)


def scan_cost(node: Any) -> int:
    """The nodes one run of a subtree visits, each lookup charged its rows (`lookup_cost`;
    a lookup inside another lookup's predicate multiplies). Recursive: a tree is at most
    MAX_DEPTH deep."""
    total = 1 + sum(scan_cost(child) for child in children(node))
    if isinstance(node, Lookup):
        total += lookup_cost(node)
    return total


def lookup_cost(node: Lookup) -> int:
    """The rows one run of a lookup reads beyond its own subtree: a predicate runs once per
    row; a keyed look-up reads the most rows one value matches (every row when the value is
    another lookup's node-set: a row matching any node); without a predicate, every row
    when every node is used (a node-set function, a comparison), else the first."""
    rows = len(node.rows)
    if node.predicate is not None:
        return rows * scan_cost(node.predicate)
    if node.key is not None and node.index is not None:
        value = node.key[1]
        if isinstance(value, Const):  # known now: exactly the rows it matches
            return len(node.index.positions(value.value))
        return rows if _reads_lookup(value) else node.index.widest()
    return rows if node.many else 1


class PathParsing:
    """instance() paths and pulldata(), parsed into `Lookup` nodes."""

    tokens: list[Any]
    index: int
    fields: bool
    in_predicate: bool
    lists: Mapping[str, Any]
    take: Any
    peek_op: Any
    expr: Any
    arguments: Any

    def expect(self, kind: str, text: str | None, code: str) -> Any:
        token = self.take()
        if token.kind != kind or (text is not None and token.text != text):
            raise fail(code, token.pos)
        return token

    def lookup(self, name: Any) -> Lookup:
        """instance('list')/root/item, an optional [predicate], an optional /column."""
        self.take()  # '('
        literal = self.tokens[self.index]
        if literal.kind != "str":
            raise fail("expr_instance_literal", literal.pos)
        self.take()
        self.expect("op", ")", "expr_instance_literal")
        list_name = literal.text[1:-1]
        rows = self.lists.get(list_name)
        if rows is None:
            raise fail("expr_instance_unknown", literal.pos, value=repr(list_name))
        for step in ("root", "item"):
            self.expect("op", "/", "expr_instance_path")
            self.expect("name", step, "expr_instance_path")
        predicate = None
        if self.peek_op() == "[":
            self.take()
            saved = self.fields, self.in_predicate
            self.fields, self.in_predicate = True, True
            predicate = self.expr(0)
            self.fields, self.in_predicate = saved
            self.expect("op", "]", "expr_instance_path")
        column = None
        if self.peek_op() == "/":
            self.take()
            column = self.expect("name", None, "expr_instance_path").text
        return make_lookup(list_name, rows, predicate, column, name.pos)

    def pulldata(self, name: Any, args: list[Any]) -> Lookup:
        """pulldata('list', 'column', 'key column', value): ODK's shortcut for
        instance('list')/root/item[key column = value]/column."""
        if len(args) != 4 or not all(isinstance(a, Const) for a in args[:3]):
            raise fail("expr_pulldata_shape", name.pos)
        list_name, column, key = (str(a.value) for a in args[:3])
        rows = self.lists.get(list_name)
        if rows is None:
            raise fail("expr_pulldata_csv", name.pos, value=list_name)
        predicate = Chain(Field(key), ("=",), (args[3],))
        return make_lookup(list_name, rows, predicate, column, name.pos)

    def nodesets(self, function: str, args: list[Any]) -> list[Any]:
        """The arguments, a lookup marked as giving every node where `function` takes a
        node-set."""
        if function not in NODESET_FUNCTIONS:
            return args
        return [replace(a, many=True) if isinstance(a, Lookup) else a for a in args]


def _fields(node: Any) -> bool:
    """Whether a subtree reads a column of the row (a Field)."""
    return _holds(node, Field)


def _reads_lookup(node: Any) -> bool:
    """Whether a subtree holds a lookup (its value may be a node-set)."""
    return _holds(node, Lookup)


def _holds(node: Any, kind: type) -> bool:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, kind):
            return True
        stack.extend(children(item))
    return False


def compared(left: Any, ops: list[str], rest: list[Any]) -> Chain:
    """A chain of comparisons whose lookups give every node (XPath compares a node-set node
    by node); two lookups compared with each other are refused (every pair of rows)."""
    operands = [left, *rest]
    for index in range(len(ops)):
        pair = operands[index : index + 2]
        if all(isinstance(o, Lookup) for o in pair):
            raise fail("expr_lookup_compare", pair[1].position)
    marked = [replace(o, many=True) if isinstance(o, Lookup) else o for o in operands]
    return Chain(marked[0], tuple(ops), tuple(marked[1:]))


def make_lookup(
    list_name: str, rows: Any, predicate: Any, column: str | None, position: int
) -> Lookup:
    """The lookup node; `column = value` (value not reading the row) becomes a keyed one."""
    if isinstance(predicate, Chain) and predicate.ops == ("=",):
        left, right = predicate.first, predicate.rest[0]
        for field, value in ((left, right), (right, left)):
            if isinstance(field, Field) and not _fields(value):
                index = keyed_index(rows, field.name)
                key = (field.name, value)
                return Lookup(list_name, rows, None, key, column, False, position, index)
    return Lookup(list_name, rows, predicate, None, column, False, position)
