"""Percentages and averages a coordinator reads are rounded as people round by hand (half up:
6,25% → 6,3%; 0,125 → 0,13), and a target is reached only when the exact figure reaches it
(1.999 of 2.000 staff is 99,95%: not met). A figure rounded onto its target that does not reach
it is shown with the decimals that tell them apart (99,95%, not 100% – chưa đạt), in the chat,
the .xlsx and the .docx alike.

Sixteen units file one known set of reports; every figure below is worked out by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.coordination.reporting.rounding import telling
from reportbot.forms.loader import parse_yaml_template
from reportbot.mirror.extension import build_worker
from reportbot.mirror.records import STATUS_SHEET_TITLE
from reportbot.store.forms import store_template
from reportbot.store.models import FormTemplateRecord, Identity, Person, Unit
from tests.conftest import TZ, FakeClock
from tests.support import Chat, store_submission

FORM = """
key: lam_tron
version: "1"
title: {vi: Báo cáo làm tròn, en: Rounding report}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
indicators:
  - {key: tap_huan, kind: ratio_of_sums, numerator: so_tap_huan, denominator: so_can_bo,
     target: 10, due: 2026, label: Cán bộ được tập huấn}
  - {key: quan_triet, kind: ratio_of_sums, numerator: so_quan_triet, denominator: tong_dang_vien,
     target: 100, due: 2026, label: Đảng viên được quán triệt}
  - {key: buoi, kind: average, question: so_buoi, target: 0.13, due: 2026,
     label: Số buổi bình quân}
questions:
  - {id: co_ke_hoach, type: yes_no, label: "Đơn vị đã ban hành kế hoạch chưa?"}
  - {id: so_can_bo, type: integer, label: Tổng số cán bộ}
  - {id: so_tap_huan, type: integer, label: Số cán bộ được tập huấn}
  - {id: tong_dang_vien, type: integer, label: Tổng số đảng viên}
  - {id: so_quan_triet, type: integer, label: Số đảng viên được quán triệt}
  - {id: so_buoi, type: integer, label: Số buổi tuyên truyền}
