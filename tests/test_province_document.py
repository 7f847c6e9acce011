"""The Word report a province's coordinator gets reads as the province's: it reports to the
province's People's Committee, not to "Ủy ban nhân dân xã", and goes to "UBND tỉnh (b/c)".

Written from an in-memory consolidation (the chart test's ten units); every expected line is
typed by hand.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document

from reportbot.coordination.reporting.reports import ReportHeader
from reportbot.coordination.reporting.reports.document import write_document
from tests.conftest import TZ
from tests.test_figures_chart import consolidation


def closing(header: ReportHeader, tmp_path: Path) -> tuple[str, list[str]]:
    """The closing sentence and the recipients ("Nơi nhận") of the report under `header`."""
    path = tmp_path / "bao-cao.docx"
    write_document(consolidation(), path, tz=TZ, header=header)
    document = Document(str(path))
    (sentence,) = [p.text for p in document.paragraphs if p.text.startswith("Trên đây")]
    recipients = [p.text for p in document.tables[-1].rows[0].cells[0].paragraphs]
    return sentence, recipients


def test_a_province_report_goes_to_the_province(tmp_path: Path) -> None:
    sentence, recipients = closing(ReportHeader().for_organisation("Tỉnh Hòa Bình"), tmp_path)
    assert sentence == (
        "Trên đây là báo cáo tổng hợp năm 2026 của Phòng Văn hóa - Xã hội, kính báo cáo "
        "Ủy ban nhân dân tỉnh xem xét, chỉ đạo./."
    )
    assert recipients == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Lưu: VT, VHXH."]


def test_a_commune_report_goes_to_the_commune(tmp_path: Path) -> None:
    for header in (ReportHeader(), ReportHeader().for_organisation("Xã An Bình")):
        sentence, recipients = closing(header, tmp_path)
        assert sentence.endswith("kính báo cáo Ủy ban nhân dân xã xem xét, chỉ đạo./.")
        assert recipients == ["Nơi nhận:", "- UBND xã (b/c);", "- Lưu: VT, VHXH."]


def test_configured_recipients_are_kept(tmp_path: Path) -> None:
    env = {"REPORTBOT_REPORT_RECIPIENTS": "Sở Văn hóa (b/c); Ban Tuyên giáo"}
    header = ReportHeader.from_env(env).for_organisation("Tỉnh Hòa Bình")
    sentence, recipients = closing(header, tmp_path)
    assert "kính báo cáo Ủy ban nhân dân tỉnh xem xét" in sentence
    assert recipients == [
        "Nơi nhận:",
        "- Sở Văn hóa (b/c);",
        "- Ban Tuyên giáo;",
        "- Lưu: VT, VHXH.",
    ]


def test_a_province_named_without_its_kind_still_goes_to_the_province(tmp_path: Path) -> None:
    sentence, recipients = closing(
        ReportHeader().for_organisation("Hòa Bình", kind="province"), tmp_path
    )
    assert "kính báo cáo Ủy ban nhân dân tỉnh xem xét" in sentence
    assert recipients == ["Nơi nhận:", "- UBND tỉnh (b/c);", "- Lưu: VT, VHXH."]


async def test_the_stored_kind_of_a_province_heads_its_coordinators_report(db: str) -> None:
    from reportbot.coordination.reporting.reports import header_for
    from reportbot.store.queries.organisations import add_organisation, scope_of

    province = await add_organisation("hoa-binh", "Hòa Bình", "province")
    header = await header_for(ReportHeader(), await scope_of(province.id))
    assert header.addressee == "Ủy ban nhân dân tỉnh"
    assert header.recipients == ("UBND tỉnh (b/c)",)
