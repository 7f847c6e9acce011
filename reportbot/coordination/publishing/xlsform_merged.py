"""Problems in cells hidden by a merge: Excel shows a merged range's value over all its
cells, but only the first one holds it (openpyxl reads the others as empty, as pyxform and
so ODK do). A problem reported in such a cell ("the type is missing" beside a visible
"integer") names the merged range and says to unmerge it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from reportbot.coordination.publishing.xlsform_sheets import XlsIssue
from reportbot.forms.diagnostics import said

log = logging.getLogger(__name__)


def explain_merged(path: Path, issues: list[XlsIssue]) -> list[XlsIssue]:
    """The issues, each one in a cell inside a merged range (not its first cell) saying so.
    The workbook is opened again only when some issue is in a cell (an .xlsx)."""
    if path.suffix.lower() != ".xlsx" or not any(i.row and i.column for i in issues):
        return issues
    try:
        book = load_workbook(path, data_only=True)
    except Exception:  # unreadable here: the issues stand as they are
        log.debug("merged cells not checked in %s", path, exc_info=True)
        return issues
    try:
        sheets = {sheet.title.lower(): sheet for sheet in book.worksheets}
        return [_explained(issue, sheets.get((issue.sheet or "").lower())) for issue in issues]
    finally:
        book.close()


def _explained(issue: XlsIssue, sheet: Any) -> XlsIssue:
    if sheet is None or not issue.row or not issue.column:
        return issue
    header = [str(cell.value).strip() if cell.value is not None else "" for cell in sheet[1]]
    if issue.column not in header:
        return issue
    column = header.index(issue.column) + 1
    for merged in sheet.merged_cells.ranges:
        inside = merged.min_row <= issue.row <= merged.max_row
        inside = inside and merged.min_col <= column <= merged.max_col
        if inside and (issue.row, column) != (merged.min_row, merged.min_col):
            message = said("xlsform:merged_cell", value=merged.coord, detail=issue.message)
            return replace(issue, message=message)
    return issue
