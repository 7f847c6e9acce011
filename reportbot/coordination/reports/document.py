"""The consolidated report as a .docx in the usual layout of a Vietnamese administrative report.

Header (issuing authority and office on the left, national motto on the right, place and
date), title, then: I. filing status, II. results (the plan's indicators, then the figures),
III. late units, then one section per free-text question (good practices, difficulties,
proposals), the closing sentence, recipients and the signature block. Times New Roman 13,
A4 with the margins of Decree 30/2020/NĐ-CP.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from reportbot.coordination.consolidate import Consolidation
from reportbot.coordination.formatting import number_text, percent_text
from reportbot.coordination.reports import ReportHeader
from reportbot.coordination.texts import t
from reportbot.forms.schema import pick

FONT = "Times New Roman"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def write_document(
    consolidation: Consolidation, path: Path, *, tz: tzinfo, header: ReportHeader
) -> None:
    """Write the report to a .docx file."""
    document = Document()
    _page_setup(document)
    _heading_block(document, consolidation, tz, header)
    data = consolidation
    title = pick(data.template.title, "vi")
    subject = title[len("Báo cáo ") :] if title.lower().startswith("báo cáo ") else title
    _para(document, "BÁO CÁO", bold=True, size=14, align="center", space_before=12)
    _para(
        document,
        f"{subject[:1].upper()}{subject[1:]}, {data.period.label_vi}",
        bold=True,
        align="center",
        space_after=12,
    )
    _para(
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
    _section(document, next(sections), "ĐƠN VỊ NỘP CHẬM, CHƯA NỘP")
    if data.late:
        for unit in data.late:
            state = "nộp muộn" if unit.bucket == "late" else "chưa nộp"
            _para(document, f"- {unit.name}: {state}.", indent=True)
    else:
        _para(document, "Không có đơn vị nào nộp chậm.", indent=True)
    for question in [q for q in data.questions if q.type == "long_text"]:
        _section(document, next(sections, "*"), pick(question.label, "vi").upper())
        entries = data.texts_for(question.id)
        for entry in entries:
            _para(document, f"- {entry.unit.name}: {entry.text}", indent=True)
        if not entries:
            _para(document, "Không có ý kiến.", indent=True)
    _para(
        document,
        f"Trên đây là báo cáo tổng hợp {data.period.label_vi} của {header.office_name}"
        ", kính báo cáo Ủy ban nhân dân xã xem xét, chỉ đạo./.",
        indent=True,
        space_before=6,
    )
    _signature(document, header)
    document.save(str(path))


def _results(document, data: Consolidation) -> None:
    """Section II: the base, the indicators, the figures and the choice questions."""
    _para(
        document,
        f"Các số liệu dưới đây tính trên {data.filed}/{data.total} đơn vị đã nộp.",
        italic=True,
        indent=True,
    )
    _para(document, "1. Các chỉ tiêu của kế hoạch", bold=True, indent=True)
    _indicator_table(document, data)
    _para(document, "2. Số liệu tổng hợp", bold=True, indent=True)
    if data.numbers:
        rows = [["Nội dung", "Tổng", "Trung bình/đơn vị", "Số đơn vị"]]
        for summary in data.numbers:
            label = pick(summary.question.label, "vi")
            if summary.averaged:
                label += " (tỷ lệ: lấy trung bình, không cộng)"
            rows.append(
                [
                    label,
                    number_text(summary.shown_total),
                    number_text(summary.average),
                    f"{summary.count}/{data.filed}",
                ]
            )
        _table(document, rows, widths=[8.5, 2.8, 2.8, 1.9])
    if data.choices:
        _para(document, "3. Các nội dung lựa chọn", bold=True, indent=True)
        rows = [["Nội dung", "Lựa chọn", "Số đơn vị", "Tỷ lệ"]]
        for choice in data.choices:
            label = f"{pick(choice.question.label, 'vi')} ({choice.answered}/{data.filed} đơn vị)"
            for option in choice.options:
                rows.append(
                    [label, pick(option.label, "vi"), str(option.units), percent_text(option.share)]
                )
                label = ""
        _table(document, rows, widths=[7.0, 5.0, 2.0, 2.0])


def _filing(document, data: Consolidation, tz: tzinfo) -> None:
    counts = data.status.counts()
    reopened = sum(1 for report in data.reports if report.status.reopened)
    note = f"; {reopened} đơn vị đang được mở lại để sửa, tính theo lần nộp gần nhất"
    note = note if reopened else ""
    _para(
        document,
        f"Tổng số đơn vị phải báo cáo: {data.total}. Đã gửi {data.filed}/{data.total} đơn vị "
        f"(đúng hạn {counts['on_time']}, muộn {counts['late']}{note}); đang soạn "
        f"{counts['drafting']}; chưa bắt đầu {counts['not_started']}. Hạn nộp: hết ngày "
        f"{data.period.deadline.astimezone(tz).strftime('%d/%m/%Y')}.",
        indent=True,
    )


def _indicator_table(document, data: Consolidation) -> None:
    if not data.indicators:
        _para(document, "Mẫu báo cáo này không có chỉ tiêu của kế hoạch.", indent=True)
        return
    verdict = {True: "verdict_met", False: "verdict_not_met", None: "verdict_none"}
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
        rows.append([label, value, rate, target + due, t(verdict[result.met])])
    _table(document, rows, widths=[7.0, 2.5, 2.0, 2.5, 2.0])


def _page_setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(3)


def _para(
    target,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    align: str = "justify",
    indent: bool = False,
    space_before: int = 0,
    space_after: int = 3,
) -> Paragraph:
    paragraph = target.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    paragraph.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    if indent:
        fmt.first_line_indent = Cm(1)
    return paragraph


def _cell_lines(cell, lines: list[tuple[str, bool, bool]], size: int = 13) -> None:
    cell.paragraphs[0].text = ""
    for index, (text, bold, italic) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)


def _heading_block(document, data: Consolidation, tz: tzinfo, header: ReportHeader) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    _cell_lines(
        left,
        [
            (header.authority, False, False),
            (header.office, True, False),
            ("", False, False),
            (f"Số:      /BC-{header.office_short}", False, False),
        ],
    )
    day = data.generated_at.astimezone(tz)
    _cell_lines(
        right,
        [
            ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
            ("Độc lập - Tự do - Hạnh phúc", True, False),
            ("", False, False),
            (
                f"{header.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
                False,
                True,
            ),
        ],
    )


def _section(document, number: str, title: str) -> None:
    _para(document, f"{number}. {title}", bold=True, align="left", space_before=6)


def _table(document, rows: list[list[str]], *, widths: list[float]) -> Table:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.width = Cm(widths[c])
            cell.paragraphs[0].text = ""
            run = cell.paragraphs[0].add_run(value)
            run.font.size = Pt(12)
            run.bold = r == 0
            if c > 0:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph()
    return table


def _signature(document, header: ReportHeader) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run("Nơi nhận:")
    run.bold, run.italic = True, True
    run.font.size = Pt(12)
    for line in ("- UBND xã (b/c);", f"- Lưu: VT, {header.office_short}."):
        paragraph = left.add_paragraph()
        paragraph.add_run(line).font.size = Pt(11)
        paragraph.paragraph_format.space_after = Pt(0)
    _cell_lines(right, [(header.signer, True, False), ("", False, False), ("", False, False)])
