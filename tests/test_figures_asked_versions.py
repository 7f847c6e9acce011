"""Questions measured against the units they were asked of, across form versions and days.

The oracle: three units file version 1 of a form on 26/11; version 2 adds two questions; the
fourth unit files version 2 on 02/12, when a question whose `relevant:` reads today() is asked
for the first time. The consolidation run on 02/12 must count each question over the units
that were asked it when they filed, worked out by hand below, never recomputed by the code.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.coordination.reporting.consolidate import Consolidation, consolidate
from reportbot.coordination.reporting.reports import write_report
from reportbot.coordination.reporting.summary_text import render_summary
from reportbot.forms.loader import parse_yaml_template, template_from_definition
from reportbot.periods import period_by_key
from reportbot.store.forms import store_template
from reportbot.store.models import FormTemplateRecord, Submission
from tests.conftest import TZ, FakeClock
from tests.support import Chat, seed_commune

V1 = """
key: hoi_theo_ban
version: "1"
title: {vi: Báo cáo hỏi theo phiên bản}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: so, type: integer, label: Số cũ}
  - {id: kinh_phi, type: integer, label: Kinh phí (đồng)}
  - {id: thang12, type: integer, label: Câu từ tháng 12,
     relevant: "today() >= date('2026-12-01')"}
indicators:
  - {key: kp_bq, kind: average, question: kinh_phi, target: 250000, label: Kinh phí bình quân}
"""
# version 2 adds a number and a choice; the older reports never saw them
V2 = V1.replace('version: "1"', 'version: "2"').replace(
    "indicators:",
    """  - {id: moi, type: integer, label: Câu mới}
  - {id: chon, type: select_one, label: Câu chọn mới,
     choices: [{value: a, label: Có}, {value: b, label: Không}]}
indicators:""",
)
FIRST_DAY = datetime(2026, 11, 26, 10, 0)  # local: thang12 not asked yet
LATER_DAY = datetime(2026, 12, 2, 10, 0)  # local: thang12 asked; /tonghop runs this day
# v1, 26/11: so and kinh_phi only
OLD_UNITS = {"hoiphunu": ("10", "1000000"), "th_dakpxi": ("20", "1"), "cns_thon1": ("30", "1")}
NEW_UNIT = ("vhxh", ("40", "0", "7", "5", "1"))  # v2, 02/12: so, kinh_phi, thang12, moi, chon a

# ----- The expected figures, by hand -----------------------------------------------------
# question: (total, units with a figure, units asked of the four filed)
NUMBERS = {
    "so": (Decimal(100), 4, 4),  # 10 + 20 + 30 + 40, asked of all
    "thang12": (Decimal(7), 1, 1),  # asked of vhxh only: the others filed on 26/11
    "moi": (Decimal(5), 1, 1),  # in version 2 only: asked of vhxh only
}
# kinh_phi averaged: (1.000.000 + 1 + 1 + 0) / 4 = 250.000,5 đồng: whole đồng, half up
AVERAGE = (Decimal(1_000_002), Decimal(4), Decimal(250_001), True)
CHAT_LINES = [
    "• Số cũ: 100 · 25 · 4/4 đơn vị",
    "• Câu từ tháng 12: 7 · 7 · 1/1 đơn vị được hỏi (câu không hỏi 3 đơn vị đã nộp)",
    "• Câu mới: 5 · 5 · 1/1 đơn vị được hỏi (câu không hỏi 3 đơn vị đã nộp)",
]


@pytest.fixture
async def filed(db: str, tmp_path: Path) -> AsyncIterator[tuple[Consolidation, Path]]:
    clock = FakeClock(FIRST_DAY.replace(tzinfo=TZ))
    await seed_commune()
    await store_template(parsed(V1), "hoi_theo_ban.yaml", now=clock.now - timedelta(days=365))
    application = Application(Settings(database_url=db, media_dir=tmp_path / "m"), clock=clock)
    await application.service.start()
    try:
        for unit, typed in OLD_UNITS.items():
            await file(application.service, unit, typed)
        await store_template(parsed(V2), "hoi_theo_ban.yaml", now=clock.now)
        application.service.repository.forget_forms()  # what publishing a version does
        clock.set_local(LATER_DAY)
        await file(application.service, NEW_UNIT[0], NEW_UNIT[1])
        yield await consolidated(clock), tmp_path
    finally:
        await application.service.close()


def parsed(text: str):  # type: ignore[no-untyped-def]
    template, issues = parse_yaml_template(text, "hoi_theo_ban.yaml")
    assert template is not None, issues
    return template


async def file(service: object, unit: str, typed: tuple[str, ...]) -> None:
    chat = Chat(service, f"u-{unit}")  # type: ignore[arg-type]
    for text in ("/baocao", "2", *typed, "/gui"):
        await chat.say(text)
    assert "Đã gửi" in await chat.say("có")


async def consolidated(clock: FakeClock) -> Consolidation:
    record = await FormTemplateRecord.filter(key="hoi_theo_ban").order_by("-id").first()
    template = template_from_definition(record.definition)  # type: ignore[union-attr]
    period_key = (await Submission.filter(form_key="hoi_theo_ban").first()).period_key  # type: ignore[union-attr]
    period = period_by_key(template.period, period_key, TZ)
    return await consolidate("hoi_theo_ban", template, period, now=clock.now, tz=TZ)


async def test_each_question_is_over_the_units_asked_when_they_filed(filed) -> None:  # type: ignore[no-untyped-def]
    data, _ = filed
    assert data.filed == 4
    found = {
        n.question.id: (n.total, n.count, n.asked) for n in data.numbers if n.question.id in NUMBERS
    }
    assert found == NUMBERS
    (result,) = data.indicators
    assert (result.numerator, result.denominator, result.value, result.met) == AVERAGE
    text = render_summary(data, "vi").splitlines()
    for line in CHAT_LINES:
        assert line in text
    assert (
        "• Kinh phí bình quân: trung bình 250.001 (mục tiêu 250.000) – đạt; trên 4/4 đơn vị" in text
    )


async def test_the_files_count_the_units_asked(filed) -> None:  # type: ignore[no-untyped-def]
    data, folder = filed
    book = load_workbook(write_report(data, "xlsx", folder / "tong_hop.xlsx", tz=TZ))
    rows = {row[0]: row for row in book["Tổng hợp"].iter_rows(values_only=True) if row}
    # reached, over, the average in whole đồng, the target
    assert rows["Kinh phí bình quân"][1:5] == (1_000_002, 4, 250_001, 250_000)
    # total, average, units with a figure, units asked
    assert rows["Câu mới"][1:5] == (5, 5, 1, 1)
    assert rows["Câu từ tháng 12"][1:5] == (7, 7, 1, 1)
    document = Document(str(write_report(data, "docx", folder / "tong_hop.docx", tz=TZ)))
    cells = [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    assert ["Kinh phí bình quân (trên 4/4 đơn vị)", "250.001", "", "250.000", "đạt"] in cells
    assert ["Câu mới (chỉ hỏi 1/4 đơn vị đã nộp)", "5", "5", "1/1"] in cells
    assert ["Câu từ tháng 12 (chỉ hỏi 1/4 đơn vị đã nộp)", "7", "7", "1/1"] in cells
    # the choice asked of vhxh only says so too, as the number rows and the chat do
    chosen = "Câu chọn mới (1/1 đơn vị) (chỉ hỏi 1/4 đơn vị đã nộp)"
    assert [chosen, "Có", "1", "100%"] in cells
