"""What the mirror receives, and how one submission becomes one row of readable cells.

These are plain frozen dataclasses so the mirror never depends on the store's models: the
store builds a `MirrorBatch`, the backends only read it. Cell values are `str`, `int` or
`float`; every backend writes strings as text (never as formulas), whatever they start with.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from reportbot.vocabulary.format import date_text, time_text
from reportbot.vocabulary.kinds import UNIT_TYPES

CellValue = str | int | float

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
MAX_CELL_CHARS = 50_000  # Google Sheets' limit per cell
MAX_TITLE_CHARS = 100  # Google Sheets' limit per worksheet title
STATUS_SHEET_TITLE = "Tình hình nộp báo cáo"

ID_HEADER = "Mã báo cáo"
FIXED_HEADERS: tuple[str, ...] = (
    ID_HEADER,
    "Đơn vị",
    "Loại đơn vị",
    "Kỳ báo cáo",
    "Trạng thái",
    "Người gửi",
    "Thời điểm gửi",
    "Cập nhật lần cuối",
    "Lần gửi",  # the revision: 1 for a report sent once
    "Phiên bản mẫu",
)
# Headers an earlier version wrote, by today's: a sheet headed so keeps its column, the header
# cell renamed in place (layout.plan_columns). "Lần sửa" read as an edit count, 1 for a
# report never changed.
FORMER_HEADERS = {"Lần gửi": "Lần sửa"}


def former_header(header: str) -> str:
    """The header an earlier version wrote for today's `header` ("" if the same).

    A question labelled like today's fixed "Lần gửi" is headed "Lần gửi (<id>)"; the earlier
    version, whose fixed header was "Lần sửa", wrote it under its bare label "Lần gửi".
    """
    if header in FORMER_HEADERS:
        return FORMER_HEADERS[header]
    for today in FORMER_HEADERS:
        if header.startswith(f"{today} (") and header.endswith(")"):
            return today
    return ""


SUBMISSION_STATUS_VI = {
    "draft": "Đang soạn",
    "submitted": "Đã nộp",
    "reopened": "Mở lại để sửa",
}
LATE_VI = "Nộp muộn"
# The names of vocabulary.kinds (declared once), capitalised as a cell starts.
UNIT_TYPE_VI = {code: name["vi"][:1].upper() + name["vi"][1:] for code, name in UNIT_TYPES.items()}
YES_NO_VI = {"yes": "Có", "no": "Không", True: "Có", False: "Không"}
MULTI_SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One question column: its id, Vietnamese header, type and choice labels."""

    question_id: str
    header_vi: str
    type: str
    choice_labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RepeatLayout:
    """A repeat's own worksheet: one row per entry, its questions as columns (union over
    the form's versions, like `FormLayout`), `label` naming the worksheet."""

    name: str
    label: str
    columns: tuple[ColumnSpec, ...]


@dataclass(frozen=True, slots=True)
class FormLayout:
    """A form's columns: the union over all its template versions, in a stable order.

    The first version's questions come first; a question added by a later version is appended
    at the end and never moves, so old columns of the sheet never shift. Each repeat also
    has a worksheet of its own (`repeats`, see `mirror.repeat_sheets`).
    """

    form_key: str
    title: str
    columns: tuple[ColumnSpec, ...]
    repeats: tuple[RepeatLayout, ...] = ()


@dataclass(frozen=True, slots=True)
class SubmissionRecord:
    """One unit's report for one period, with its answers as stored."""

    submission_id: int
    form_key: str
    unit_code: str
    unit_name: str
    unit_type: str
    period_key: str
    period_label: str
    status: str  # 'draft' | 'submitted' | 'reopened'
    submitted_by: str | None
    submitted_at: datetime | None
    updated_at: datetime
    revision: int
    template_version: int | str
    answers: dict[str, Any]
    # repeat name -> its entries in order, each {question id: value} (entry k is index k-1)
    entries: dict[str, tuple[dict[str, Any], ...]] = field(default_factory=dict)
    sheet: str = ""  # the spreadsheet it goes to: a `SheetTarget.key`, "" the deployment's
    late: bool = False  # first sent after the deadline (store.standing)


@dataclass(frozen=True, slots=True)
class StatusRow:
    """Where one unit stands for one period: 'on_time', 'late', 'draft' or 'missing'."""

    unit_code: str
    unit_name: str
    unit_type: str
    status: str
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    sheet: str = ""  # the spreadsheet its unit's rows go to ("" the deployment's)


