"""The consolidated workbook: summary, per-unit table, late units and free-text answers."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from reportbot.conversation.values import format_value, is_empty
from reportbot.coordination.consolidate import Consolidation
from reportbot.coordination.formatting import bucket_label, local_time
from reportbot.coordination.texts import t, unit_type_name
from reportbot.forms.schema import NUMERIC_TYPES, Question, pick

SHEET_SUMMARY = "Tổng hợp"
SHEET_UNITS = "Theo đơn vị"
SHEET_LATE = "Đơn vị chậm"
SHEET_TEXTS = "Ý kiến"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
LATE_FILL = PatternFill("solid", start_color="FCE4D6")


def write_workbook(consolidation: Consolidation, path: Path, *, tz: tzinfo) -> None:
    """Write the four sheets to an .xlsx file."""
    book = Workbook()
    summary = book.active
    summary.title = SHEET_SUMMARY
    _summary(summary, consolidation, tz)
    _units(book.create_sheet(SHEET_UNITS), consolidation, tz)
    _late(book.create_sheet(SHEET_LATE), consolidation, tz)
    _texts(book.create_sheet(SHEET_TEXTS), consolidation)
    book.save(path)


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
        if isinstance(value, datetime | date):
            cell.number_format = "dd/mm/yyyy hh:mm" if isinstance(value, datetime) else "dd/mm/yyyy"
        if font is not None:
            cell.font = font


def _header(sheet: Worksheet, row: int, titles: list[str]) -> None:
    _put(sheet, row, titles, font=BOLD)
    for column in range(1, len(titles) + 1):
        sheet.cell(row=row, column=column).fill = HEADER_FILL
        sheet.cell(row=row, column=column).alignment = Alignment(wrap_text=True)


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = width


def _summary(sheet: Worksheet, data: Consolidation, tz: tzinfo) -> None:
    title = f"{pick(data.template.title, 'vi')} – {data.period.label_vi}"
    _put(sheet, 1, [title], font=TITLE)
    deadline = data.period.deadline.astimezone(tz).strftime("%d/%m/%Y")
    _put(sheet, 2, [f"Hạn nộp: {deadline}. Lập lúc {local_time(data.generated_at, tz)}."])
    counts = data.status.counts()
    row = 4
    _header(sheet, row, ["Tình hình nộp báo cáo", "Số đơn vị"])
    lines = [("Phải nộp", len(data.status.units))]
    lines += [(bucket_label(bucket), count) for bucket, count in counts.items()]
    for label, count in lines:
        row += 1
        _put(sheet, row, [label, count])
    row += 2
    _header(
        sheet,
        row,
        ["Chỉ tiêu", "Đạt được", "Trên tổng", "Tỷ lệ (%)", "Mục tiêu (%)", "Thời hạn", "Đánh giá"],
    )
    for result in data.indicators:
        row += 1
        verdict = {True: "verdict_met", False: "verdict_not_met", None: "verdict_none"}[result.met]
        _put(
            sheet,
            row,
            [
                pick(result.indicator.label, "vi"),
                result.numerator,
                result.denominator,
                result.percent if result.percent is not None else "",
                result.indicator.target,
                result.indicator.due,
                t(verdict),
            ],
        )
        sheet.cell(row=row, column=4).number_format = "0.0"
    row += 2
    _header(sheet, row, ["Số liệu", "Tổng", "Trung bình mỗi đơn vị", "Số đơn vị có số liệu"])
    for summary in data.numbers:
        row += 1
        average = summary.average if summary.average is not None else ""
        _put(
            sheet, row, [pick(summary.question.label, "vi"), summary.total, average, summary.count]
        )
    _widths(sheet, [60, 14, 14, 14, 14, 12, 14])


def _answer(question: Question, value: Any) -> Any:
    if is_empty(value):
        return None
    if question.type in NUMERIC_TYPES:
        return Decimal(str(value))
    if question.type == "date" and isinstance(value, date):
        return value
    return format_value(question, value, "vi")


def _units(sheet: Worksheet, data: Consolidation, tz: tzinfo) -> None:
    questions = data.questions
    titles = ["Mã đơn vị", "Đơn vị", "Loại đơn vị", "Tình trạng", "Thời điểm gửi"]
    _header(sheet, 1, titles + [pick(q.label, "vi") for q in questions])
    reports = {report.status.unit_id: report for report in data.reports}
    for row, unit in enumerate(data.status.units, start=2):
        status = bucket_label(unit.bucket) + (" (mở lại)" if unit.reopened else "")
        values: list[Any] = [
            unit.code,
            unit.name,
            unit_type_name(unit.type),
            status,
            local_time(unit.submitted_at, tz),
        ]
        report = reports.get(unit.unit_id)
        if report is not None:
            values += [_answer(q, report.answers.get(q.id)) for q in questions]
        _put(sheet, row, values)
        if unit.bucket == "late":
            for column in range(1, 6):
                sheet.cell(row=row, column=column).fill = LATE_FILL
    sheet.freeze_panes = "C2"
    _widths(sheet, [16, 36, 22, 18, 18] + [24] * len(questions))


def _late(sheet: Worksheet, data: Consolidation, tz: tzinfo) -> None:
    _header(sheet, 1, ["Mã đơn vị", "Đơn vị", "Loại đơn vị", "Tình trạng", "Thời điểm gửi"])
    for row, unit in enumerate(data.late, start=2):
        status = bucket_label(unit.bucket) if unit.bucket == "late" else "Chưa nộp"
        _put(
            sheet,
            row,
            [
                unit.code,
                unit.name,
                unit_type_name(unit.type),
                status,
                local_time(unit.submitted_at, tz),
            ],
        )
    if not data.late:
        _put(sheet, 2, ["Không có đơn vị nào nộp chậm."])
    _widths(sheet, [16, 36, 22, 18, 18])


def _texts(sheet: Worksheet, data: Consolidation) -> None:
    _header(sheet, 1, ["Mã đơn vị", "Đơn vị", "Nội dung", "Ý kiến"])
    row = 1
    for unit, entries in data.texts_by_unit():
        for entry in entries:
            row += 1
            _put(sheet, row, [unit.code, unit.name, pick(entry.question.label, "vi"), entry.text])
            sheet.cell(row=row, column=4).alignment = Alignment(wrap_text=True, vertical="top")
    _widths(sheet, [16, 36, 30, 80])
