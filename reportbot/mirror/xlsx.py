"""Local .xlsx workbook backend (openpyxl): the zero-setup mirror, same layout as Google's.

The file is re-read whenever its bytes differ from what we last saved (a coordinator edited
it), rows are found by submission id like in Google Sheets, and every save goes to a temporary
file replaced atomically, so a crash never leaves half a workbook. Strings are stored as text
even when they start with '=' (openpyxl would otherwise store them as formulas).

A save rewrites the whole file (an .xlsx is one zip: there is no writing a cell in place), so
the cost is bounded in two ways: a batch that changes no cell (a status sheet as it already
is, a row edited back to what the sheet shows) writes nothing; and `max_duty` tells the worker
to leave at least nine times a save's duration between flushes, so saving never takes more
than a tenth of a core however fast updates come (the changes wait in the durable outbox).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from reportbot.mirror.backend import MirrorError
from reportbot.mirror.layout import (
    ColumnPlan,
    assign_rows,
    header_blocks,
    latest_records,
    locate_rows,
    plan_columns,
    row_blocks,
)
from reportbot.mirror.records import (
    DEFAULT_TZ,
    FIXED_HEADERS,
    STATUS_SHEET_TITLE,
    CellValue,
    FormLayout,
    MirrorBatch,
    RepeatLayout,
    SubmissionRecord,
    layout_headers,
    record_row,
    sheet_titles,
)
from reportbot.mirror.repeat_sheets import (
    plan_entries,
    repeat_headers,
    repeat_kinds,
    repeat_titles,
)
from reportbot.mirror.status import StyledCell, StyledRow, status_rows, status_width
from reportbot.office_xlsx import (
    BOLD,
    HEADER_FILL,
    display_width,
    format_cell,
    header_width,
    save_workbook,
    setup_print,
    style_header_row,
    widen_columns,
    wrap_long_cells,
)

ENV_XLSX = "REPORTBOT_MIRROR_XLSX"
DEFAULT_XLSX = "reportbot-mirror.xlsx"
EXCEL_TITLE_CHARS = 31
FILLS = {
    "late": PatternFill(fill_type="solid", fgColor="FFFFE6B3"),
    "missing": PatternFill(fill_type="solid", fgColor="FFF4CCCC"),
}
# How each fixed column is formatted (see records.FIXED_HEADERS); question columns by type.
FIXED_KINDS = {"Thời điểm gửi": "date", "Cập nhật lần cuối": "date", "Lần gửi": "integer"}
QUESTION_KINDS = {"integer": "integer", "decimal": "decimal", "date": "date"}
QUESTION_KINDS |= {"datetime": "date", "time": "time"}  # "dd/mm/yyyy HH:MM", "HH:MM" cells
STATUS_KINDS = {"Hạn nộp": "date", "Thời điểm gửi": "date"}


def column_kinds(layout: FormLayout) -> list[str]:
    """The format kind of every column of a form's worksheet, in `layout_headers` order."""
    kinds = [FIXED_KINDS.get(header, "text") for header in FIXED_HEADERS]
    kinds.extend(QUESTION_KINDS.get(column.type, "text") for column in layout.columns)
    return kinds


def set_text_safe(cell: Cell, value: CellValue) -> None:
    """Store a value; a string always as text, never as a formula or an error code."""
    if value == "":
        cell.value = None
        return
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise MirrorError(f"cannot read {path}: {error.strerror}") from error