@dataclass(frozen=True, slots=True)
class SheetTarget:
    """A commune's own spreadsheet: `key` (the commune's code) names it in records and status
    rows; a Google spreadsheet id and/or a local workbook path (None: derived)."""

    key: str
    name: str
    spreadsheet_id: str | None = None
    workbook: str | None = None


@dataclass(frozen=True, slots=True)
class StatusSheet:
    """Every unit that must file one form for one period, and its status."""

    form_key: str
    form_title: str
    period_key: str
    period_label: str
    deadline: datetime
    rows: tuple[StatusRow, ...]


@dataclass(frozen=True, slots=True)
class MirrorBatch:
    """Everything one flush writes: the layouts of the forms involved, rows and status."""

    layouts: tuple[FormLayout, ...] = ()
    records: tuple[SubmissionRecord, ...] = ()
    status: tuple[StatusSheet, ...] = ()
    # The communes with a spreadsheet of their own (none: everything goes to the deployment's).
    targets: tuple[SheetTarget, ...] = ()

    def layout(self, form_key: str) -> FormLayout | None:
        """Return the layout of a form, if the batch carries it."""
        for layout in self.layouts:
            if layout.form_key == form_key:
                return layout
        return None

    def parts(
        self,
        records: Mapping[str, Sequence[SubmissionRecord]],
        status: Mapping[str, Sequence[StatusSheet]],
    ) -> dict[str, MirrorBatch]:
        """This batch cut by spreadsheet key: each part with its rows, its status sheets and
        the layouts of the forms its rows belong to (keys in sorted order)."""
        found: dict[str, MirrorBatch] = {}
        for key in sorted(records.keys() | status.keys()):
            rows = tuple(records.get(key, ()))
            forms = {record.form_key for record in rows}
            layouts = tuple(layout for layout in self.layouts if layout.form_key in forms)
            found[key] = MirrorBatch(layouts, rows, tuple(status.get(key, ())))
        return found


_FORBIDDEN_TITLE_CHARS = re.compile(r"[\[\]*?/\\:]")
_ILLEGAL_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def sanitize_title(title: str, max_chars: int = MAX_TITLE_CHARS) -> str:
    """Make a worksheet title spreadsheets accept: no []*?/\\:, no edge quote, ≤max_chars.

    Google Sheets allows 100 characters, Excel 31 (pass `max_chars=31` for .xlsx).
    """
    clean = _FORBIDDEN_TITLE_CHARS.sub(" ", title)
    clean = _ILLEGAL_CONTROL_CHARS.sub("", clean)
    clean = re.sub(r"\s+", " ", clean).strip().strip("'").strip()
    return clean[:max_chars].rstrip().rstrip("'").rstrip() or "Biểu mẫu"


def sheet_titles(
    layouts: tuple[FormLayout, ...], max_chars: int = MAX_TITLE_CHARS
) -> dict[str, str]:
    """Map each form key to its worksheet title, unique and never the status sheet's name.

    Titles are compared case-insensitively (both Sheets and Excel do). On a clash, the form
    whose key sorts later gets its key appended, so the mapping does not depend on batch order.
    """
    taken = {STATUS_SHEET_TITLE.casefold()}
    titles: dict[str, str] = {}
    for layout in sorted(layouts, key=lambda item: item.form_key):
        title = sanitize_title(layout.title, max_chars)
        if title.casefold() in taken:
            suffix = f" ({layout.form_key})"
            title = sanitize_title(title[: max(1, max_chars - len(suffix))] + suffix, max_chars)
        taken.add(title.casefold())
        titles[layout.form_key] = title
    return titles


def layout_headers(layout: FormLayout) -> tuple[str, ...]:
    """Return every header of a form's worksheet, fixed columns first, all distinct."""
    return distinct_headers(FIXED_HEADERS, layout.columns)


def distinct_headers(fixed: Sequence[str], columns: Sequence[ColumnSpec]) -> tuple[str, ...]:
    """Return the fixed headers, then one per column; a clashing label gets its question id."""
    headers = list(fixed)
    # A question is never headed like a fixed column's former name either: a process of the
    # earlier version (a rolling upgrade) would take that column for its own fixed one.
    seen = set(headers) | {FORMER_HEADERS[h] for h in headers if h in FORMER_HEADERS}
    for column in columns:
        header = column.header_vi.strip() or column.question_id
        if header in seen:
            header = f"{header} ({column.question_id})"
        seen.add(header)
        headers.append(header)
    return tuple(headers)


DATETIME_ANSWER = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")


