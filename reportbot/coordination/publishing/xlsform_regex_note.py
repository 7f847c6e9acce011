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


def _ends_in_dollar(pattern: str) -> bool:
    """Whether the pattern ends in an unescaped `$` (an end anchor, not `\\$`)."""
    if not pattern.endswith("$"):
        return False
    slashes = len(pattern[:-1]) - len(pattern[:-1].rstrip("\\"))
    return slashes % 2 == 0


def _class_end(core: str, start: int) -> int:
    """The index just past the character class opened at `start` (or the end of `core` if
    it never closes). A `]` right after `[` or `[^` is a literal member, as in Java's and
    Python's regex engines, so `[^]|]` and `[]|a]` are one class each."""
    index = start + 1
    if core[index : index + 1] == "^":
        index += 1
    if core[index : index + 1] == "]":
        index += 1
    while index < len(core):
        if core[index] == "\\":
            index += 2  # an escaped character is a member, `\]` included
            continue
        if core[index] == "]":
            return index + 1
        index += 1
    return len(core)


def _top_level_bar(core: str) -> bool:
    """Whether `core` has an alternation `|` outside every group and character class (then
    `^a|b$` is `^a` or `b$`, not a whole-answer match)."""
    depth, index = 0, 0
    while index < len(core):
        char = core[index]
        if char == "\\":
            index += 2  # an escaped character is literal
            continue
        if char == "[":
            index = _class_end(core, index)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == "|" and depth == 0:
            return True
        index += 1
    return False


def is_anchored(pattern: str) -> bool:
    """Whether only a whole answer can match, so Collect (whole match) and the bot (a match
    anywhere) agree: `^`, an unescaped `$` at the end, no top-level `|` between."""
    if not (pattern.startswith("^") and _ends_in_dollar(pattern)):
        return False
    return not _top_level_bar(pattern[1:-1])


def anchored(pattern: str) -> str:
    """The pattern matching only a whole answer, as Collect reads it."""
    core = pattern.removeprefix("^")
    if _ends_in_dollar(core):
        core = core[:-1]
    return f"^({core})$" if _top_level_bar(core) else f"^{core}$"


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
                    if not is_anchored(text):
                        yield said(
                            "xlsform:warn_regex_partial",
                            row=number,
                            column=sheet.column(column),
                            value=f"'{text}'",
                            fixed=f"'{anchored(text)}'",
                        )
