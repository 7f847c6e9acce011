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
keyed predicate (`column = value`) is a dictionary look-up whatever the value's type (text,
number, date, true/false: `KeyIndex`), any other predicate costs rows x its size against the
expression's cost limit, and a lookup giving every node costs its rows.
"""

from __future__ import annotations

import threading
from collections import ChainMap, OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from reportbot.forms.xpath_values import NodeSet, _date, _empty, _flat, _norm, _num, _text, truthy

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
    index: KeyIndex | None = field(default=None, compare=False, repr=False)  # for `key`

    def run(self, answers: Mapping[str, Any], current: Any) -> Any:
        found = self.matches(answers, current)
        values = NodeSet(row.get(self.column or "name", "") for row in found)
        if self.many:
            return values
        return values[0] if values else ""

    def matches(self, answers: Mapping[str, Any], current: Any) -> list[Row]:
        """The rows the predicate keeps, in the list's order."""
        if self.key is not None and self.index is not None:
            value = self.key[1].run(answers, current)
            if isinstance(value, NodeSet):  # another lookup's nodes: a row matching any
                # each distinct node once: 5,000 nodes of one value would otherwise add the
                # same matching rows 5,000 times (the cost charged is the rows, not nodes × rows)
                distinct = dict.fromkeys(value)
                found = sorted({i for node in distinct for i in self.index.positions(node)})
                return [self.rows[i] for i in found]
            return [self.rows[i] for i in self.index.positions(_norm(value))]
        if self.predicate is None:  # as a value only the first node is read
            return list(self.rows if self.many else self.rows[:1])
        kept: list[Row] = []
        for number, row in enumerate(self.rows, start=1):
            item = {"__choice__": row, "__position__": number}  # position() reads it
            scope = ChainMap(item, answers)  # type: ignore[arg-type]
            result = self.predicate.run(scope, current)
            if isinstance(result, int | Decimal) and not isinstance(result, bool):
                if result == number:  # XPath: a number in a predicate is a position
                    kept.append(row)
            elif truthy(result):
                kept.append(row)
            if kept and not self.many:  # as a value only the first node is read
                break
        return kept


@dataclass(frozen=True, slots=True)
class KeyIndex:
    """A keyed column's row positions under each form its text takes when compared with `=`
    (as `_equal` compares a row's text with a value): the text itself, its number, its date,
    the flag it stands for. Every value type is then a dictionary read, never a scan."""

    texts: Mapping[str, tuple[int, ...]]
    numbers: Mapping[int | Decimal, tuple[int, ...]]
    dates: Mapping[date, tuple[int, ...]]
    flags: Mapping[bool, tuple[int, ...]]

    def widest(self) -> int:
        """The most rows one value can match (the cost of a look-up)."""
        tables = (self.texts, self.numbers, self.dates, self.flags)
        return max((len(hits) for table in tables for hits in table.values()), default=0)

    def positions(self, value: Any) -> tuple[int, ...]:
        """The rows whose text equals `value` (a value of the expression model), in order;
        the cases in `_equal`'s order."""
        value = _flat(value)
        if _empty(value):
            return self.texts.get("", ())
        if isinstance(value, bool):
            return self.flags[value]
        if isinstance(value, date):
            return self.dates.get(value, ())
        if isinstance(value, int | Decimal):
            number = _num(value)
            return () if number is None else self.numbers.get(number, ())
        return self.texts.get(_text(value), ())


# Indexes already built, by (the list's identity, column): a form with 40 look-ups on one
# 10,000-row list built the same index 40 times at upload (~20 ms each). The list is kept
# with its index, so its id cannot be reused while the entry lives; bounded, oldest out.
_INDEXES: OrderedDict[tuple[int, str], tuple[Table, KeyIndex]] = OrderedDict()
_INDEXES_KEPT = 64
_INDEXES_LOCK = threading.Lock()  # forms are parsed in worker threads too


def keyed_index(rows: Table, column: str) -> KeyIndex:
    """The index of `column` over `rows` (built once per list and column, when parsed)."""
    key = (id(rows), column)
    with _INDEXES_LOCK:
        kept = _INDEXES.get(key)
        if kept is not None and kept[0] is rows:
            _INDEXES.move_to_end(key)
            return kept[1]
    index = _build_index(rows, column)
    with _INDEXES_LOCK:
        _INDEXES[key] = (rows, index)
        while len(_INDEXES) > _INDEXES_KEPT:
            _INDEXES.popitem(last=False)
    return index


def _build_index(rows: Table, column: str) -> KeyIndex:
    tables: tuple[dict[Any, list[int]], ...] = ({}, {}, {}, {False: [], True: []})
    texts, numbers, dates, flags = tables
    for number, row in enumerate(rows):
        text = row.get(column, "")
        texts.setdefault(text, []).append(number)
        if not text:  # an empty text equals only an empty value
            continue
        as_number, as_date = _num(text), _date(text)
        if as_number is not None:
            numbers.setdefault(as_number, []).append(number)
        if as_date is not None:
            dates.setdefault(as_date, []).append(number)
        word = text.strip().lower()
        if word in ("true", "yes", "false", "no"):
            flags[word in ("true", "yes")].append(number)
        elif as_number in (0, 1):
            flags[as_number == 1].append(number)
    frozen = [{key: tuple(hits) for key, hits in table.items()} for table in tables]
    return KeyIndex(*frozen)


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
