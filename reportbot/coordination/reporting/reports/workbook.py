"""The consolidated workbook: summary, per-unit table, late units and free-text answers.

Numbers keep thousands grouping, percentages are % cells, submission times are date cells, and
every sheet prints on A4 landscape (see reportbot/office_xlsx.py)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from reportbot.conversation.parsing_types import datetime_value
from reportbot.conversation.values import format_value, is_empty
from reportbot.coordination.reporting.consolidate import Consolidation
from reportbot.coordination.reporting.formatting import bucket_label, local_date, local_time
from reportbot.coordination.reporting.rounding import decimals
from reportbot.coordination.texts import t, unit_type_name
from reportbot.forms.schema import NUMERIC_TYPES, Question, pick
from reportbot.office_xlsx import (
    PERCENT_FORMAT,
    as_percent,
    fit_columns,
    number_format,
    save_workbook,
    setup_print,
    wrap_long_text,
)

SHEET_SUMMARY = "Tổng hợp"
SHEET_UNITS = "Theo đơn vị"
SHEET_LATE = "Nộp muộn, chưa nộp"  # late, and after the deadline not filed
SHEET_TEXTS = "Ý kiến"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
LATE_FILL = PatternFill("solid", start_color="FCE4D6")


def write_workbook(consolidation: Consolidation, path: Path, *, tz: tzinfo) -> None:
    """Write the four sheets to an .xlsx file (mode 0644)."""
    book = Workbook()
    summary = book.active
    summary.title = SHEET_SUMMARY
    _summary(summary, consolidation, tz)
    _units(book.create_sheet(SHEET_UNITS), consolidation, tz)
    _late(book.create_sheet(SHEET_LATE), consolidation, tz)
    _texts(book.create_sheet(SHEET_TEXTS), consolidation)
    save_workbook(book, path, mode=0o644)  # handed on: readable whatever the umask


def _put(sheet: Worksheet, row: int, values: list[Any], *, font: Font | None = None) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell.data_type = "s"  # never a formula, whatever an officer typed
        elif isinstance(value, Decimal):
            cell.value = int(value) if value == value.to_integral_value() else float(value)
        else:
            cell.value = value
        shown = number_format(cell.value)
        if shown is not None:
            cell.number_format = shown
        if font is not None:
            cell.font = font


def _header(sheet: Worksheet, row: int, titles: list[str]) -> int:
    _put(sheet, row, titles, font=BOLD)
    for column in range(1, len(titles) + 1):
        sheet.cell(row=row, column=column).fill = HEADER_FILL
        sheet.cell(row=row, column=column).alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="center"
        )
    return row


def _percent(sheet: Worksheet, row: int, column: int) -> None:
    """Turn a stored percentage (66.7) into a % cell (0.667, shown as 66.7%)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        cell.value = as_percent(cell.value)
        cell.number_format = PERCENT_FORMAT


def _finish(
    sheet: Worksheet,
    *,
    headers: set[int],
    first_row: int,
    freeze: str | None,
    title_cols: str | None = None,
) -> None:
    """Widths from content, wrapped long text, frozen header, print setup."""
    fit_columns(sheet, first_row=first_row, header_rows=headers)
    wrap_long_text(sheet, first_row=first_row)
    sheet.freeze_panes = freeze
    setup_print(sheet, header_rows="1:1" if freeze else None, title_cols=title_cols)


def _local(moment: datetime | None, tz: tzinfo) -> datetime | None:
    """A moment as a naive local date-time: a date cell a spreadsheet can sort and filter."""
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


def _summary(sheet: Worksheet, data: Consolidation, tz: tzinfo) -> None:
    title = f"{pick(data.template.title, 'vi')} – {data.period.label_vi}"
    _put(sheet, 1, [title], font=TITLE)
    deadline = local_date(data.period.deadline, tz)
    _put(sheet, 2, [f"Hạn nộp: {deadline}. Lập lúc {local_time(data.generated_at, tz)}."])
    _put(sheet, 3, [f"Số liệu tính trên {data.filed}/{data.total} đơn vị đã nộp."])
    counts = data.status.counts()
    row = 4
    headers = {_header(sheet, row, ["Tình hình nộp báo cáo", "Số đơn vị"])}
    lines = [("Phải nộp", data.total), ("Đã nộp", data.filed)]
    overdue = data.status.overdue(data.generated_at)
    lines += [(bucket_label(bucket, overdue=overdue), count) for bucket, count in counts.items()]
    lines.append(("Đang mở lại để sửa", sum(1 for r in data.reports if r.status.reopened)))
    for label, count in lines:
        row += 1
        _put(sheet, row, [label, count])
    headers.add(row + 2)
    row = _indicators(sheet, row + 2, data)
    headers.add(row + 2)
    row = _numbers(sheet, row + 2, data)
    headers.add(row + 2)
    _choices(sheet, row + 2, data)
    _finish(sheet, headers=headers, first_row=4, freeze=None)


def _indicators(sheet: Worksheet, row: int, data: Consolidation) -> int:
    titles = ["Chỉ tiêu", "Đạt được", "Trên tổng", "Tỷ lệ", "Mục tiêu", "Thời hạn"]
    _header(sheet, row, [*titles, "Đánh giá", "Số đơn vị tính"])
    for result in data.indicators:
        row += 1
        verdict = result.verdict
        percent = result.indicator.is_percent
        value = result.percent if percent else result.value
        _put(
            sheet,
            row,
            [
                pick(result.indicator.label, "vi"),
                result.numerator,
                result.denominator if percent or result.indicator.kind == "average" else "",
                value if value is not None else "",
                result.indicator.target if result.indicator.target is not None else "",
                result.indicator.due,
                t(verdict),
                result.units,
            ],
        )
        if percent:
            _percent(sheet, row, 4)
            _percent(sheet, row, 5)
        _telling_format(sheet.cell(row=row, column=4), value, percent=percent)
    return row


