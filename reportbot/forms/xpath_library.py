"""The rest of ODK's function library: strings, math, checklists, digests and identifiers.

Semantics follow JavaRosa (ODK Collect's engine) as the ODK XForms spec lists them
(https://getodk.github.io/xforms-spec/#xpath-functions): `translate` maps character by
character and drops characters past the end of the third argument, `boolean-from-string` is
true only for "true" (any case) and "1", `checklist` counts true factors with -1 meaning no
bound, `digest` takes MD5/SHA-1/SHA-256/SHA-384/SHA-512 and base64 (default) or hex. A result
JavaRosa gives as NaN or Infinity (sqrt(-1), log(0), a number read from '') is empty here.
Every function is total and bounded: text longer than `_MAX_TEXT` is cut, never looped over.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import secrets
import string
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from reportbot.forms import xpath_values as ex
from reportbot.forms.xpath_values import NodeSet

_MAX_TEXT = 100_000
_ASCII_SPACE = " \t\n\x0b\f\r"  # Java's \s: normalize-space leaves other spaces alone
_DIGESTS = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384"}
_DIGESTS["SHA512"] = "sha512"
_GUID_CHARS = string.digits + string.ascii_uppercase  # JavaRosa: base-36 digits, upper case


def _cut(value: Any) -> str:
    return ex._text(value)[:_MAX_TEXT]


def _translate(value: Any, source: Any, target: Any) -> str:
    text, old, new = _cut(value), _cut(source), _cut(target)
    table: dict[str, str] = {}
    for index, char in enumerate(old):
        table.setdefault(char, new[index] if index < len(new) else "")  # first mapping wins
    return "".join(table.get(char, char) for char in text)


def _normalize_space(value: Any) -> str:
    return " ".join(_split_ascii(_cut(value)))


def _split_ascii(text: str) -> list[str]:
    """`text` split at runs of ASCII white space (str.split() would split at every Unicode
    space, e.g. the no-break space JavaRosa's normalize-space keeps)."""
    for space in _ASCII_SPACE[1:]:
        text = text.replace(space, " ")
    return [part for part in text.split(" ") if part]


def _boolean_from_string(value: Any) -> bool:
    text = ex._text(value)
    return text.lower() == "true" or text == "1"


def _spread(values: tuple[Any, ...]) -> list[Any]:
    """The arguments with a lookup's nodes spread out; a multiple choice's answer stays one
    value, as in JavaRosa (one node holding "a b c")."""
    items: list[Any] = []
    for value in values:
        items.extend(value if isinstance(value, NodeSet) else [value])
    return items


def _join(separator: Any, *values: Any) -> str:
    """JavaRosa's join, built piece by piece and stopped at _MAX_TEXT: a long separator over
    a long list would otherwise build the whole text (gigabytes) before it is cut."""
    glue = _cut(separator)
    parts: list[str] = []
    room = _MAX_TEXT
    for number, item in enumerate(_spread(values)):
        for piece in (glue, _cut(item)) if number else (_cut(item),):
            parts.append(piece[:room])
            room -= len(parts[-1])
            if room <= 0:
                return "".join(parts)
    return "".join(parts)


def _substring_before(value: Any, needle: Any) -> str:
    text, part = _cut(value), ex._text(needle)
    position = text.find(part)
    return text[:position] if position >= 0 else ""


def _substring_after(value: Any, needle: Any) -> str:
    text, part = _cut(value), ex._text(needle)
    position = text.find(part)
    return text[position + len(part) :] if position >= 0 else ""


def _count_non_empty(*values: Any) -> int:
    return sum(1 for item in _spread(values) if not ex._empty(item))


def _whole(value: Any) -> int:
    """JavaRosa's toNumeric(..).intValue(): truncated, and 0 for what is not a number."""
    number = ex._num(value)
    return 0 if number is None else int(number)


def _checklist(low: Any, high: Any, *factors: Any) -> bool:
    least, most = _whole(low), _whole(high)
    count = sum(1 for item in _spread(factors) if ex.truthy(item))
    return (least < 0 or count >= least) and (most < 0 or count <= most)


def _weighted_checklist(low: Any, high: Any, *pairs: Any) -> bool:
    least, most = ex._num(low), ex._num(high)
    if least is None or most is None or len(pairs) % 2:
        return False  # JavaRosa: NaN bounds compare false
    total: Any = 0
    for flag, weight in zip(pairs[::2], pairs[1::2], strict=True):
        amount = ex._num(weight)
        if amount is None:
            return False
        if ex.truthy(flag):
            total = ex._arith("+", total, amount)
    return total is not None and least <= total <= most


def _decimal(value: float) -> Any:
    """A float result as a Decimal, or empty where JavaRosa would give NaN or Infinity."""
    return Decimal(repr(value)) if math.isfinite(value) else ""


def _real(function: Callable[..., float]) -> Callable[..., Any]:
    """A float function of numbers: empty for non-numbers, NaN, infinities and domain errors."""

    def run(*values: Any) -> Any:
        numbers = [ex._num(value) for value in values]
        if any(number is None for number in numbers):
            return ""
        try:
            return _decimal(function(*(float(number) for number in numbers)))  # type: ignore[arg-type]
        except (ValueError, OverflowError):
            return ""

    return run


def _exact(method: str) -> Callable[[Any], Any]:
    """sqrt, exp, log and log10 to 28 digits with Decimal's own methods (no float rounding:
    sqrt(16) is exactly 4); empty outside the domain or range."""

    def run(value: Any) -> Any:
        number = ex._num(value)
        if number is None:
            return ""
        try:
            result = getattr(Decimal(number), method)(ex._DEC)
        except ArithmeticError:
            return ""
        return result if result.is_finite() else ""

    return run


def _uuid(length: Any = None) -> str:
    if length is None:
        return str(uuid.uuid4())
    size = ex._num(length)
    if size is None or not 0 <= size <= 1000:
        return ""
    return "".join(secrets.choice(_GUID_CHARS) for _ in range(int(size)))


def _random() -> Any:
    return Decimal(secrets.randbelow(10**15)) / Decimal(10**15)


def _digest(value: Any, algorithm: Any, encoding: Any = "base64") -> str:
    name = _DIGESTS.get(ex._text(algorithm).upper().replace("-", ""))
    code = ex._text(encoding).lower()
    if name is None or code not in ("base64", "hex"):
        return ""
    digest = hashlib.new(name, _cut(value).encode("utf-8")).digest()
    return digest.hex() if code == "hex" else base64.b64encode(digest).decode("ascii")


def _base64_decode(value: Any) -> str:
    try:
        raw = base64.b64decode(_cut(value), validate=True)
    except (binascii.Error, ValueError):
        return ""
    return raw.decode("utf-8", "replace")


LIBRARY: dict[str, tuple[int, int | None, Callable[..., Any], bool]] = {
    "translate": (3, 3, _translate, False),
    "normalize-space": (1, 1, _normalize_space, False),  # no argument: the parser passes `.`
    "boolean-from-string": (1, 1, _boolean_from_string, False),
    "join": (1, None, _join, False),
    "substring-before": (2, 2, _substring_before, False),
    "substring-after": (2, 2, _substring_after, False),
    "count-non-empty": (1, None, _count_non_empty, False),  # several: a repeat's entries
    "checklist": (2, None, _checklist, False),
    "weighted-checklist": (2, None, _weighted_checklist, False),  # pairs: checked when parsed
    "sqrt": (1, 1, _exact("sqrt"), False),
    "exp": (1, 1, _exact("exp"), False),
    "log": (1, 1, _exact("ln"), False),
    "log10": (1, 1, _exact("log10"), False),
    "exp10": (1, 1, _real(lambda x: 10.0**x), False),
    "pi": (0, 0, lambda: Decimal(repr(math.pi)), False),
    "sin": (1, 1, _real(math.sin), False),
    "cos": (1, 1, _real(math.cos), False),
    "tan": (1, 1, _real(math.tan), False),
    "asin": (1, 1, _real(math.asin), False),
    "acos": (1, 1, _real(math.acos), False),
    "atan": (1, 1, _real(math.atan), False),
    "atan2": (2, 2, _real(math.atan2), False),
    "uuid": (0, 1, _uuid, False),
    "random": (0, 0, _random, False),
    "digest": (2, 3, _digest, False),
    "base64-decode": (1, 1, _base64_decode, False),
    "depend": (1, None, lambda first, *_rest: first, False),  # JavaRosa: the first argument
}