class XlsxBackend:
    """Mirror submissions into a local .xlsx workbook."""

    name = "xlsx"
    max_duty = 0.1  # at most this share of the time saving (read by the worker)

    def __init__(
        self, path: str | os.PathLike[str], *, tz: str = DEFAULT_TZ, incremental: bool = True
    ) -> None:
        self.path = Path(path)
        self.tz = tz
        # False: rewrite the status sheet and save on every batch (the old way; benchmarks).
        self.incremental = incremental
        if not incremental:
            self.max_duty = None  # type: ignore[assignment]
        self._workbook: Workbook | None = None
        self._saved_digest: str | None = None
        self._status_digest: str | None = None  # status rows in the cached workbook
        self._lock = asyncio.Lock()

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **options: Any) -> XlsxBackend:
        """Build from REPORTBOT_MIRROR_XLSX (default: ./reportbot-mirror.xlsx)."""
        env = dict(os.environ) if env is None else env
        return cls(env.get(ENV_XLSX) or DEFAULT_XLSX, **options)

    async def apply(self, batch: MirrorBatch) -> None:
        """Update or append every record's row by submission id; rewrite the status sheet."""
        async with self._lock:
            await asyncio.to_thread(self._write, batch, False)

    async def rebuild(self, batch: MirrorBatch) -> None:
        """Recreate every worksheet of the batch's forms, then the status sheet."""
        async with self._lock:
            await asyncio.to_thread(self._write, batch, True)

    async def close(self) -> None:
        """Forget the cached workbook."""
        self._workbook = None

    # -- blocking part, run in a thread ----------------------------------------------------

    def _load(self) -> Workbook:
        digest = _digest(self.path)
        if digest is None:
            workbook = Workbook()
            workbook.remove(workbook.active)
            return workbook
        if self._workbook is not None and digest == self._saved_digest:
            return self._workbook
        self._status_digest = None  # a workbook read from disk: its status sheet is unknown
        try:
            return load_workbook(self.path)
        except Exception as error:
            raise MirrorError(f"cannot read {self.path}: {type(error).__name__}") from error

    def _save(self, workbook: Workbook) -> None:
        try:
            save_workbook(workbook, self.path)
        except OSError as error:
            raise MirrorError(f"cannot write {self.path}: {error.strerror}") from error
        self._workbook = workbook
        self._saved_digest = _digest(self.path)

    def _write(self, batch: MirrorBatch, rebuild: bool) -> None:
        workbook = self._load()
        titles = sheet_titles(batch.layouts, EXCEL_TITLE_CHARS)
        repeat_titles_ = repeat_titles(batch.layouts, titles, EXCEL_TITLE_CHARS)
        by_form: dict[str, list[SubmissionRecord]] = {}
        for record in latest_records(batch.records):
            by_form.setdefault(record.form_key, []).append(record)
        missing = [key for key in by_form if batch.layout(key) is None]
        if missing:
            raise MirrorError(f"no layout for form(s) {', '.join(sorted(missing))}")
        changed = rebuild or not self.incremental or self._workbook is not workbook
        try:
            for layout in batch.layouts:
                if rebuild or layout.form_key in by_form:
                    sheet = self._form_sheet(workbook, titles[layout.form_key], rebuild)
                    records = by_form.get(layout.form_key, [])
                    changed = self._write_form(sheet, layout, records) or changed
                    for repeat in layout.repeats:
                        title = repeat_titles_[(layout.form_key, repeat.name)]
                        sheet = self._form_sheet(workbook, title, rebuild)
                        changed = self._write_repeat(sheet, repeat, records) or changed
            if batch.status:
                changed = self._status(workbook, status_rows(batch.status, self.tz)) or changed
        except Exception:
            self._workbook = None  # drop half-applied changes; the file is untouched
            self._status_digest = None
            raise
        if workbook.sheetnames and changed:
            self._save(workbook)

    def _status(self, workbook: Workbook, rows: list[StyledRow]) -> bool:
        """Rewrite the status sheet unless it already shows these rows; whether it did."""
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        present = self._find(workbook, STATUS_SHEET_TITLE) is not None
        if self.incremental and present and digest == self._status_digest:
            return False
        self._write_status(workbook, rows)
        self._status_digest = digest
        return True

    def _find(self, workbook: Workbook, title: str) -> Worksheet | None:
        for sheet in workbook.worksheets:
            if sheet.title.casefold() == title.casefold():
                return sheet
        return None

    def _form_sheet(self, workbook: Workbook, title: str, rebuild: bool) -> Worksheet:
        sheet = self._find(workbook, title)
        if sheet is not None and rebuild:
            index = workbook.index(sheet)
            workbook.remove(sheet)
            sheet = None
        else:
            index = len(workbook.worksheets)
        if sheet is None:
            sheet = workbook.create_sheet(title, index)
            sheet.freeze_panes = "A2"
        return sheet

    def _write_form(
        self, sheet: Worksheet, layout: FormLayout, records: list[SubmissionRecord]
    ) -> bool:
        """Write the records' rows (found by submission id); whether any cell changed."""
        headers = layout_headers(layout)
        plan, found, last = _read_sheet(sheet, headers)
        assigned = assign_rows([record.submission_id for record in records], found, last)
        rows: dict[int, list[CellValue]] = {}
        for record in records:
            values = record_row(layout, record, self.tz)
            for row in assigned[record.submission_id]:
                rows[row] = values
        return _put_rows(sheet, plan, headers, rows, column_kinds(layout))

    def _write_repeat(
        self, sheet: Worksheet, repeat: RepeatLayout, records: list[SubmissionRecord]
    ) -> bool:
        """Rewrite the records' entries on the repeat's worksheet; rows no entry needs any
        more are deleted (a whole-file rewrite moves nothing under us); whether it changed."""
        headers = repeat_headers(repeat)
        plan, found, last = _read_sheet(sheet, headers)
        entries = plan_entries(found, last, records, repeat, self.tz)
        kinds = repeat_kinds(repeat, QUESTION_KINDS)
        changed = _put_rows(sheet, plan, headers, entries.rows, kinds)
        for row in sorted(entries.cleared, reverse=True):
            sheet.delete_rows(row)
        return changed or bool(entries.cleared)

    def _write_status(self, workbook: Workbook, rows: list[StyledRow]) -> None:
        old = self._find(workbook, STATUS_SHEET_TITLE)
        if old is not None:
            workbook.remove(old)
        sheet = workbook.create_sheet(STATUS_SHEET_TITLE, 0)
        width = status_width(rows)
        needs = {column: 0.0 for column in range(1, width + 1)}
        kinds: list[str] = []
        header_rows: list[int] = []
        for row_index, row in enumerate(rows, start=1):
            if row.cells and row.cells[0].style == "header":
                kinds = [STATUS_KINDS.get(str(styled.value), "text") for styled in row.cells]
                header_rows.append(row_index)
            fill = FILLS.get(row.highlight)
            span = width if fill else len(row.cells)
            for col_index in range(span):
                cell = sheet.cell(row=row_index, column=col_index + 1)
                styled = row.cells[col_index] if col_index < len(row.cells) else None
                if styled is not None:
                    _write_styled(cell, styled, kinds[col_index] if col_index < len(kinds) else "")
                    if styled.style == "header":
                        needs[col_index + 1] = max(needs[col_index + 1], header_width(styled.value))
                    elif styled.style not in ("title", "note"):  # long lines overflow, fine
                        need = display_width(styled.value) + 2
                        needs[col_index + 1] = max(needs[col_index + 1], need)
                if fill is not None:
                    cell.fill = fill
        widen_columns(sheet, needs, grow_only=False)
        for row_index in header_rows:
            style_header_row(sheet, row_index, range(1, len(rows[row_index - 1].cells) + 1))
        setup_print(sheet, header_rows=None, grid=False)
        workbook.active = 0


