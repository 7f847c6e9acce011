"""The consolidated .docx against Decree 30/2020/NĐ-CP: read as XML, and rendered as an office
prints it (LibreOffice headless → PDF → text and PNG)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from reportbot.coordination.reporting.reports import ReportHeader, write_report
from reportbot.coordination.reporting.reports.document import report_subject
from reportbot.store.models import Unit
from tests.conftest import TZ
from tests.decree_render import first_page_png, pdf_pages, to_pdf
from tests.test_coordination_reports import known_consolidation

# Six more units, none filed: with the seven of the test commune, a commune of 13 units.
MORE_UNITS = (
    ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam xã", "doan_the"),
    ("hoinongdan", "Hội Nông dân xã", "doan_the"),
    ("hoicuuchienbinh", "Hội Cựu chiến binh xã", "doan_the"),
    ("th_thon3", "Trường Tiểu học thôn 3", "truong_hoc"),
    ("mn_hoasen", "Trường Mầm non Hoa Sen", "truong_hoc"),
    ("congan", "Công an xã", "co_quan"),
)
# Written by hand from the seeded reports: filed late, and not filed by the deadline.
LATE = ["Tổ công nghệ số cộng đồng thôn 1"]
MISSING = [
    "Công an xã",
    "Đoàn Thanh niên xã",
    "Hội Cựu chiến binh xã",
    "Hội Nông dân xã",
    "Phòng Văn hóa - Xã hội",
    "Trạm Y tế xã",
    "Trường Mầm non Hoa Sen",
    "Trường Tiểu học thôn 3",
    "Ủy ban Mặt trận Tổ quốc Việt Nam xã",
]
HEADER = ReportHeader.from_env(
    {
        "REPORTBOT_REPORT_SIGNER_TITLE": "KT. TRƯỞNG PHÒNG|PHÓ TRƯỞNG PHÒNG",
        "REPORTBOT_REPORT_SIGNER_NAME": "Nguyễn Thị Hoa",
        "REPORTBOT_REPORT_RECIPIENTS": "UBND xã (b/c); Các cơ quan, đơn vị",
    }
)
DOCS_PNG = Path(__file__).parent.parent / "docs" / "bao-cao-trang-1.png"


async def thirteen_unit_report(tmp_path: Path) -> Path:
    for code, name, unit_type in MORE_UNITS:
        await Unit.create(code=code, name=name, type=unit_type)
    data = await known_consolidation()
    assert data.total == 13
    return write_report(data, "docx", tmp_path / "bao-cao.docx", tz=TZ, header=HEADER)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_printed_report_keeps_the_decree_layout(db: str, tmp_path: Path) -> None:
    pdf = to_pdf(await thirteen_unit_report(tmp_path), tmp_path)
    pages = pdf_pages(pdf)
    assert 1 <= len(pages) <= 4, len(pages)
    lines = [line.strip() for line in pages[0].splitlines() if line.strip()]
    # The issuing authority and the national title share the first printed line, each whole.
    assert re.fullmatch(r"UBND XÃ ĐĂK PXI\s{2,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", lines[0])
    assert re.fullmatch(r"PHÒNG VĂN HÓA - XÃ HỘI\s{2,}Độc lập - Tự do - Hạnh phúc", lines[1])
    assert "BÁO CÁO" in lines
    text = "\n".join(pages)
    # A heading never ends a page: section III and its first line print on the same page.
    assert any("III. ĐƠN VỊ NỘP MUỘN" in page and "Nộp muộn (1 đơn vị):" in page for page in pages)
    section = text[text.index("III. ĐƠN VỊ NỘP MUỘN, CHƯA NỘP") : text.index("IV. ")]
    # (a page may break inside the section: its page number line is not part of the list)
    listed = [line.strip() for line in section.splitlines() if line.strip()]
    listed = [line for line in listed if not line.isdigit()]
    assert listed[1:] == [
        "Nộp muộn (1 đơn vị):",
        *(f"- {name};" for name in LATE),
        "Quá hạn, chưa nộp (9 đơn vị):",
        *(f"- {name};" for name in MISSING),
    ]
    # Page numbers from page 2 only: page 1 has no header, page 2 starts with "2".
    if len(pages) > 1:
        assert pages[1].strip().splitlines()[0].strip() == "2"
    assert not re.match(r"\s*1\s*$", pages[0].strip().splitlines()[0])
    last = pages[-1]
    assert "Nơi nhận:" in last and "PHÓ TRƯỞNG PHÒNG" in last and "Nguyễn Thị Hoa" in last
    # A short number never wraps inside its cell: "1.005" is whole on one line.
    assert re.search(r"\b1\.005\b", text)
    png = first_page_png(pdf, tmp_path / "trang-1.png")
    assert png.stat().st_size > 10_000
    if os.environ.get("REPORTBOT_UPDATE_DOCS"):
        shutil.copy(png, DOCS_PNG)  # refresh the README's picture: REPORTBOT_UPDATE_DOCS=1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_document_xml_follows_the_decree(db: str, tmp_path: Path) -> None:
    document = Document(str(await thirteen_unit_report(tmp_path)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = {
        side: round(getattr(section, f"{side}_margin").mm, 1)
        for side in ("top", "bottom", "left", "right")
    }
    assert 20 <= margins["top"] <= 25 and 20 <= margins["bottom"] <= 25
    assert 30 <= margins["left"] <= 35 and 15 <= margins["right"] <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and Pt(13) <= normal.font.size <= Pt(14)
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs")} == {"Times New Roman"}
    # Page numbers: a PAGE field centred in the header, and an empty header on page 1.
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and 'w:val="center"' in header_xml
    assert "PAGE" not in section.first_page_header._element.xml
    # The header table: borderless, the right column wide enough for the national title.
    grid = document.tables[0]._tbl.tblGrid.gridCol_lst
    assert [round(col.w.cm, 1) for col in grid] == [6.2, 10.3]
    assert 'w:val="nil"' in document.tables[0]._tbl.tblPr.xml
    title = document.tables[0].rows[0].cells[1].paragraphs[0].runs[0]
    assert (title.text, title.bold, title.font.size) == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        True,
        Pt(12),
    )
    # Two short rules: under the issuing body and under the motto, as long as the motto.
    rules = [p for p in document.tables[0]._tbl.iter(qn("w:pBdr"))]
    assert len(rules) == 2
    # Data tables: header row repeated, label column the widest, numbers narrow.
    for table in document.tables[1:-1]:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        widths = [col.w.cm for col in table._tbl.tblGrid.gridCol_lst]
        assert widths[0] == max(widths) and abs(sum(widths) - 16.5) < 0.05
    figures = [col.w.cm for col in document.tables[2]._tbl.tblGrid.gridCol_lst]
    assert figures[0] > 8 and all(width < 3.6 for width in figures[1:])
    # The signature block: recipients 11 pt after a bold italic label, signer title and name.
    left, right = document.tables[-1].rows[0].cells
    label = left.paragraphs[0].runs[0]
    assert (label.text, label.bold, label.italic) == ("Nơi nhận:", True, True)
    assert [p.text for p in left.paragraphs[1:]] == [
        "- UBND xã (b/c);",
        "- Các cơ quan, đơn vị;",
        "- Lưu: VT, VHXH.",
    ]
    assert {p.runs[0].font.size for p in left.paragraphs[1:]} == {Pt(11)}
    signer = [p.text for p in right.paragraphs]
    assert signer[:2] == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    assert signer[-1] == "Nguyễn Thị Hoa" and signer[2:-1] == ["", "", "", ""]


@pytest.mark.parametrize(
    ("title", "subject"),
    [
        (
            "Báo cáo kết quả thực hiện Nghị quyết 57",
            "Tổng hợp báo cáo kết quả thực hiện Nghị quyết 57",
        ),
        ("Báo cáo nhanh Nghị quyết 57", "Tổng hợp báo cáo nhanh Nghị quyết 57"),
        ("Báo cáo Quý phong trào  thi đua", "Tổng hợp báo cáo quý phong trào thi đua"),
        ("Lớp tập huấn", "Tổng hợp báo cáo lớp tập huấn"),
        ("UBND xã: số liệu", "Tổng hợp báo cáo UBND xã: số liệu"),
        ("BÁO CÁO: Nghị quyết 57", "Tổng hợp báo cáo Nghị quyết 57"),
    ],
)
def test_a_form_title_becomes_a_clean_subject(title: str, subject: str) -> None:
    assert report_subject(title) == subject


def test_the_signer_and_recipients_come_from_the_environment() -> None:
    assert ReportHeader.from_env({}) == ReportHeader()
    header = ReportHeader.from_env(
        {
            "REPORTBOT_REPORT_SIGNER": "TRƯỞNG PHÒNG",
            "REPORTBOT_REPORT_SIGNER_TITLE": "CHỦ TỊCH",
            "REPORTBOT_REPORT_SIGNER_NAME": "  Y Blứk  ",
            "REPORTBOT_REPORT_RECIPIENTS": " Thường trực Đảng ủy;; UBND xã (b/c). ;",
            "REPORTBOT_REPORT_PLACE": "Kon Tum",
        }
    )
    assert header.signer == "CHỦ TỊCH"  # the new name wins over the old one
    assert header.signer_name == "Y Blứk"
    assert header.recipients == ("Thường trực Đảng ủy", "UBND xã (b/c)")
    assert header.place == "Kon Tum"