def format_datetime(value: datetime | None, tz: str = DEFAULT_TZ) -> str:
    """Render a moment as dd/mm/yyyy HH:MM in the given time zone (naive means UTC)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    # Date first, unlike chat messages: office_xlsx.parse_display_date reads this shape back
    # into a real date cell, and spreadsheet users filter a date column by its day.
    zone = ZoneInfo(tz)
    return f"{date_text(value, zone)} {time_text(value, zone)}"


def format_date(value: date) -> str:
    """Render a date as dd/mm/yyyy."""
    return date_text(value)


def _number(value: Any) -> CellValue:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return value
    try:
        return _number(Decimal(str(value).strip()))
    except ArithmeticError:
        return clean_text(str(value))


def clean_text(text: str) -> str:
    """Drop control characters no spreadsheet accepts and cut at the per-cell limit."""
    text = _ILLEGAL_CONTROL_CHARS.sub("", text)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def format_answer(column: ColumnSpec, value: Any, tz: str = DEFAULT_TZ) -> CellValue:
    """Turn one stored answer into a readable cell value for its question type."""
    if value is None or value == "" or value == []:
        return ""
    kind = column.type
    if kind in ("integer", "decimal"):
        return _number(value)
    if kind == "calculate":
        return _calculated(value, tz)
    if kind == "yes_no":
        return YES_NO_VI.get(value, clean_text(str(value)))
    if kind == "select_one":
        return clean_text(column.choice_labels.get(str(value), str(value)))
    if kind == "select_multiple":
        values = value if isinstance(value, list | tuple) else [value]
        labels = (column.choice_labels.get(str(item), str(item)) for item in values)
        return clean_text(MULTI_SEPARATOR.join(labels))
    if kind == "date":
        if isinstance(value, datetime):
            return format_datetime(value, tz)
        if isinstance(value, date):
            return format_date(value)
        return clean_text(str(value))
    if kind in ("photo", "file", "audio", "video") and isinstance(value, dict):
        name = value.get("name") or value.get("path") or value.get("file_id") or ""
        return clean_text(str(name))
    if kind == "datetime" and isinstance(value, str) and DATETIME_ANSWER.fullmatch(value):
        # a local wall-clock time, stored "YYYY-MM-DDTHH:MM": shown as a date is, no zone
        day, moment = value.split("T")
        year, month, day_of_month = day.split("-")
        return f"{day_of_month}/{month}/{year} {moment}"
    # time ("HH:MM"), geopoint/geotrace/geoshape (ODK's "lat lon alt acc", ";" between
    # points, as KoboToolbox exports them), barcode: the stored text as it is
    if isinstance(value, datetime):
        return format_datetime(value, tz)
    return clean_text(str(value))


def _calculated(value: Any, tz: str) -> CellValue:
    """A computed value: a number stays a number cell, a date a date, text as it is."""
    if isinstance(value, bool):
        return YES_NO_VI[value]
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            return ""  # 0 div 0: nothing to show, never NaN in a cell
        return _number(value)
    if isinstance(value, datetime):
        return format_datetime(value, tz)
    if isinstance(value, date):
        return format_date(value)
    return clean_text(str(value))


def _status_text(record: SubmissionRecord) -> str:
    """The status cell: 'Nộp muộn' for a report first sent after the deadline, as the status
    tab says (only the words change: the column is found by its header, old sheets read on)."""
    text = SUBMISSION_STATUS_VI.get(record.status, record.status)
    if record.late and record.status in ("submitted", "reopened"):
        return LATE_VI if record.status == "submitted" else f"{text} ({LATE_VI.lower()})"
    return text


def record_row(
    layout: FormLayout, record: SubmissionRecord, tz: str = DEFAULT_TZ
) -> list[CellValue]:
    """Return a submission's cells, aligned with `layout_headers(layout)`."""
    row: list[CellValue] = [
        record.submission_id,
        clean_text(record.unit_name),
        UNIT_TYPE_VI.get(record.unit_type, record.unit_type),
        clean_text(record.period_label),
        _status_text(record),
        clean_text(record.submitted_by or ""),
        format_datetime(record.submitted_at, tz),
        format_datetime(record.updated_at, tz),
        record.revision,
        _number(record.template_version),
    ]
    row.extend(
        format_answer(column, record.answers.get(column.question_id), tz)
        for column in layout.columns
    )
    return row


def parse_submission_id(cell: Any) -> int | None:
    """Read a submission id back from a cell ('12', 12, 12.0); None for anything else."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else None
    if isinstance(cell, str):
        text = cell.strip()
        return int(text) if text.isdigit() and text.isascii() else None
    return None