"""
CODES = [f"u{n:02d}" for n in range(1, 17)]
SENT = datetime(2026, 12, 10, 9, 0, tzinfo=TZ)


def answers(number: int) -> dict[str, Any]:
    """Unit `number`'s report: u01 alone says yes and trained 1 of 16 staff; u02 informed
    1.999 of 2.000 party members; u01..u08 held 1, 0, 0, ... sessions."""
    found: dict[str, Any] = {"co_ke_hoach": "yes" if number == 1 else "no"}
    if number == 1:
        found |= {"so_can_bo": 16, "so_tap_huan": 1}
    if number == 2:
        found |= {"tong_dang_vien": 2000, "so_quan_triet": 1999}
    if number <= 8:
        found["so_buoi"] = 1 if number == 1 else 0
    return found


# By hand:
#   trained        1/16 = 6,25%     -> 6,3% (half up; half-even gave 6,2%); target 10%: not met
#   informed    1999/2000 = 99,95%  -> 100% to one decimal, the target: 99,95% shown; not met
#   sessions    1/8 = 0,125         -> 0,13 (half up), the target 0,13: 0,125 shown; not met
#   yes          1/16 = 6,25%       -> 6,3%;  no 15/16 = 93,75% -> 93,8%
INDICATOR_LINES = [
    "• Cán bộ được tập huấn: 1/16 = 6,3% (mục tiêu 10%, năm 2026) – chưa đạt; trên 1/16 đơn vị",
    "• Đảng viên được quán triệt: 1.999/2.000 = 99,95% (mục tiêu 100%, năm 2026) – chưa đạt; "
    "trên 1/16 đơn vị",
    "• Số buổi bình quân: trung bình 0,125 (mục tiêu 0,13, năm 2026) – chưa đạt; trên 8/16 đơn vị",
]
CHOICE_LINES = [
    "• Đơn vị đã ban hành kế hoạch chưa? (16/16 đơn vị trả lời):",
    "  – Có: 1 (6,3%)",
    "  – Không: 15 (93,8%)",
]


@pytest.fixture
async def coordinator(db: str, tmp_path: Path) -> AsyncIterator[Chat]:
    template, issues = parse_yaml_template(FORM, "lam_tron.yaml")
    assert issues == [] and template is not None
    await store_template(template, now=datetime(2026, 7, 1, 8, 0, tzinfo=TZ))
    record = await FormTemplateRecord.get(key="lam_tron")
    for number, code in enumerate(CODES, start=1):
        await Unit.create(code=code, name=f"Đơn vị {number:02d}", type="doan_the")
        await store_submission(
            record,
            code,
            answers(number),
            status="submitted",
            period_key="2026-H2",
            moment=SENT,
            submitted_at=SENT,
        )
    person = await Person.create(
        name="Điều phối", unit=await Unit.get(code="u01"), role="coordinator"
    )
    await Identity.create(platform="console", external_id="u-c", chat_id="u-c", person=person)
    clock = FakeClock(datetime(2026, 12, 22, 9, 0, tzinfo=TZ))
    app = Application(Settings(database_url=db, media_dir=tmp_path / "media"), clock=clock)
    await app.service.start()
    try:
        yield Chat(app.service, "u-c")
    finally:
        await app.service.close()


async def test_rounded_half_up_and_targets_met_only_when_reached(coordinator: Chat) -> None:
    replies = await coordinator.send("/tonghop")
    lines = replies[0].text.splitlines()
    start = lines.index("Chỉ tiêu:")
    assert lines[start + 1 : start + 4] == INDICATOR_LINES
    start = lines.index(CHOICE_LINES[0])
    assert lines[start : start + 3] == CHOICE_LINES
    # read by an `average` indicator: averaged, never summed
    assert (
        "• Số buổi tuyên truyền: trung bình 0,13 (tỷ lệ: lấy trung bình, không cộng) · 8/16 đơn vị"
        in lines
    )

    files = {
        Path(r.attachment_path).suffix: r.attachment_path for r in replies if r.attachment_path
    }
    book = load_workbook(files[".xlsx"])["Tổng hợp"]
    by_label = {row[0]: row[1:] for row in book.iter_rows(values_only=True) if row[0]}
    assert by_label["Cán bộ được tập huấn"][:3] == (1, 16, 0.063)
    assert by_label["Đảng viên được quán triệt"][:3] == (1999, 2000, 0.9995)
    assert by_label["Đảng viên được quán triệt"][5] == "chưa đạt"
    assert by_label["Số buổi bình quân"][:3] == (1, 8, 0.125)
    assert by_label["Số buổi bình quân"][5] == "chưa đạt"
    shown = {row[0].value: row[3].number_format for row in book.iter_rows() if row[0].value}
    assert shown["Cán bộ được tập huấn"] == "0.0%"  # 6,3%
    assert shown["Đảng viên được quán triệt"] == "0.00%"  # 99,95%, not 100,0%
    assert shown["Số buổi bình quân"] == "#,##0.000"  # 0,125, not 0,13
    table = Document(files[".docx"]).tables[1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[1][1:] == ["1/16", "6,3%", "10% (2026)", "chưa đạt"]
    assert rows[2][1:] == ["1.999/2.000", "99,95%", "100% (2026)", "chưa đạt"]
    assert rows[3][1:] == ["0,125", "", "0,13 (2026)", "chưa đạt"]


# The sheet's status tab, 11 units: 6 filed (5 on time, 1 late), 5 not.
#   filed   6/11 = 54,545…%  -> 54,5% (kept to 4 places as 0.5455 it showed 54,6%): kept exact
#   on time 5/11 = 45,454…%  -> 45,5%
SHEET_UNITS = [f"s{n:02d}" for n in range(1, 12)]
LATE = datetime(2026, 12, 21, 8, 0, tzinfo=TZ)


async def test_the_status_tab_rounds_its_shares_once(db: str, tmp_path: Path) -> None:
    template, issues = parse_yaml_template(FORM, "lam_tron.yaml")
    assert issues == [] and template is not None
    await store_template(template, now=datetime(2026, 7, 1, 8, 0, tzinfo=TZ))
    record = await FormTemplateRecord.get(key="lam_tron")
    for number, code in enumerate(SHEET_UNITS, start=1):
        await Unit.create(code=code, name=f"Đơn vị {code}", type="doan_the")
        if number <= 6:
            sent = LATE if number == 6 else SENT
            await store_submission(
                record,
                code,
                {"so_buoi": 1},
                status="submitted",
                period_key="2026-H2",
                moment=sent,
                submitted_at=sent,
            )
    settings = Settings(
        database_url=db, media_dir=tmp_path / "media", mirror_xlsx=tmp_path / "mirror.xlsx"
    )
    clock = FakeClock(datetime(2026, 12, 22, 9, 0, tzinfo=TZ))
    await build_worker(settings, clock).refresh_status()  # what the worker does as time passes
    tab = load_workbook(settings.mirror_xlsx)[STATUS_SHEET_TITLE]
    [row] = [row for row in tab.iter_rows() if row[1].value == "năm 2026"]
    assert [cell.value for cell in row[3:8]] == [11, 5, 1, 0, 5]
    shares = row[8:10]
    assert [cell.value for cell in shares] == pytest.approx(
        [6 / 11, 5 / 11], rel=1e-12
    )  # not 0.5455
    assert {cell.number_format for cell in shares} == {"0.0%"}  # shown 54,5% and 45,5%


@pytest.mark.parametrize(
    ("rounded", "exact", "target", "shown"),
    [
        ("100.0", "99.95", "100", "99.95"),  # 1.999/2.000
        ("100.0", "99.9951", "100", "99.995"),  # two decimals still read 100,00
        ("0.13", "0.125", "0.13", "0.125"),  # 1/8 sessions
        ("0.12", "0.1249", "0.1245", "0.125"),  # met, yet 0,12 reads under 0,1245
        ("6.3", "6.25", "10", "6.3"),  # far from the target: as rounded
        ("100.0", "100", "100", "100.0"),  # reached: as rounded
    ],
)
def test_a_rounded_figure_stays_on_its_side_of_the_target(
    rounded: str, exact: str, target: str, shown: str
) -> None:
    assert telling(Decimal(rounded), Decimal(exact), Decimal(target)) == Decimal(shown)
    assert str(telling(Decimal(rounded), Decimal(exact), Decimal(target))) == shown
