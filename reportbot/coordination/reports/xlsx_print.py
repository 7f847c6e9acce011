"""How the report workbook looks and prints: number, percent and date formats, widths from
content, wrapped headers tall enough to read, frozen headers, A4 landscape fitted to the page
width with the header row on every page, and a file a shared folder can read.

(The mirror workbook has a similar helper on the office branch, reportbot/office_xlsx.py; the
two can become one module once both are merged.)
"""

from __future__ import annotations

import math
import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

INTEGER_FORMAT = "#,##0"  # 18000000 → "18.000.000" in a Vietnamese locale
DECIMAL_FORMAT = "#,##0.0#"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MIN_WIDTH, MAX_WIDTH = 8, 50  # characters; longer text wraps in its cell
HEADER_LINES = 4
POINTS_PER_LINE = 15.0  # Calibri 11, openpyxl's default font
# An A4 landscape page holds ~140 characters of Calibri 11 at 100%; below ~60% print is
# too small to read, so a wider table goes over several pages across.
READABLE_SCALE = 60
READABLE_CHARS_PER_PAGE = 140 * 100 // READABLE_SCALE
FILE_MODE = 0o644


def number_format(value: object) -> str | None:
    """The display format for a number or date cell value (None: leave General)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, int):
        return INTEGER_FORMAT
    if isinstance(value, float | Decimal):
        return INTEGER_FORMAT if value == int(value) else DECIMAL_FORMAT
    return None


def as_percent(value: Decimal | int | float | None) -> float | None:
    """A percentage such as 66.7 as the fraction a % cell holds (0.667)."""
    return None if value is None else float(Decimal(str(value)) / 100)


def shown_width(cell: Cell) -> int:
    """How many characters a cell shows (the longest line; numbers with their separators)."""
    value = cell.value
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, int | float) and not isinstance(value, bool):
        return len(f"{value:,.2f}") if cell.number_format != PERCENT_FORMAT else 6
    return max(len(line) for line in str(value).splitlines() or [""])


def fit_columns(sheet: Worksheet, *, first_row: int, header_rows: set[int]) -> None:
    """Width of each column from its widest value from `first_row` on (a header wraps onto at
    most HEADER_LINES lines, never inside a word), bounded; header rows get the height their
    wrapped text needs, so no header is cut off."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.row in header_rows and isinstance(cell.value, str):
                longest = max((len(word) for word in cell.value.split()), default=0)
                need = max(longest, math.ceil(len(cell.value) / HEADER_LINES))
            else:
                need = shown_width(cell)
            widths[cell.column] = max(widths.get(cell.column, 0), need)
    for column, need in widths.items():
        width = min(max(need + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in header_rows:
        lines = 1
        for cell in sheet[row]:
            if isinstance(cell.value, str) and cell.value:
                width = sheet.column_dimensions[cell.column_letter].width or MIN_WIDTH
                lines = max(lines, _wrapped_lines(cell.value, int(width) - 1))
        sheet.row_dimensions[row].height = POINTS_PER_LINE * lines


def _wrapped_lines(text: str, width: int) -> int:
    """How many lines a text wraps onto at word boundaries in a column `width` characters wide."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def wrap_long_text(sheet: Worksheet, *, first_row: int) -> None:
    """Text longer than its column wraps, aligned to the top, and its row is as tall as the
    wrapped text (LibreOffice keeps the default height otherwise and lines overlap)."""
    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            width = int(sheet.column_dimensions[cell.column_letter].width or MIN_WIDTH)
            if isinstance(cell.value, str) and len(cell.value) > width - 1:
                cell.alignment = Alignment(
                    wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal
                )
                lines = max(lines, _wrapped_lines(cell.value, width - 1))
        current = sheet.row_dimensions[row[0].row].height or POINTS_PER_LINE
        if lines > 1 and POINTS_PER_LINE * lines > current:
            sheet.row_dimensions[row[0].row].height = POINTS_PER_LINE * lines
            for cell in row:  # a figure sits level with the first line of its label
                cell.alignment = Alignment(
                    wrap_text=cell.alignment.wrap_text,
                    vertical="top",
                    horizontal=cell.alignment.horizontal,
                )


def print_setup(sheet: Worksheet, *, title_rows: str | None, title_cols: str | None) -> None:
    """A4 landscape, the header row repeated on each page, fitted to the page width; a table
    too wide to read at that scale spreads over a few pages across instead, each repeating
    `title_cols` (the unit's code and name) so no figure prints away from its label."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    total = sum(
        sheet.column_dimensions[get_column_letter(column)].width or MIN_WIDTH
        for column in range(1, sheet.max_column + 1)
    )
    wide = bool(title_cols) and total > READABLE_CHARS_PER_PAGE
    sheet.sheet_properties.pageSetUpPr.fitToPage = not wide
    if wide:
        sheet.page_setup.scale = READABLE_SCALE  # as many pages across as the columns need
    else:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_options.gridLines = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    if title_rows:
        sheet.print_title_rows = title_rows
    if wide:
        sheet.print_title_cols = title_cols


def save_readable(book: Workbook, path: Path) -> None:
    """Save and make the file readable by the group and others (a shared folder), as 0644."""
    book.save(path)
    os.chmod(path, FILE_MODE)
