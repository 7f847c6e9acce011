"""A note in the preview for each count() over a multiple-choice question.

ODK counts one node there, whatever is ticked, and the bot does the same since it follows
ODK's engine; forms written before meant the choices ticked (`count(${m}) <= 3`), which is
count-selected(). The admin is told, with the call to write instead."""

from __future__ import annotations

from collections.abc import Iterator

from reportbot.coordination.publishing.xlsform_sheets import Sheet
from reportbot.forms.diagnostics import Said, said
from reportbot.forms.expression_nodes import Call, Ref, children
from reportbot.forms.expressions import ExpressionError, parse_expression

_COLUMNS = ("constraint", "relevant", "calculation", "required", "choice_filter")


def _multiple_choices(sheet: Sheet) -> set[str]:
    """The names of the survey's select_multiple questions (any list source)."""
    return {
        sheet.value(row, "name")
        for _, row in sheet.numbered()
        if sheet.value(row, "type").split(" ")[0].startswith("select_multiple")
    }


def _counted(source: str, multiple: set[str]) -> list[str]:
    """The multiple-choice names under count() in one expression, each once, in order."""
    try:
        stack = [parse_expression(source)._root]
    except ExpressionError:
        return []  # an expression that does not parse is reported elsewhere
    found: list[str] = []
    while stack:
        node = stack.pop()
        stack.extend(children(node))
        if isinstance(node, Call) and node.name == "count" and len(node.args) == 1:
            target = node.args[0]
            if isinstance(target, Ref) and target.name in multiple and target.name not in found:
                found.append(target.name)
    return found


def count_notes(sheet: Sheet) -> Iterator[Said]:
    """One note per survey cell and multiple-choice question counted with count()."""
    multiple = _multiple_choices(sheet)
    if not multiple:
        return
    for number, row in sheet.numbered():
        for column in _COLUMNS:
            source = sheet.value(row, column)
            if "count(" not in source:
                continue
            for name in _counted(source, multiple):
                yield said(
                    "xlsform:warn_count_multiple",
                    row=number,
                    column=sheet.column(column),
                    value=f"${{{name}}}",
                )
