"""Workbooks an office can print and sort: shared openpyxl formatting for every .xlsx we write.

One place decides how numbers, dates, headers, column widths and print setup look, so the mirror
workbook and the report workbook (/tonghop) print the same way: thousands grouping (shown with
the reader's locale separators, "43.000.000" in Vietnamese), dates as real date cells (sortable
and filterable, not text in two orders), wrapped bold headers with a row height that shows them
whole, widths from content (capped, so one long answer does not make a 300-character column),
the header row frozen and repeated on every printed page, A4 landscape fitted to the page width,
and files readable by the group/others the umask allows (a shared folder).

The report's tables add `fit_columns` (headers wrapped onto at most HEADER_LINES lines),
`wrap_long_text` and, in `setup_print`, `title_cols`: a table too wide to read on one page
spreads over a few pages across, each repeating the unit's code and name.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"  # 12.5 → "12,5"; 2.125 → "2,125" in a Vietnamese locale
FIGURE_FORMAT = "#,##0.0#"  # computed figures (averages) in the report: two places at most
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
TIME_FORMAT = "hh:mm"

MIN_WIDTH = 8.0
MAX_WIDTH = 45.0  # characters; longer text wraps in the cell instead of widening the column
HEADER_MAX_LINES = 4
WRAPPED_MAX_LINES = 8
POINTS_PER_LINE = 15.0  # Calibri/Arial 11 line height in points
HEADER_FILL = PatternFill(fill_type="solid", fgColor="FFE6E6E6")
BOLD = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
HEADER_LINES = 4  # a report header wraps onto at most this many lines, never inside a word
# An A4 landscape page holds ~140 characters of Calibri 11 at 100%; below ~60% print is
# too small to read, so a wider table goes over several pages across.
READABLE_SCALE = 60
READABLE_CHARS_PER_PAGE = 140 * 100 // READABLE_SCALE

# The exact shapes records.format_datetime / format_date produce; fixed-length, no backtracking.
_TIME_TEXT = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_DATE_TEXT = re.compile(r"(\d{2})/(\d{2})/(\d{4})(?: (\d{2}):(\d{2}))?")
_MAX_PARSED_CHARS = 16


def parse_display_date(text: str) -> date | datetime | None:
    """Turn "dd/mm/yyyy" or "dd/mm/yyyy HH:MM" back into a date or a naive local datetime.

    Anything else (free text, impossible days) gives None: the caller keeps the text.
    """
    if len(text) > _MAX_PARSED_CHARS:
        return None
    match = _DATE_TEXT.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        return datetime(int(year), int(month), int(day), int(hour), int(minute))
    except ValueError:
        return None


def display_width(value: object) -> int:
    """How many characters wide a value shows, roughly (Vietnamese marks take no width)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        text = str(value)
    elif isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        text = f"{value:,.3f}".rstrip("0").rstrip(".")
    elif isinstance(value, datetime):
        text = "00/00/0000 00:00"
    elif isinstance(value, date):
        text = "00/00/0000"
    else:
        text = str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    # Combining marks (a decomposed "ầ") add no width; wide CJK characters count double.
    width = 0
    for char in longest[: int(MAX_WIDTH) * 4]:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def format_cell(cell: Cell, kind: str) -> None:
    """Give a cell the number format of its kind: 'integer', 'decimal', 'percent', 'date',
    'time'."""
    value = cell.value
    if kind == "time" and isinstance(value, str) and _TIME_TEXT.fullmatch(value):
        cell.value = time(int(value[:2]), int(value[3:]))  # a time answer "HH:MM"
        cell.number_format = TIME_FORMAT
        return
    if kind == "date" and isinstance(value, str):
        parsed = parse_display_date(value)
        if parsed is not None:
            cell.value = parsed
            value = parsed
    if isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, bool) or not isinstance(value, int | float):
        return
    elif kind == "percent":
        cell.number_format = PERCENT_FORMAT
    elif isinstance(value, int) or kind == "integer":
        cell.number_format = INTEGER_FORMAT
    else:
        cell.number_format = DECIMAL_FORMAT


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes when word-wrapped at `width` characters."""
    room = max(1, int(width) - 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split():
            size = display_width(word)
            if used and used + 1 + size > room:
                lines += 1
                used = 0
            used += (1 if used else 0) + size
            while used > room:  # a word longer than the column breaks across lines
                lines += 1
                used -= room
    return lines


def header_width(text: str) -> float:
    """The width a header needs to fit in about two lines, never cutting a word."""
    words = str(text).split() or [""]
    longest = max(display_width(word) for word in words)
    return max(float(longest + 2), math.ceil(display_width(text) / 2) + 2.0)


def style_header_row(sheet: Worksheet, row: int, columns: Iterable[int]) -> None:
    """Bold, shaded, wrapped header cells, and a row height that shows every header whole."""
    lines = 1
    for column in columns:
        cell = sheet.cell(row=row, column=column)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        width = sheet.column_dimensions[get_column_letter(column)].width or MIN_WIDTH
        if cell.value is not None:
            lines = max(lines, wrapped_lines(str(cell.value), width))
    sheet.row_dimensions[row].height = min(lines, HEADER_MAX_LINES) * POINTS_PER_LINE


def widen_columns(sheet: Worksheet, needs: dict[int, float], *, grow_only: bool = True) -> None:
    """Set column widths (1-based column → characters), clamped to [MIN_WIDTH, MAX_WIDTH].

    With `grow_only`, a column is never narrowed: a width a person set by hand stays.
    """
    for column, need in needs.items():
        letter = get_column_letter(column)
        known = letter in sheet.column_dimensions  # checked first: indexing creates an entry
        dimension = sheet.column_dimensions[letter]
        width = min(MAX_WIDTH, max(MIN_WIDTH, need))
        if grow_only and known and dimension.width:
            width = max(width, min(MAX_WIDTH, dimension.width))
        dimension.width = width


def wrap_long_cells(sheet: Worksheet, row: int, cells: Iterable[Cell]) -> None:
    """Wrap text too long for its column and give the row the height its lines need.

    Spreadsheet programs do not grow a row written by a library, so a wrapped cell would
    print over the next row; at most WRAPPED_MAX_LINES lines show (the cell keeps all).
    """
    lines = 1
    cells = list(cells)
    for cell in cells:
        if isinstance(cell.value, str) and display_width(cell.value) > MAX_WIDTH:
            lines = max(lines, wrapped_lines(cell.value[: int(MAX_WIDTH) * 20], MAX_WIDTH))
    for cell in cells:  # a tall row reads best with every cell at its top
        long = isinstance(cell.value, str) and display_width(cell.value) > MAX_WIDTH
        cell.alignment = Alignment(wrap_text=long, vertical="top" if lines > 1 else None)
    sheet.row_dimensions[row].height = (
        min(lines, WRAPPED_MAX_LINES) * POINTS_PER_LINE if lines > 1 else None
    )


def setup_print(
    sheet: Worksheet,
    *,
    header_rows: str | None = "1:1",
    grid: bool = True,
    title_cols: str | None = None,
) -> None:
    """A4 landscape, fitted to one page wide (any number of pages tall), header row repeated.

    `grid` prints cell borders: right for a table, noisy for a sheet of several small tables.
    With `title_cols` (the unit's code and name), a table too wide to read at the fitted scale
    prints at READABLE_SCALE over a few pages across, each repeating those columns.
    """
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    total = sum(
        sheet.column_dimensions[get_column_letter(column)].width or MIN_WIDTH
        for column in range(1, sheet.max_column + 1)
    )
    wide = bool(title_cols) and total > READABLE_CHARS_PER_PAGE
    sheet.sheet_properties.pageSetUpPr.fitToPage = not wide
    if wide:
        sheet.page_setup.scale = READABLE_SCALE  # as many pages across as the columns need
        sheet.print_title_cols = title_cols
    else:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_options.gridLines = grid
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    if header_rows:
        sheet.print_title_rows = header_rows
    sheet.oddFooter.center.text = "Trang &P / &N"


def number_format(value: object) -> str | None:
    """The display format of a report figure or date (None: leave General)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return DATETIME_FORMAT
    if isinstance(value, date):
        return DATE_FORMAT
    if isinstance(value, int):
        return INTEGER_FORMAT
    if isinstance(value, float | Decimal):
        return INTEGER_FORMAT if value == int(value) else FIGURE_FORMAT
    return None


def as_percent(value: Decimal | int | float | None) -> float | None:
    """A percentage such as 66.7 as the fraction a % cell holds (0.667)."""
    return None if value is None else float(Decimal(str(value)) / 100)


def _cell_width(cell: Cell) -> int:
    """How many characters a report cell shows; a % cell '100,0%' at most."""
    if cell.number_format == PERCENT_FORMAT and isinstance(cell.value, int | float):
        return 6
    return display_width(cell.value)


def fit_columns(sheet: Worksheet, *, first_row: int, header_rows: set[int]) -> None:
    """Column widths from the widest value from `first_row` on, bounded; header rows wrap onto
    at most HEADER_LINES lines (never inside a word) and get the height that shows them whole.
    """
    needs: dict[int, float] = {}
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.row in header_rows and isinstance(cell.value, str):
                longest = max((display_width(word) for word in cell.value.split()), default=0)
                need = max(longest, math.ceil(display_width(cell.value) / HEADER_LINES))
            else:
                need = _cell_width(cell)
            needs[cell.column] = max(needs.get(cell.column, 0), need + 2.0)
    widen_columns(sheet, needs, grow_only=False)
    for row in header_rows:
        lines = 1
        for cell in sheet[row]:
            if isinstance(cell.value, str) and cell.value:
                width = sheet.column_dimensions[cell.column_letter].width or MIN_WIDTH
                lines = max(lines, wrapped_lines(cell.value, width))
        sheet.row_dimensions[row].height = POINTS_PER_LINE * lines


def wrap_long_text(sheet: Worksheet, *, first_row: int) -> None:
    """Text wider than its column wraps, at the top, and its row grows to the wrapped lines
    (spreadsheet programs keep the default height otherwise and lines overlap)."""
    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            width = sheet.column_dimensions[cell.column_letter].width or MIN_WIDTH
            if isinstance(cell.value, str) and display_width(cell.value) > int(width) - 1:
                cell.alignment = Alignment(
                    wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal
                )
                lines = max(lines, wrapped_lines(cell.value, width))
        current = sheet.row_dimensions[row[0].row].height or POINTS_PER_LINE
        if lines > 1 and POINTS_PER_LINE * lines > current:
            sheet.row_dimensions[row[0].row].height = POINTS_PER_LINE * lines
            for cell in row:  # a figure sits level with the first line of its label
                cell.alignment = Alignment(
                    wrap_text=cell.alignment.wrap_text,
                    vertical="top",
                    horizontal=cell.alignment.horizontal,
                )


def _umask() -> int:
    # Linux shows the umask without changing it; os.umask() must set one to read it, which
    # would briefly change the mode of files other threads create.
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def shared_file_mode() -> int:
    """0644 under the usual umask 022: what a new file gets from open(), not mkstemp's 0600."""
    return 0o666 & ~_umask()


def save_workbook(workbook: Workbook, path: Path, *, mode: int | None = None) -> None:
    """Save atomically (temporary file, then rename) with the umask's ordinary file mode.

    `mode` overrides the umask for a file made to be handed on (the /tonghop report is 0644
    even when the service runs with a strict umask). Raises OSError when the folder cannot be
    written; the old file is then untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".xlsx.tmp")
    os.close(handle)
    try:
        workbook.save(temp)
        os.chmod(temp, shared_file_mode() if mode is None else mode)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if error.errno is not None and error.filename in (temp, str(path)):
            # name the file the admin asked for, never our temporary one
            raise OSError(error.errno, error.strerror, str(path)) from None
        raise
