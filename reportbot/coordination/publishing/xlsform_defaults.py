"""An XLSForm `default` that is an expression: ODK's dynamic default.

pyxform takes a default holding a function call, a `${name}`, a path or arithmetic (but a
date's '-') as an expression evaluated when the form is opened (`default_is_dynamic`,
pyxform/utils.py; https://xlsform.org/en/#default): `today()`, `${so_a}`,
`concat('KH-', ${ma})`. The bot asks it as a `calculation` on the question: computed from
the answers when the question is asked and offered as its default (forms/choice_filter.py,
`as_asked`). Its names are checked here, so a problem is reported in the `default` column.
"""

from __future__ import annotations

from collections.abc import Set
from decimal import Decimal
from typing import Any

from pyxform.utils import default_is_dynamic

from reportbot.coordination.publishing.xlsform_sheets import XPATH_NUMBER
from reportbot.forms.diagnostics import Said, said
from reportbot.forms.expressions import ExpressionError, parse_expression

# pyxform's element types for ours where the names differ
_ODK_TYPE = {"datetime": "dateTime"}


def is_dynamic(text: str, kind: str) -> bool:
    """Whether pyxform reads this default of a question of type `kind` as an expression
    (but now() of a time: the bot's own default, the moment the question is skipped)."""
    if kind in ("time", "datetime") and "".join(text.split()).lower() == "now()":
        return False
    try:
        dynamic = bool(default_is_dynamic(text, _ODK_TYPE.get(kind, kind)))
    except Exception:  # pyxform's lexer on odd text: a plain default, checked as such
        return False
    if dynamic and kind in ("text", "barcode"):  # "Chủ tịch UBND - xã": words, as before
        try:
            parse_expression(text)
        except ExpressionError:
            return False
    return dynamic


def dynamic_default_problems(text: str, known: Set[str]) -> list[Said]:
    """What is wrong with a dynamic default: it does not parse, or names no question."""
    try:
        expression = parse_expression(text)
    except ExpressionError as exc:
        return [said("xlsform:expression", detail=exc.message, value=repr(text))]
    return [
        said("xlsform:reference", name=name) for name in sorted(expression.references() - known)
    ]


def literal_default(kind: str, text: str) -> Any:
    """A plain XLSForm default as the template checker reads it: ODK writes numbers as XPath
    literals ('2.5' is two and a half, '1.500' one and a half), anything else as text."""
    if kind in ("integer", "decimal") and XPATH_NUMBER.fullmatch(text):
        return Decimal(text)
    return text