def _read_sheet(
    sheet: Worksheet, headers: tuple[str, ...]
) -> tuple[ColumnPlan, dict[int, list[int]], int]:
    """The column plan for `headers`, the rows by submission id and the last used row."""
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    plan = plan_columns(header, headers)
    id_col = plan.positions[0] + 1
    ids = [row[0] for row in sheet.iter_rows(min_col=id_col, max_col=id_col, values_only=True)]
    found, last = locate_rows(ids)
    return plan, found, last


def _put_rows(
    sheet: Worksheet,
    plan: ColumnPlan,
    headers: tuple[str, ...],
    rows: dict[int, list[CellValue]],
    column_kinds: list[str],
) -> bool:
    """Write new headers and whole rows in our columns only; whether any cell changed."""
    changed = bool(plan.new_headers)
    for block in header_blocks(plan.new_headers):
        for offset, text in enumerate(block.values[0]):
            set_text_safe(sheet.cell(row=1, column=block.col + offset + 1), text)
    kinds = dict(zip(plan.positions, column_kinds, strict=True))
    needs = {
        position + 1: header_width(header)
        for position, header in zip(plan.positions, headers, strict=True)
    }
    for block in row_blocks(rows, plan.positions):
        for row_offset, values in enumerate(block.values):
            for col_offset, value in enumerate(values):
                position = block.col + col_offset
                cell = sheet.cell(row=block.row + row_offset, column=position + 1)
                before = cell.value
                set_text_safe(cell, value)
                format_cell(cell, kinds[position])  # may turn a text date into a date
                changed = changed or cell.value != before
                needs[position + 1] = max(needs[position + 1], display_width(value) + 2)
    for row in rows:
        ours = (sheet.cell(row=row, column=position + 1) for position in plan.positions)
        wrap_long_cells(sheet, row, ours)
    widen_columns(sheet, needs)
    style_header_row(sheet, 1, needs)
    sheet.freeze_panes = "A2"
    setup_print(sheet)
    return changed


def _write_styled(cell: Cell, styled: StyledCell, kind: str) -> None:
    set_text_safe(cell, styled.value)
    if styled.style in ("title", "header"):
        cell.font = BOLD
    if styled.style == "header":
        cell.fill = HEADER_FILL
    format_cell(cell, "percent" if styled.style == "percent" else kind)