def _telling_format(cell: Any, value: Decimal | None, *, percent: bool) -> None:
    """Show every decimal of a figure that has more than its cell's format shows: one kept
    apart from its target (`rounding.telling`: 99,95%, not 100,0%; 0,125, not 0,13)."""
    places = decimals(value) if value is not None else 0
    if places > (1 if percent else 2):
        zeros = "0" * places
        cell.number_format = f"0.{zeros}%" if percent else f"#,##0.{zeros}"


def _numbers(sheet: Worksheet, row: int, data: Consolidation) -> int:
    titles = ["Số liệu", "Tổng", "Trung bình mỗi đơn vị", "Số đơn vị có số liệu"]
    # The base is the filed units the question was asked of (a question for one unit type
    # is over those units, not every unit that filed).
    _header(sheet, row, [*titles, "Trên số đơn vị được hỏi (đã nộp)", "Cách tính"])
    for summary in data.numbers:
        row += 1
        average = summary.average if summary.average is not None else ""
        total = summary.shown_total if summary.shown_total is not None else ""
        how = "trung bình (tỷ lệ, không cộng)" if summary.averaged else "tổng và trung bình"
        how += " (trung bình làm tròn đến đồng)" if summary.in_dong else ""
        label = pick(summary.question.label, "vi")
        _put(sheet, row, [label, total, average, summary.count, summary.asked, how])
    return row


def _choices(sheet: Worksheet, row: int, data: Consolidation) -> int:
    titles = ["Câu hỏi", "Lựa chọn", "Số đơn vị chọn", "Tỷ lệ", "Số đơn vị trả lời"]
    _header(sheet, row, [*titles, "Trên số đơn vị được hỏi (đã nộp)"])
    for summary in data.choices:
        for option in summary.options:
            row += 1
            share = option.share if option.share is not None else ""
            label = pick(summary.question.label, "vi")
            _put(
                sheet,
                row,
                [
                    label,
                    pick(option.label, "vi"),
                    option.units,
                    share,
                    option.answered,
                    summary.asked,
                ],
            )
            _percent(sheet, row, 4)
    return row


def _answer(question: Question, value: Any) -> Any:
    if is_empty(value):
        return None
    if question.type in NUMERIC_TYPES:
        return Decimal(str(value))
    if question.type == "date" and isinstance(value, date):
        return value
    if question.type == "datetime" and isinstance(value, str):
        moment = datetime_value(value)  # a real date-time cell, not text
        return moment if moment is not None else value
    if question.type == "select_one" and isinstance(value, list):  # a repeat's entries
        return "; ".join(format_value(question, item, "vi") for item in value)
    return format_value(question, value, "vi")


def _units(sheet: Worksheet, data: Consolidation, tz: tzinfo) -> None:
    questions = data.questions
    # The figures are the latest sending's: its number and time beside the first sending
    # (which decides on time or late), as the mirror's "Lần gửi" and "Cập nhật lần cuối".
    titles = ["Mã đơn vị", "Đơn vị", "Loại đơn vị", "Tình trạng", "Gửi lần đầu lúc"]
    titles += ["Lần gửi (bản đang tính)", "Bản đang tính gửi lúc"]
    _header(sheet, 1, titles + [pick(q.label, "vi") for q in questions])
    reports = {report.status.unit_id: report for report in data.reports}
    overdue = data.status.overdue(data.generated_at)
    for row, unit in enumerate(data.status.units, start=2):
        status = bucket_label(unit.bucket, overdue=overdue) + (" (mở lại)" if unit.reopened else "")
        values: list[Any] = [
            unit.code,
            unit.label,
            unit_type_name(unit.type),
            status,
            _local(unit.submitted_at, tz),
        ]
        report = reports.get(unit.unit_id)
        if report is not None:
            values += [report.revision, _local(report.sent_at, tz)]
            values += [_answer(q, report.answers.get(q.id)) for q in questions]
        _put(sheet, row, values)
        if unit.bucket == "late":
            for column in range(1, len(titles) + 1):
                sheet.cell(row=row, column=column).fill = LATE_FILL
    _finish(sheet, headers={1}, first_row=1, freeze="C2", title_cols="A:B")


def _late(sheet: Worksheet, data: Consolidation, tz: tzinfo) -> None:
    _header(sheet, 1, ["Mã đơn vị", "Đơn vị", "Loại đơn vị", "Tình trạng", "Thời điểm gửi"])
    for row, unit in enumerate(data.late, start=2):
        # data.late holds the units not filed only once the deadline has passed
        status = bucket_label(unit.bucket, overdue=True)
        _put(
            sheet,
            row,
            [
                unit.code,
                unit.label,
                unit_type_name(unit.type),
                status,
                _local(unit.submitted_at, tz),
            ],
        )
    if not data.late:
        _put(sheet, 2, ["Không có đơn vị nào nộp muộn hoặc quá hạn chưa nộp."])
    _finish(sheet, headers={1}, first_row=1, freeze="A2")


def _texts(sheet: Worksheet, data: Consolidation) -> None:
    _header(sheet, 1, ["Mã đơn vị", "Đơn vị", "Nội dung", "Ý kiến"])
    row = 1
    for unit, entries in data.texts_by_unit():
        for entry in entries:
            row += 1
            _put(sheet, row, [unit.code, unit.label, pick(entry.question.label, "vi"), entry.text])
    _finish(sheet, headers={1}, first_row=1, freeze="A2")
