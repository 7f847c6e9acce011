"""The XPath / ODK functions real XLSForms use, beyond the core ones in expression_nodes.py.

Semantics follow JavaRosa (ODK Collect's engine, as documented in the ODK XForms spec
https://getodk.github.io/xforms-spec/#xpath-functions): `substr` is 0-based with an exclusive
end (negative: from the end), `round` rounds half away from zero, `selected-at` is 0-based,
`date(n)` counts days from 1970-01-01. Outside a repeat, `position(..)` is 1 and `count(x)`
counts one node. Results that ODK would show as NaN or Infinity are empty here. Every
function is total and bounded: none raises on odd input and none does unbounded work.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportbot.forms import clock
from reportbot.forms import xpath_values as ex
from reportbot.forms.xpath_geo import GEO_FUNCTIONS
from reportbot.forms.xpath_library import LIBRARY

_EPOCH = date(1970, 1, 1)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MAX_TEXT = 100_000


def _numbers(values: tuple[Any, ...]) -> list[int | Decimal] | None:
    items: list[Any] = []
    for value in values:
        items.extend(value if isinstance(value, list) else [value])
    numbers = [ex._num(item) for item in items if not ex._empty(item)]
    return None if any(n is None for n in numbers) else numbers  # type: ignore[return-value]


def _substr(value: Any, start: Any, end: Any = None) -> str:
    """JavaRosa's substr: a negative start or end counts from the end ('hello', -2 is
    'lo'), both then clamped to the text, and an end before the start gives ''; that is
    exactly Python's slice."""
    text = ex._text(value)
    first = ex._num(start)
    last = len(text) if end is None else ex._num(end)
    if first is None or last is None:
        return ""
    return text[int(first) : int(last)]


def _round(value: Any, places: Any = 0) -> Any:
    number, digits = ex._num(value), ex._num(places)
    if number is None or digits is None or not -30 <= digits <= 30:
        return ""
    result = Decimal(number).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    return int(result) if int(digits) <= 0 else result


def _pow(base: Any, exponent: Any) -> Any:
    x, y = ex._num(base), ex._num(exponent)
    if x is None or y is None:
        return ""
    if isinstance(x, int) and isinstance(y, int) and 0 <= y <= 10_000:
        if x.bit_length() * y > ex._MAX_INT_BITS:
            return ""
        return x**y
    try:
        return ex._DEC.power(Decimal(x), Decimal(y))
    except ArithmeticError:
        return ""


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def run(*values: Any) -> Any:
        numbers = _numbers(values)
        return pick(numbers) if numbers else ""

    return run


def _sum(*values: Any) -> Any:
    numbers = _numbers(values)
    if numbers is None:
        return ""
    total: int | Decimal = 0
    for number in numbers:
        total = ex._arith("+", total, number)
    return total


def _count(value: Any) -> int:
    """count(): the nodes of a lookup; any answer is one node, a multiple choice too (ODK:
    count(${multi}) is 1 whatever is ticked; count-selected counts the choices). A repeat's
    count(${q}) is written out as its number of entries (forms.repeat_expand)."""
    return len(value) if isinstance(value, ex.NodeSet) else 1


def _selected_at(value: Any, index: Any) -> str:
    items = value if isinstance(value, list) else ex._text(value).split()
    position = ex._num(index)
    if position is None or not 0 <= int(position) < len(items):
        return ""
    return items[int(position)]


def _choice_name(args: tuple[Any, ...], answers: Mapping[str, Any], current: Any) -> Any:
    """jr:choice-name(value, '${q}'): the label of `value` in q's list (labels are supplied
    by the caller under '__choice_labels__'; without them, the value itself)."""
    value = ex._text(args[0].run(answers, current))
    question = ex._text(args[1].run(answers, current)).strip()
    if question.startswith("${") and question.endswith("}"):
        question = question[2:-1]
    question = question.rsplit("/", 1)[-1]
    labels = answers.get("__choice_labels__") or {}
    return (labels.get(question) or {}).get(value, value)


def _now(args: tuple[Any, ...], answers: Mapping[str, Any], current: Any) -> datetime:
    given = answers.get("__now__")
    return given if isinstance(given, datetime) else clock.now()


def _to_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    number = ex._num(value)
    if number is not None and not isinstance(value, str | list):
        days = int(number)
        return _EPOCH + timedelta(days=days) if abs(days) < 2_900_000 else ""
    parsed = ex._date(ex._text(value)[:10]) if isinstance(value, str) else None
    return parsed if parsed is not None else ""


_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?", re.ASCII
)


def _moment(value: Any) -> Any:
    """A dateTime text as a datetime: a stored answer ("YYYY-MM-DDTHH:MM", local time) or an
    ODK one with seconds, milliseconds and an offset (then moved to Vietnam's time, the
    bot's device time, as decimal-time does)."""
    if isinstance(value, str) and _DATE_TIME.fullmatch(value.strip()):
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(clock.VIETNAM).replace(tzinfo=None)
            return moment
    return value


def _decimal_date_time(value: Any) -> Any:
    value = _moment(value)
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return (value.date() - _EPOCH).days + Decimal(seconds) / Decimal(86400)
    day = ex._date(value)
    return "" if day is None else (day - _EPOCH).days


