"""The value model of form expressions: XLSForm truthiness, numbers, texts, dates, how
they compare and add up, and regular expressions on a linear-time engine (RE2).

Every helper is total: odd input gives None or an empty value, never an exception that
could reach a conversation."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from functools import lru_cache
from typing import Any

import re2

MAX_PATTERN = 200
MAX_REGEX_INPUT = 100_000  # RE2 is linear: 100,000 characters take about a millisecond
_MAX_INT_BITS = 3400  # about 1000 digits; bigger integers count as non-numeric
_DEC = Context(prec=28, Emax=999, Emin=-999, traps=[InvalidOperation, DivisionByZero, Overflow])
_DOUBLE_DIGITS = 17  # an IEEE double's text never needs more significant digits
_NUMERIC = re.compile(r"\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*", re.ASCII)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


# --- values -------------------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list) and not value)


def truthy(value: Any) -> bool:
    """XLSForm truthiness: '', None, 0, False and [] are false; anything else is true."""
    if _empty(value):
        return False
    if isinstance(value, int | Decimal):
        return value != 0
    return True


def _norm(value: Any) -> Any:
    """Bring an answer into the value model; unknown types become empty."""
    if value is None or isinstance(value, str | int | Decimal):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_text(_norm(item)) if not isinstance(item, list | tuple) else "" for item in value]
    return None


def _num(value: Any) -> int | Decimal | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value if value.bit_length() <= _MAX_INT_BITS else None
    if isinstance(value, Decimal):
        return value if value.is_finite() and abs(value.adjusted()) <= 999 else None
    if isinstance(value, list):
        value = " ".join(value)
    if isinstance(value, str) and len(value) <= 100 and _NUMERIC.fullmatch(value):
        text = value.strip()
        return Decimal(text) if "." in text else int(text)
    return None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if value.bit_length() <= _MAX_INT_BITS else ""
    if isinstance(value, Decimal):
        if not value.is_finite() or abs(value.adjusted()) > 999:
            return str(value)
        if len(value.as_tuple().digits) > _DOUBLE_DIGITS:
            # a quotient cut at 28 digits (1 div 3) is written as ODK writes the double:
            # its shortest text, 0.3333333333333333 (Web Forms, and Collect's Double.toString)
            value = Decimal(repr(float(value)))
        return format(value.normalize(_DEC), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return " ".join(value)
    return ""


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


class NodeSet(list):
    """Every node a choice-list lookup found (a plain list is a multiple choice's answer:
    one node holding "a b c")."""


def _flat(value: Any) -> Any:
    return " ".join(value) if isinstance(value, list) else value


def _some(test: Callable[[Any, Any], bool], a: Any, b: Any) -> bool:
    """XPath's comparison of a node-set with a value: true if one of its nodes passes (an
    empty node-set never does). Only one side is ever a node-set (the parser sees to it)."""
    if isinstance(a, NodeSet):
        return any(test(node, b) for node in a)
    return any(test(a, node) for node in b)


# A text answer that names a yes/no flag compares with true()/false() as that flag: the bot's
# yes_no answers ("yes"/"no") and the 1/0 choice lists of XLSForms (forms/XPATH.md: XPath's
# boolean('no') is true, which turns `${co} = true()` on for "no" too).
_FLAG_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def _as_flag(value: Any) -> bool:
    """A value compared with true() or false(), as XPath's boolean() (a number: not 0; a
    text: not empty), but for a text naming a flag (_FLAG_WORDS)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return value != 0
    if isinstance(value, str) and len(value) <= 8:
        flag = _FLAG_WORDS.get(value.strip().lower())
        if flag is not None:
            return flag
    return not _empty(value)  # XPath: boolean('') is false, so false() = '' holds


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, NodeSet) or isinstance(b, NodeSet):
        return _some(_equal, a, b)
    a, b = _flat(a), _flat(b)
    if isinstance(a, bool) or isinstance(b, bool):
        flag, other = (a, b) if isinstance(a, bool) else (b, a)
        return flag is _as_flag(other)
    if _empty(a) or _empty(b):
        return _empty(a) and _empty(b)
    if isinstance(a, date) or isinstance(b, date):
        left = _date(a)
        return left is not None and left == _date(b)
    if isinstance(a, int | Decimal) or isinstance(b, int | Decimal):
        left, right = _num(a), _num(b)
        return left is not None and right is not None and left == right
    return _text(a) == _text(b)


