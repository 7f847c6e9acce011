"""Building blocks of a Decree 30/2020/NĐ-CP document in python-docx.

Page setup, paragraphs, short rules, borderless layout tables, data tables whose column
widths are fitted to their content, and the page number field. The content of the report is
in document.py; this module only knows how things look on paper.
"""

from __future__ import annotations

import unicodedata

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
# Decree 30/2020/NĐ-CP, Appendix I, section I.4: A4, top and bottom margins 20-25 mm, left
# 30-35 mm, right 15-20 mm.
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
MARGINS_CM = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGINS_CM["left"] - MARGINS_CM["right"]
CELL_PADDING_CM = 0.19  # Word's default left and right cell margin
ALIGN = {
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def page_setup(document) -> None:
    """A4 portrait with the Decree's margins, Times New Roman 14 for the body, page numbers
    centred at the top from page 2 (a different first page with an empty header)."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(PAGE_HEIGHT_CM)
    section.top_margin, section.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    section.header_distance = Cm(1.0)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(3)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_field(number, size=BODY_PT)


def page_field(paragraph: Paragraph, *, size: int) -> None:
    """Append a PAGE field (the current page number) to a paragraph."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text  # the cached result, replaced by the page number when shown
    end = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)


def para(
    target,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    align: str = "justify",
    indent: bool = False,
    space_before: int = 0,
    space_after: int = 3,
    paragraph: Paragraph | None = None,
    keep: bool = False,
) -> Paragraph:
    """Add a one-run paragraph (or fill `paragraph`) with the given look; `keep` keeps it on
    the page of the next one (a heading never ends a page)."""
    paragraph = paragraph if paragraph is not None else target.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    paragraph.alignment = ALIGN[align]
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    if indent:
        fmt.first_line_indent = Cm(1)
    fmt.keep_with_next = keep or None
    return paragraph


def rule(target, *, width_cm: float, column_cm: float) -> Paragraph:
    """A short horizontal line of `width_cm`, centred in a column `column_cm` wide: an empty
    2-point paragraph with a top border, indented from both sides."""
    paragraph = target.add_paragraph()
    side = max(0.0, (column_cm - 2 * CELL_PADDING_CM - width_cm) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(side)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        top.set(qn(f"w:{key}"), value)
    borders.append(top)
    paragraph._p.get_or_add_pPr().append(borders)
    return paragraph


def layout_table(document, widths_cm: list[float]) -> Table:
    """A one-row table without borders, for the header and the signature blocks."""
    table = document.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fix_widths(table, widths_cm)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)
    return table


# Times New Roman advance widths (em) of the signs our tables print most.
PUNCTUATION_EM = {"%": 0.83, "—": 1.0, "–": 0.5, ".": 0.25, ",": 0.25, "/": 0.28, ":": 0.28}


def text_width_cm(text: str, size: int, *, bold: bool = False) -> float:
    """How wide a line of text prints in Times New Roman, roughly (per-character classes of
    its metrics: capitals ~0.7 em, small letters ~0.45 em, digits 0.5 em, spaces 0.25 em)."""
    em = 0.0
    for char in unicodedata.normalize("NFC", text):
        if char in PUNCTUATION_EM:
            em += PUNCTUATION_EM[char]
        elif char.isspace():
            em += 0.25
        elif char.isdigit():
            em += 0.5
        elif char.isupper():
            em += 0.72
        elif char.isalpha():
            em += 0.47
        else:
            em += 0.33
    return em * size * (1.05 if bold else 1.0) / 72 * 2.54


def fit_widths(rows: list[list[str]], *, size: int = TABLE_PT) -> list[float]:
    """Column widths for a data table filling the text width: every column after the first
    gets its longest value on one line (the header may wrap between words), capped at a
    quarter of the page; the first column, the label, takes the rest."""
    cap = TEXT_WIDTH_CM / 4
    widths = []
    for column in range(1, len(rows[0])):
        body = max((text_width_cm(row[column], size) for row in rows[1:]), default=0.0)
        words = rows[0][column].split() or [""]
        head = max(text_width_cm(word, size, bold=True) for word in words)
        head = max(head, text_width_cm(rows[0][column], size, bold=True) * 0.6)  # ≤ 2 lines
        widths.append(min(max(body, head) + 2 * CELL_PADDING_CM + 0.1, cap))
    label_min = TEXT_WIDTH_CM * 0.35
    if sum(widths) > TEXT_WIDTH_CM - label_min:
        scale = (TEXT_WIDTH_CM - label_min) / sum(widths)
        widths = [width * scale for width in widths]
    return [round(TEXT_WIDTH_CM - sum(widths), 2), *(round(width, 2) for width in widths)]


def data_table(document, rows: list[list[str]]) -> Table:
    """A bordered table: bold header row repeated on every page, rows never split across
    pages, labels left-aligned, other columns centred, widths fitted to the content."""
    widths = fit_widths(rows)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fix_widths(table, widths)
    for r, values in enumerate(rows):
        row = table.rows[r]
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if r == 0:
            properties.append(OxmlElement("w:tblHeader"))
        for c, value in enumerate(values):
            cell_text(row.cells[c], value, bold=r == 0, align="left" if c == 0 else "center")
    para(document, space_after=0)
    return table


def cell_text(
    cell: _Cell, text: str, *, bold: bool = False, align: str = "center", size: int = TABLE_PT
) -> None:
    """Replace a cell's text with one paragraph."""
    paragraph = cell.paragraphs[0]
    paragraph.text = ""
    para(cell, text, bold=bold, size=size, align=align, space_after=0, paragraph=paragraph)


def _fix_widths(table: Table, widths_cm: list[float]) -> None:
    """Fixed layout with the grid and every cell at the given widths (Word and LibreOffice
    each read a different one of the three)."""
    table.autofit = False
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths_cm, strict=True):
        column.w = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
