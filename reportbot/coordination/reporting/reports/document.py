"""The consolidated report as a .docx in the usual layout of a Vietnamese administrative report.

Header (issuing authority and office on the left, national motto on the right, place and
date), title, then: I. filing status, II. results (the plan's indicators, then the figures),
III. late units, then one section per free-text question (good practices, difficulties,
proposals), the closing sentence, recipients and the signature block, in the layout of
Decree 30/2020/NĐ-CP (Appendix I): A4, Times New Roman, the national title and the issuing body
on one line each with short rules under them, page numbers from page 2. How things look on
paper is in docx_parts.py.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Pt

from reportbot.coordination.reporting.consolidate import Consolidation
from reportbot.coordination.reporting.formatting import (
    bucket_label,
    local_date,
    number_text,
    percent_text,
)
from reportbot.coordination.reporting.reports import ReportHeader
from reportbot.coordination.reporting.reports.docx_parts import (
    TEXT_WIDTH_CM,
    data_table,
    layout_table,
    page_setup,
    para,
    rule,
    text_width_cm,
)
from reportbot.coordination.texts import t
from reportbot.forms.schema import pick

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def write_document(
    consolidation: Consolidation, path: Path, *, tz: tzinfo, header: ReportHeader
) -> None:
    """Write the report to a .docx file."""
    document = Document()
    page_setup(document)
    _heading_block(document, consolidation, tz, header)
    data = consolidation
    para(document, "BÁO CÁO", bold=True, align="center", space_before=12, space_after=0)
    para(
        document,
        f"{report_subject(pick(data.template.title, 'vi'))}, {data.period.label_vi}",
        bold=True,
        align="center",
        space_after=0,
    )
    rule(document, width_cm=3.0, column_cm=TEXT_WIDTH_CM)
    para(document, space_after=0)
    para(
        document,
        f"{header.office_name} tổng hợp kết quả báo cáo của các cơ quan, đơn vị "
        f"{data.period.label_vi} như sau:",
        indent=True,
    )
    sections = iter(ROMAN)
    _section(document, next(sections), "TÌNH HÌNH NỘP BÁO CÁO")
    _filing(document, data, tz)
    _section(document, next(sections), "KẾT QUẢ THỰC HIỆN")
    _results(document, data)
    _section(document, next(sections), "ĐƠN VỊ NỘP MUỘN, CHƯA NỘP")
    _late(document, data)
    for question in [q for q in data.questions if q.type == "long_text"]:
        _section(document, next(sections, "*"), pick(question.label, "vi").upper())
        entries = data.texts_for(question.id)
        for entry in entries:
            para(document, f"- {entry.unit.label}: {entry.text}", indent=True)
        if not entries:
            para(document, "Không có ý kiến.", indent=True)
    para(
        document,
        f"Trên đây là báo cáo tổng hợp {data.period.label_vi} của {header.office_name}"
        f", kính báo cáo {header.addressee} xem xét, chỉ đạo./.",
        indent=True,
        space_before=6,
    )
    _signature(document, header)
    document.save(str(path))


def _results(document, data: Consolidation) -> None:
    """Section II: the base, the indicators, the figures and the choice questions."""
    para(
        document,
        f"Các số liệu dưới đây tính trên {data.filed}/{data.total} đơn vị đã nộp.",
        italic=True,
        indent=True,
    )
    para(document, "1. Các chỉ tiêu của kế hoạch", bold=True, indent=True, keep=True)
    _indicator_table(document, data)
    para(document, "2. Số liệu tổng hợp", bold=True, indent=True, keep=True)
    if data.numbers:
        rows = [["Nội dung", "Tổng", "Trung bình mỗi đơn vị", "Số đơn vị"]]
        for summary in data.numbers:
            label = pick(summary.question.label, "vi")
            if summary.averaged:
                label += " (tỷ lệ: lấy trung bình, không cộng)"
            if summary.asked < data.filed:  # "1/1", not "1/4": three were never asked
                label += f" (chỉ hỏi {summary.asked}/{data.filed} đơn vị đã nộp)"
            rows.append(
                [
                    label,
                    number_text(summary.shown_total),
                    number_text(summary.average),
                    f"{summary.count}/{summary.asked}",  # over the units it was asked of
                ]
            )
        data_table(document, rows)
    if data.choices:
        para(document, "3. Các nội dung lựa chọn", bold=True, indent=True, keep=True)
        rows = [["Nội dung", "Lựa chọn", "Số đơn vị", "Tỷ lệ"]]
        spans = []
        for choice in data.choices:
            # over the units it was asked of (a question for schools: the schools)
            label = f"{pick(choice.question.label, 'vi')} ({choice.answered}/{choice.asked} đơn vị)"
            if choice.asked < data.filed:  # "(0/1 đơn vị)" alone read as 0 of every unit
                label += f" (chỉ hỏi {choice.asked}/{data.filed} đơn vị đã nộp)"
            spans.append((len(rows), len(rows) + len(choice.options) - 1))
            for option in choice.options:
                rows.append(
                    [label, pick(option.label, "vi"), str(option.units), percent_text(option.share)]
                )
                label = ""
        table = data_table(document, rows)
        for first, last in spans:
            if last > first:  # one label cell for all the options of a question
                merged = table.cell(first, 0).merge(table.cell(last, 0))
                for extra in merged.paragraphs[1:]:  # the merged empty cells' paragraphs
                    if not extra.text:
                        extra._p.getparent().remove(extra._p)


def _filing(document, data: Consolidation, tz: tzinfo) -> None:
    counts = data.status.counts()
    reopened = sum(1 for report in data.reports if report.status.reopened)
    note = f"; {reopened} đơn vị đang được mở lại để sửa, tính theo lần nộp gần nhất"
    note = note if reopened else ""
    # The states in the chat's and the workbook's words ("quá hạn, chưa nộp" after the
    # deadline, never "chưa bắt đầu"), lower case inside the sentence.
    overdue = data.status.overdue(data.generated_at)
    drafting, missing = (
        bucket_label(bucket, overdue=overdue).lower() for bucket in ("drafting", "not_started")
    )
    para(
        document,
        f"Tổng số đơn vị phải báo cáo: {data.total}. Đã gửi {data.filed}/{data.total} đơn vị "
        f"(đúng hạn {counts['on_time']}, muộn {counts['late']}{note}); {drafting} "
        f"{counts['drafting']}; {missing} {counts['not_started']}. Hạn nộp: hết ngày "
        f"{local_date(data.period.deadline, tz)}.",
        indent=True,
    )


def _indicator_table(document, data: Consolidation) -> None:
    if not data.indicators:
        para(document, "Mẫu báo cáo này không có chỉ tiêu của kế hoạch.", indent=True)
        return
    rows = [["Chỉ tiêu", "Kết quả", "Tỷ lệ", "Mục tiêu", "Đánh giá"]]
    for result in data.indicators:
        indicator = result.indicator
        if indicator.is_percent:
            value = f"{number_text(result.numerator)}/{number_text(result.denominator)}"
            rate = percent_text(result.percent)
            target = percent_text(indicator.target) if indicator.target is not None else "—"
        else:
            value, rate = number_text(result.value), ""
            target = number_text(indicator.target) if indicator.target is not None else "—"
        due = f" ({indicator.due})" if indicator.due else ""
        label = f"{pick(indicator.label, 'vi')} (trên {result.units}/{data.filed} đơn vị)"
        rows.append([label, value, rate, target + due, t(result.verdict)])
    data_table(document, rows)


# Kinds of legal document: capitalised when they name one ("Nghị quyết 57", "Kế hoạch số 12").
DOCUMENT_NAMES = ("nghị quyết", "nghị định", "quyết định", "chỉ thị", "kế hoạch", "thông tư")


def report_subject(title: str) -> str:
    """The line under "BÁO CÁO" from a form's title: "Tổng hợp báo cáo ..." whatever the form
    calls itself ("Báo cáo kết quả thực hiện Nghị quyết 57", "Báo cáo nhanh ...", "Lớp tập
    huấn"), so a modifier after "Báo cáo" never becomes the first word of an odd subtitle."""
    words = " ".join(title.split())
    if words.lower().startswith("báo cáo"):
        words = words[len("báo cáo") :].strip(" :-–")
    first = words.split(" ", 1)[0]
    named = words.lower().startswith(DOCUMENT_NAMES)  # "Nghị quyết 57" names one document
    if first[:1].isupper() and not first.isupper() and not named:
        words = words[:1].lower() + words[1:]  # a common noun, not an acronym such as "UBND"
    return f"Tổng hợp báo cáo {words}".strip()


def _late(document, data: Consolidation) -> None:
    """Section III: every unit late or missing, by name, grouped by state."""
    late = [unit.label for unit in data.late if unit.bucket == "late"]
    missing = [unit.label for unit in data.late if unit.bucket != "late"]
    if not data.late:
        para(document, "Không có đơn vị nào nộp muộn hoặc chưa nộp.", indent=True)
    # The digest's words: "Nộp muộn" (never "Nộp chậm"), and "Quá hạn, chưa nộp" (listed
    # only after the deadline: Consolidation.late).
    for label, names in (
        (f"Nộp muộn ({len(late)} đơn vị)", late),
        (f"Quá hạn, chưa nộp ({len(missing)} đơn vị)", missing),
    ):
        if not names:
            continue
        para(document, f"{label}:", indent=True, italic=True, keep=True)
        for name in names:
            para(document, f"- {name};", indent=True)


def _section(document, number: str, title: str) -> None:
    para(document, f"{number}. {title}", bold=True, align="left", space_before=6, keep=True)


def _lines(cell, lines: list[tuple[str, bool, bool, int]]) -> None:
    """Fill a layout cell with centred lines of (text, bold, italic, size)."""
    for index, (text, bold, italic, size) in enumerate(lines):
        target = cell.paragraphs[0] if index == 0 else None
        para(
            cell,
            text,
            bold=bold,
            italic=italic,
            size=size,
            align="center",
            space_after=0,
            paragraph=target,
        )


HEADER_WIDTHS = (6.2, TEXT_WIDTH_CM - 6.2)
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _heading_block(document, data: Consolidation, tz: tzinfo, header: ReportHeader) -> None:
    """Decree 30, Appendix I, II.1-2: the issuing body on the left (the authority above it,
    12-13 pt, the body bold), the national title (bold 12 pt capitals) and the motto (bold
    13 pt) on the right, a short rule under the body and one as long as the motto."""
    table = layout_table(document, list(HEADER_WIDTHS))
    left, right = table.rows[0].cells
    _lines(left, [(header.authority, False, False, 12), (header.office, True, False, 12)])
    body_width = min(text_width_cm(header.office, 12, bold=True), HEADER_WIDTHS[0] - 0.4)
    rule(left, width_cm=max(1.5, body_width / 3), column_cm=HEADER_WIDTHS[0])
    para(left, f"Số:      /BC-{header.office_short}", size=13, align="center", space_before=6)
    _lines(right, [(NATIONAL_TITLE, True, False, 12), (MOTTO, True, False, 13)])
    rule(right, width_cm=text_width_cm(MOTTO, 13, bold=True), column_cm=HEADER_WIDTHS[1])
    day = data.generated_at.astimezone(tz)
    place = f"{header.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"
    para(right, place, italic=True, size=14, align="center", space_before=6)


def _signature(document, header: ReportHeader) -> None:
    """Recipients on the left (bold italic 12 pt label, 11 pt list), the signer on the right:
    title in bold capitals, room for the signature and the seal, then the name in bold."""
    table = layout_table(document, [TEXT_WIDTH_CM / 2 - 0.5, TEXT_WIDTH_CM / 2 + 0.5])
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    para(
        left,
        "Nơi nhận:",
        bold=True,
        italic=True,
        size=12,
        align="left",
        space_after=0,
        paragraph=left.paragraphs[0],
    )
    recipients = [*header.recipients, f"Lưu: VT, {header.office_short}"]
    for index, line in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        para(left, f"- {line}{end}", size=11, align="left", space_after=0)
    lines = [(title, True, False, 14) for title in header.signer.split("|") if title.strip()]
    lines += [("", False, False, 14)] * 4
    lines.append((header.signer_name, True, False, 14))
    _lines(right, lines)
    right.paragraphs[-1].paragraph_format.space_before = Pt(12)