def _not_equal(a: Any, b: Any) -> bool:
    if isinstance(a, NodeSet) or isinstance(b, NodeSet):  # some node differs
        return _some(_not_equal, a, b)
    return not _equal(a, b)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal)  # bool is an int: true() > 'abc' is NaN too


def _order(compare: Callable[[Any, Any], bool], a: Any, b: Any) -> bool:
    if isinstance(a, NodeSet) or isinstance(b, NodeSet):
        return _some(lambda x, y: _order(compare, x, y), a, b)
    a, b = _flat(a), _flat(b)
    if _empty(a) or _empty(b):
        return False
    left, right = _num(a), _num(b)
    if left is None or right is None:
        if _is_number(a) or _is_number(b):
            # XPath orders a number against the other side read as a number: a text that is
            # no number is NaN, never ordered (`${t} > 5` with t = 'abc' is false, as ODK)
            return False
        left, right = _date(a), _date(b)
        if left is None or right is None:
            left, right = _text(a), _text(b)
    return compare(left, right)


def _date_arith(op: str, a: Any, b: Any) -> Any:
    left, right = _date(a), _date(b)
    if left is not None and right is not None:
        return (left - right).days if op == "-" else None
    if op not in ("+", "-") or (op == "-" and left is None):
        return None
    day, amount = (left, _num(b)) if left is not None else (right, _num(a))
    if day is None or amount is None:
        return None
    return day + timedelta(days=int(amount) * (-1 if op == "-" else 1))


_DECIMAL_OPS = {"+": _DEC.add, "-": _DEC.subtract, "*": _DEC.multiply, "div": _DEC.divide}
_DECIMAL_OPS["mod"] = _DEC.remainder  # truncating, like XPath


def _arith(op: str, a: Any, b: Any) -> Any:
    try:
        if isinstance(a, date) or isinstance(b, date):
            return _date_arith(op, a, b)
        x, y = _num(a), _num(b)
        if x is None or y is None or (op in ("div", "mod") and y == 0):
            return None
        if isinstance(x, int) and isinstance(y, int) and op != "div":
            if op == "mod":  # XPath mod keeps the dividend's sign
                rest = abs(x) % abs(y)
                return -rest if x < 0 else rest
            result = x + y if op == "+" else x - y if op == "-" else x * y
            return result if result.bit_length() <= _MAX_INT_BITS else None
        result = _DECIMAL_OPS[op](Decimal(x), Decimal(y))
        if op == "div" and result == result.to_integral_value():
            return int(result)
        return result
    except (ArithmeticError, ValueError):
        return None


def _binary_op(name: str) -> Callable[[Any, Any], Any]:
    if name in ("=", "!="):
        return _equal if name == "=" else _not_equal
    compare = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
    if name in compare:
        test = compare[name]
        return lambda a, b: _order(test, a, b)
    return lambda a, b: _arith(name, a, b)


_OPS = {
    name: _binary_op(name)
    for name in ("=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod")
}


# --- regular expressions ------------------------------------------------------------------
# Template patterns run on RE2 (google-re2), whose matching time is linear in the input: no
# pattern can backtrack catastrophically, so no template can block the event loop. Patterns
# RE2 cannot run in linear time (back-references, look-around) do not compile and are
# refused when the template is validated. `max_mem` bounds the compiled automaton.


def _re2_options() -> re2.Options:
    options = re2.Options()
    options.max_mem = 8 << 20
    options.log_errors = False  # a refused pattern is reported to the admin, not to stderr
    return options


_RE2_OPTIONS = _re2_options()


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    """Return the compiled pattern, or a short reason why it is refused."""
    if len(pattern) > MAX_PATTERN:
        return f"regex pattern longer than {MAX_PATTERN} characters"
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as exc:
        detail = str(exc.args[0] if exc.args else exc)
        if isinstance(exc.args[0] if exc.args else None, bytes):
            detail = exc.args[0].decode("utf-8", "replace")
        if "perl operator" in detail or "escape sequence" in detail:
            return "regex pattern uses back-references or look-around, which cannot be bounded"
        return "invalid regex pattern"
    except (TypeError, ValueError, OverflowError):
        return "invalid regex pattern"


def _regex(value: Any, pattern: Any) -> bool:
    text, source = _text(value), _text(pattern)
    if len(text) > MAX_REGEX_INPUT or len(source) > MAX_PATTERN:
        return False
    compiled = _compiled(source)
    return not isinstance(compiled, str) and compiled.search(text) is not None
