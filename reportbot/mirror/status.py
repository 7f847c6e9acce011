"""The status worksheet's content: totals and percentages on top, then every unit per form.

Built once as styled rows so both backends show the same thing; each backend maps the styles
("title", "header", "percent") and row highlights ("late", "missing") to its own formatting.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from reportbot.mirror.records import (
    DEFAULT_TZ,
    STATUS_SHEET_TITLE,
    UNIT_TYPE_VI,
    CellValue,
    StatusSheet,
    clean_text,
    format_datetime,
)

STATUS_VI = {
    "on_time": "Đã nộp",
    "late": "Nộp muộn",
    "draft": "Đang soạn",
    "missing": "Chưa nộp",
}
HIGHLIGHTED = frozenset({"late", "missing"})
SUMMARY_HEADERS = (
    "Biểu mẫu",
    "Kỳ báo cáo",
    "Hạn nộp",
    "Phải nộp",
    "Đã nộp đúng hạn",
    "Nộp muộn",
    "Đang soạn",
    "Chưa nộp",
    # Both over the units that must file (a bare "Tỷ lệ đúng hạn" of 0,7 read as 7 of the 9
    # that filed, where it is 7 of the 10 owed).
    "Đã nộp / phải nộp",
    "Đúng hạn / phải nộp",
)
UNIT_HEADERS = ("Mã đơn vị", "Đơn vị", "Loại đơn vị", "Tình trạng", "Thời điểm gửi", "Người gửi")
NOTE = "Trang này do bot ghi lại sau mỗi lần đồng bộ; chỉnh sửa tay tại đây sẽ bị ghi đè."


@dataclass(frozen=True, slots=True)
class StyledCell:
    """A cell value and a style name: '', 'title', 'header', 'note' or 'percent'."""

    value: CellValue
    style: str = ""


@dataclass(frozen=True, slots=True)
class StyledRow:
    """A row of styled cells, highlighted as 'late' or 'missing' when the unit is."""

    cells: tuple[StyledCell, ...] = ()
    highlight: str = ""


def _plain(*values: CellValue, style: str = "") -> tuple[StyledCell, ...]:
    return tuple(StyledCell(value, style) for value in values)


def _share(part: int, total: int) -> StyledCell:
    # Kept exact, shown to 0,1 % by the cell's format: rounded to 4 places first it was rounded
    # twice (6/11 = 54,545…% kept as 0.5455, shown 54,6%; by hand 54,5%), and a coordinator
    # multiplying the share back by the units got 5,995 instead of 6.
    return StyledCell(part / total, "percent") if total else StyledCell("")


def _summary_row(sheet: StatusSheet, tz: str) -> StyledRow:
    counts = Counter(row.status for row in sheet.rows)
    total = len(sheet.rows)
    filed = counts["on_time"] + counts["late"]
    cells = _plain(
        clean_text(sheet.form_title),
        clean_text(sheet.period_label),
        format_datetime(sheet.deadline, tz),
        total,
        counts["on_time"],
        counts["late"],
        counts["draft"],
        counts["missing"],
    )
    return StyledRow((*cells, _share(filed, total), _share(counts["on_time"], total)))


def status_rows(sheets: tuple[StatusSheet, ...], tz: str = DEFAULT_TZ) -> list[StyledRow]:
    """Lay out the status worksheet: title, summary table, then one section per form."""
    rows = [
        StyledRow(_plain(STATUS_SHEET_TITLE, style="title")),
        StyledRow(_plain(NOTE, style="note")),
    ]
    if not sheets:
        rows.append(StyledRow(_plain("Chưa có kỳ báo cáo nào cần theo dõi.")))
        return rows
    rows.append(StyledRow())
    rows.append(StyledRow(_plain(*SUMMARY_HEADERS, style="header")))
    rows.extend(_summary_row(sheet, tz) for sheet in sheets)
    for sheet in sheets:
        rows.append(StyledRow())
        title = f"{clean_text(sheet.form_title)} — {clean_text(sheet.period_label)}"
        rows.append(StyledRow(_plain(title, style="title")))
        rows.append(StyledRow(_plain(*UNIT_HEADERS, style="header")))
        for unit in sheet.rows:
            cells = _plain(
                clean_text(unit.unit_code),
                clean_text(unit.unit_name),
                UNIT_TYPE_VI.get(unit.unit_type, unit.unit_type),
                STATUS_VI.get(unit.status, unit.status),
                format_datetime(unit.submitted_at, tz),
                clean_text(unit.submitted_by or ""),
            )
            highlight = unit.status if unit.status in HIGHLIGHTED else ""
            rows.append(StyledRow(cells, highlight))
    return rows


def status_width(rows: list[StyledRow]) -> int:
    """Return the number of columns the status rows use."""
    return max((len(row.cells) for row in rows), default=1) or 1
