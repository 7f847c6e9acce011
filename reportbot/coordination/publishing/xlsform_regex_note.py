"""A note in the preview for each regex() whose pattern is not anchored at both ends.

ODK Collect (JavaRosa) requires the whole answer to match a regex(); web forms (Enketo,
KoboToolbox) and the bot accept an answer that contains a match. '^…$' patterns mean the
same everywhere; for any other the admin is told, with the anchored pattern to write."""

from __future__ import annotations

from collections.abc import Iterator

from reportbot.coordination.publishing.xlsform_sheets import Sheet
from reportbot.forms.diagnostics import Said, said
from reportbot.forms.expression_nodes import Call, Const, children
from reportbot.forms.expressions import ExpressionError, parse_expression

_COLUMNS = ("constraint", "relevant", "calculation")


def anchored(pattern: str) -> str:
    """The pattern matching only a whole answer, as Collect reads it."""
    core = pattern.removeprefix("^").removesuffix("$")
    return f"^({core})$" if "|" in core else f"^{core}$"


def regex_notes(sheet: Sheet) -> Iterator[Said]:
    """One note per unanchored literal pattern of the survey (an expression that does not
    parse is reported elsewhere)."""
    for number, row in sheet.numbered():
        for column in _COLUMNS:
            source = sheet.value(row, column)
            if "regex" not in source:
                continue
            try:
                stack = [parse_expression(source)._root]
            except ExpressionError:
                continue
            while stack:
                node = stack.pop()
                stack.extend(children(node))
                if not (isinstance(node, Call) and node.name == "regex"):
                    continue
                pattern = node.args[1]
                if isinstance(pattern, Const) and isinstance(pattern.value, str):
                    text = pattern.value
                    if not (text.startswith("^") and text.endswith("$")):
                        yield said(
                            "xlsform:warn_regex_partial",
                            row=number,
                            column=sheet.column(column),
                            value=f"'{text}'",
                            fixed=f"'{anchored(text)}'",
                        )
