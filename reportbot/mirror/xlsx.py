"""Local .xlsx workbook backend (openpyxl): the zero-setup mirror, same layout as Google's.

The file is re-read whenever its bytes differ from what we last saved (a coordinator edited
it), rows are found by submission id like in Google Sheets, and every save goes to a temporary
file replaced atomically, so a crash never leaves half a workbook. Strings are stored as text
even when they start with '=' (openpyxl would otherwise store them as formulas).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from reportbot.mirror.backend import MirrorError
from reportbot.mirror.layout import (
    assign_rows,
    header_blocks,
    latest_records,
    locate_rows,
    plan_columns,
    row_blocks,
)
from reportbot.mirror.records import (
    DEFAULT_TZ,
    STATUS_SHEET_TITLE,
    CellValue,
    FormLayout,
    MirrorBatch,
    SubmissionRecord,
    layout_headers,
    record_row,
    sheet_titles,
)
from reportbot.mirror.status import StyledRow, status_rows, status_width

ENV_XLSX = "REPORTBOT_MIRROR_XLSX"
DEFAULT_XLSX = "reportbot-mirror.xlsx"
EXCEL_TITLE_CHARS = 31
HEADER_FILL = PatternFill(fill_type="solid", fgColor="FFE6E6E6")
FILLS = {
    "late": PatternFill(fill_type="solid", fgColor="FFFFE6B3"),
    "missing": PatternFill(fill_type="solid", fgColor="FFF4CCCC"),
}
BOLD = Font(bold=True)


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

    def __init__(self, path: str | os.PathLike[str], *, tz: str = DEFAULT_TZ) -> None:
        self.path = Path(path)
        self.tz = tz
        self._workbook: Workbook | None = None
        self._saved_digest: str | None = None
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
        try:
            return load_workbook(self.path)
        except Exception as error:
            raise MirrorError(f"cannot read {self.path}: {type(error).__name__}") from error

    def _save(self, workbook: Workbook) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.path.parent, suffix=".xlsx.tmp")
        os.close(handle)
        try:
            workbook.save(temp)
            os.replace(temp, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise MirrorError(f"cannot write {self.path}: {error.strerror}") from error
        self._workbook = workbook
        self._saved_digest = _digest(self.path)

    def _write(self, batch: MirrorBatch, rebuild: bool) -> None:
        workbook = self._load()
        titles = sheet_titles(batch.layouts, EXCEL_TITLE_CHARS)
        by_form: dict[str, list[SubmissionRecord]] = {}
        for record in latest_records(batch.records):
            by_form.setdefault(record.form_key, []).append(record)
        missing = [key for key in by_form if batch.layout(key) is None]
        if missing:
            raise MirrorError(f"no layout for form(s) {', '.join(sorted(missing))}")
        try:
            for layout in batch.layouts:
                if rebuild or layout.form_key in by_form:
                    sheet = self._form_sheet(workbook, titles[layout.form_key], rebuild)
                    self._write_form(sheet, layout, by_form.get(layout.form_key, []))
            if batch.status:
                self._write_status(workbook, status_rows(batch.status, self.tz))
        except Exception:
            self._workbook = None  # drop half-applied changes; the file is untouched
            raise
        if workbook.sheetnames:
            self._save(workbook)

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
    ) -> None:
        header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        plan = plan_columns(header, layout_headers(layout))
        id_col = plan.positions[0] + 1
        ids = [row[0] for row in sheet.iter_rows(min_col=id_col, max_col=id_col, values_only=True)]
        found, last = locate_rows(ids)
        assigned = assign_rows([record.submission_id for record in records], found, last)
        rows: dict[int, list[CellValue]] = {}
        for record in records:
            values = record_row(layout, record, self.tz)
            for row in assigned[record.submission_id]:
                rows[row] = values
        for block in header_blocks(plan.new_headers):
            for offset, text in enumerate(block.values[0]):
                cell = sheet.cell(row=1, column=block.col + offset + 1)
                set_text_safe(cell, text)
                cell.font = BOLD
                cell.fill = HEADER_FILL
                letter = cell.column_letter
                sheet.column_dimensions[letter].width = min(40, max(12, len(text) + 2))
        for block in row_blocks(rows, plan.positions):
            for row_offset, values in enumerate(block.values):
                for col_offset, value in enumerate(values):
                    cell = sheet.cell(row=block.row + row_offset, column=block.col + col_offset + 1)
                    set_text_safe(cell, value)

    def _write_status(self, workbook: Workbook, rows: list[StyledRow]) -> None:
        old = self._find(workbook, STATUS_SHEET_TITLE)
        if old is not None:
            workbook.remove(old)
        sheet = workbook.create_sheet(STATUS_SHEET_TITLE, 0)
        width = status_width(rows)
        for row_index, row in enumerate(rows, start=1):
            fill = FILLS.get(row.highlight)
            span = width if fill else len(row.cells)
            for col_index in range(span):
                cell = sheet.cell(row=row_index, column=col_index + 1)
                styled = row.cells[col_index] if col_index < len(row.cells) else None
                if styled is not None:
                    set_text_safe(cell, styled.value)
                    if styled.style in ("title", "header"):
                        cell.font = BOLD
                    if styled.style == "header":
                        cell.fill = HEADER_FILL
                    if styled.style == "percent":
                        cell.number_format = "0.0%"
                if fill is not None:
                    cell.fill = fill
        for col_index in range(width):
            letter = sheet.cell(row=1, column=col_index + 1).column_letter
            sheet.column_dimensions[letter].width = 22
        workbook.active = 0
