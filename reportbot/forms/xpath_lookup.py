"""Choice-list lookups: ODK's `instance('list')/root/item[name = ${q}]/column` (and pulldata
on a list of the choices sheet), read from the lists the form carries.

ODK (pyxform) writes each list of the choices sheet as a secondary instance whose items have
one child per column (name, label, and the extra columns); a form reads an extra column of
the chosen item with that path. Here the lists a form's expressions name travel with the
template (`lists:`), and are made known to the parser while a template is checked
(`lookup_lists`). As in XPath, such a path used as a value gives its first node in document
order (empty when none matches); as the argument of a node-set function (count, sum, max,
min, join, concat, count-non-empty) or compared with a value it gives every node (a
comparison is true when one node passes). A numeric predicate (`item[2]`)
picks by position, and position() in a predicate is the item's number. Work is bounded: a
keyed predicate (`column = value`) is a dictionary look-up, any other predicate costs
rows x its size against the expression's cost limit.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reportbot.forms.xpath_values import NodeSet, _equal, _norm, truthy

Row = Mapping[str, str]
Table = tuple[Row, ...]
Lists = Mapping[str, Table]

MAX_LISTS = 50  # lists one form may look up
MAX_ROWS = 20_000  # rows of all of them together
MAX_COLUMNS = 64  # columns per row (name and label included)
# the functions whose argument is a node-set: a lookup there gives every node
NODESET_FUNCTIONS = frozenset({"count", "sum", "max", "min", "join", "concat", "count-non-empty"})

_LISTS: ContextVar[Lists | None] = ContextVar("lookup_lists", default=None)


@contextmanager
def lookup_lists(lists: Lists | None) -> Iterator[None]:
    """Make `lists` the ones `instance('name')` finds while a template is checked."""
    token = _LISTS.set(lists)
    try:
        yield
    finally:
        _LISTS.reset(token)


def current_lists() -> Lists:
    """The lists set by `lookup_lists` (none outside it)."""
    return _LISTS.get() or {}


@dataclass(frozen=True, slots=True)
class Lookup:
    """instance(list)/root/item[predicate]/column, resolved against the list's rows."""

    list_name: str
    rows: Table = field(compare=False, repr=False)
    predicate: Any = None  # any predicate, run per row with the row's columns as names
    key: tuple[str, Any] | None = None  # a keyed predicate: (column, node giving the value)
    column: str | None = None  # None: the items themselves (count() only)
    many: bool = False  # a node-set function's argument
    position: int = field(default=0, compare=False)  # in the source, for error messages
    index: Mapping[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    def run(self, answers: Mapping[str, Any], current: Any) -> Any:
        found = self.matches(answers, current)
        values = NodeSet(row.get(self.column or "name", "") for row in found)
        if self.many:
            return values
        return values[0] if values else ""

    def matches(self, answers: Mapping[str, Any], current: Any) -> list[Row]:
        """The rows the predicate keeps, in the list's order."""
        if self.key is not None:
            column, node = self.key
            value = _norm(node.run(answers, current))
            if isinstance(value, str):
                return [self.rows[i] for i in self.index.get(value, ())]
            return [row for row in self.rows if _equal(row.get(column, ""), value)]
        if self.predicate is None:
            return list(self.rows)
        kept = []
        for number, row in enumerate(self.rows, start=1):
            item = {"__choice__": row, "__position__": number}  # position() reads it
            scope = ChainMap(item, answers)  # type: ignore[arg-type]
            result = self.predicate.run(scope, current)
            if isinstance(result, int | Decimal) and not isinstance(result, bool):
                if result == number:  # XPath: a number in a predicate is a position
                    kept.append(row)
            elif truthy(result):
                kept.append(row)
        return kept


def keyed_index(rows: Table, column: str) -> dict[str, tuple[int, ...]]:
    """Column text -> the positions of the rows holding it."""
    index: dict[str, list[int]] = {}
    for number, row in enumerate(rows):
        index.setdefault(row.get(column, ""), []).append(number)
    return {text: tuple(numbers) for text, numbers in index.items()}


def read_lists(raw: Any) -> tuple[Lists, str | None]:
    """A template's `lists:` ({name: [{column: text}]}) as tables, and what is wrong with it
    (None when nothing is); an absent key is no list."""
    if raw is None:
        return {}, None
    if not isinstance(raw, Mapping) or len(raw) > MAX_LISTS:
        return {}, "shape"
    lists: dict[str, Table] = {}
    total = 0
    for name, items in raw.items():
        if not isinstance(name, str) or not isinstance(items, list):
            return {}, "shape"
        total += len(items)
        if total > MAX_ROWS:
            return {}, "size"
        rows = []
        for item in items:
            if not isinstance(item, Mapping) or len(item) > MAX_COLUMNS:
                return {}, "shape"
            rows.append({str(k): "" if v is None else str(v) for k, v in item.items()})
        lists[name] = tuple(rows)
    return lists, None


def lists_definition(lists: Lists) -> dict[str, list[dict[str, str]]]:
    """The stored (JSON) form of a template's lists."""
    return {name: [dict(row) for row in rows] for name, rows in lists.items()}