def _format_date(value: Any, pattern: Any) -> str:
    value = _moment(value)
    day = value if isinstance(value, date) else ex._date(value)
    text = ex._text(pattern)
    if day is None or len(text) > 200:
        return ""
    moment = day if isinstance(day, datetime) else datetime(day.year, day.month, day.day)
    codes = {
        "Y": f"{moment.year:04d}", "y": f"{moment.year % 100:02d}", "m": f"{moment.month:02d}",
        "n": str(moment.month), "b": _MONTHS[moment.month - 1], "d": f"{moment.day:02d}",
        "e": str(moment.day), "a": _DAYS[moment.weekday()], "H": f"{moment.hour:02d}",
        "h": str(moment.hour), "M": f"{moment.minute:02d}", "S": f"{moment.second:02d}",
        "3": f"{moment.microsecond // 1000:03d}",
    }  # fmt: skip
    out, index = [], 0
    while index < len(text):
        if text[index] == "%" and index + 1 < len(text):
            out.append(codes.get(text[index + 1], text[index + 1]))
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def _to_moment(value: Any) -> Any:
    """date-time(x): a moment from a dateTime text, a date (its midnight) or a number of
    days since 1970-01-01 (a fraction is the time of day)."""
    value = _moment(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    number = ex._num(value)
    if number is not None and not isinstance(value, str | list) and -719_000 < number < 2_900_000:
        start = datetime(_EPOCH.year, _EPOCH.month, _EPOCH.day)
        return start + timedelta(seconds=round(Decimal(number) * 86400))  # years 1 to 9909
    day = ex._date(ex._text(value)[:10]) if isinstance(value, str) else None
    return "" if day is None else datetime(day.year, day.month, day.day)


_CLOCK = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?", re.ASCII)


def _decimal_time(value: Any) -> Any:
    """decimal-time('18:00:00.000+07:00') = 0.75: the share of the day in Vietnam's time
    (the bot's device time zone), a time with another offset moved to +07:00 first."""
    match = _CLOCK.fullmatch(ex._text(value).strip()[:40])
    if match is None:
        return ""
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return ""
    total = hours * 3600 + minutes * 60 + seconds
    if match[4]:
        offset = 0 if match[4] == "Z" else int(match[4][1:3]) * 3600 + int(match[4][4:]) * 60
        total += 7 * 3600 - (offset if match[4][0] != "-" else -offset)
    return ex._DEC.divide(Decimal(total % 86400), Decimal(86400))


def _position(args: tuple[Any, ...], answers: Mapping[str, Any], current: Any) -> int:
    """position(): in a lookup's predicate the item's number in its list (the lookup puts
    it under '__position__'); elsewhere 1, as every node outside a repeat is the first."""
    given = answers.get("__position__") if not args else None
    return given if isinstance(given, int) else 1


def _indexed_repeat(*args: Any) -> Any:
    """indexed-repeat(${q}, ${rep}, i): entry i of q. Within a report with repeats the
    first argument arrives as every entry's value (forms.repeats writes them out), then the
    repeat, then the 1-based index; anything else gives empty."""
    values, index = args[:-2], ex._num(args[-1])
    if index is None or not 1 <= int(index) <= len(values):
        return ""
    return values[int(index) - 1]


def _floor_or_ceiling(rounding: str) -> Callable[[Any], Any]:
    def run(value: Any) -> Any:
        number = ex._num(value)
        if number is None:
            return ""
        return int(Decimal(number).to_integral_value(rounding=rounding))

    return run


FUNCTIONS: dict[str, tuple[int, int | None, Callable[..., Any], bool]] = {
    "contains": (2, 2, lambda a, b: ex._text(b) in ex._text(a), False),
    "starts-with": (2, 2, lambda a, b: ex._text(a).startswith(ex._text(b)), False),
    "ends-with": (2, 2, lambda a, b: ex._text(a).endswith(ex._text(b)), False),
    "substr": (2, 3, _substr, False),
    "string": (1, 1, ex._text, False),
    "round": (1, 2, _round, False),
    "pow": (2, 2, _pow, False),
    "max": (1, None, _extreme(max), False),
    "min": (1, None, _extreme(min), False),
    "sum": (1, None, _sum, False),
    "count": (1, 1, _count, False),
    "selected-at": (2, 2, _selected_at, False),
    "jr:choice-name": (2, 2, _choice_name, True),
    "now": (0, 0, _now, True),
    "date": (1, 1, _to_date, False),
    "decimal-date-time": (1, 1, _decimal_date_time, False),
    "date-time": (1, 1, _to_moment, False),
    "decimal-time": (1, 1, _decimal_time, False),
    "format-date": (2, 2, _format_date, False),
    "format-date-time": (2, 2, _format_date, False),
    "boolean": (1, 1, ex.truthy, False),
    "once": (1, 1, lambda value: value, False),  # no stored value to keep: the value itself
    "position": (0, 1, _position, True),
    "indexed-repeat": (3, None, _indexed_repeat, False),
    "floor": (1, 1, _floor_or_ceiling("ROUND_FLOOR"), False),
    "ceiling": (1, 1, _floor_or_ceiling("ROUND_CEILING"), False),
    "abs": (1, 1, lambda v: "" if ex._num(v) is None else abs(ex._num(v)), False),
    "string-length": (1, 1, lambda v: len(ex._text(v)[:_MAX_TEXT]), False),
}
FUNCTIONS.update(GEO_FUNCTIONS)  # area(), distance(): positions (xpath_geo)
FUNCTIONS.update(LIBRARY)  # strings, math, checklists, digests (xpath_library)
FUNCTIONS["enclosed-area"] = FUNCTIONS["area"]  # JavaRosa's older name
