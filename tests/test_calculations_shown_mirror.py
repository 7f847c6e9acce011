"""Calculations mirrored to the worksheet (issue 15, "calculate" bullet), through the store.

A real officer files through the whole service; the mirror worker writes the xlsx; each
calculation is a column after the questions, headed by its label (its name when it has none,
as KoboToolbox exports it: https://support.kobotoolbox.org/calculate_questions.html), holding
the value computed from the stored answers. Expected cells are worked out by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from reportbot.forms.schema import FormTemplate
from tests.conftest import FakeClock
from tests.support import markdown_xlsform

WORKBOOK = """
| survey |
| | type | name | label | calculation |
| | integer | nam | Số cán bộ nam | |
| | integer | nu | Số cán bộ nữ | |
| | text | ghi_chu | Ghi chú | |
| | calculate | tong | Tổng số | ${nam} + ${nu} |
| | calculate | ty_le | Tỷ lệ nữ (%) | round(${nu} div ${tong} * 100, 1) |
| | calculate | xep_loai | | if(${ty_le} >= 50, 'đạt', 'chưa đạt') |
| | calculate | ngay_lap | Ngày lập | format-date(today(), '%d/%m/%Y') |
| settings |
| | form_id | form_title |
| | can_bo | Báo cáo cán bộ |
"""


def template(tmp_path: Path) -> FormTemplate:
    """The test's own workbook, loaded as an admin would publish it."""
    return markdown_xlsform(tmp_path, "can_bo", WORKBOOK)


@pytest.fixture
async def service(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Any]:
    from reportbot.app import Application
    from reportbot.config import Settings
    from reportbot.store.forms import store_template
    from tests.support import seed_commune

    await seed_commune()
    # published a year before the clock: both periods owed, so /baocao offers a menu
    await store_template(template(tmp_path), "can_bo.xlsx", now=clock.now - timedelta(days=365))
    application = Application(Settings(database_url=db, media_dir=tmp_path / "m"), clock=clock)
    await application.service.start()
    yield application.service
    await application.service.close()


async def file(service: Any, user: str, typed: list[str]) -> None:
    """One officer opens the first period, types the answers and sends."""
    from tests.support import Chat

    chat = Chat(service, user)
    await chat.say("/baocao")
    await chat.say("1")
    for text in typed:
        await chat.say(text)
    await chat.say("/gui")
    assert "Đã gửi" in await chat.say("có")


async def test_each_calculation_is_a_column_after_the_questions(
    service: Any, clock: FakeClock, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from reportbot.mirror.source import StoreMirrorSource
    from reportbot.mirror.worker import MirrorWorker
    from reportbot.mirror.xlsx import XlsxBackend
    from tests.conftest import TZ

    await file(service, "u-hoiphunu", ["8", "12", "/boqua"])
    await file(service, "u-vhxh", ["6", "/boqua", "/boqua"])
    source = StoreMirrorSource(TZ, clock=clock)
    assert await MirrorWorker(XlsxBackend(tmp_path / "m.xlsx"), source).run_once() >= 1
    sheet = next(s for s in load_workbook(tmp_path / "m.xlsx").worksheets if "cán bộ" in s.title)
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[-7:] == [
        "Số cán bộ nam",
        "Số cán bộ nữ",
        "Ghi chú",
        "Tổng số",
        "Tỷ lệ nữ (%)",
        "xep_loai",  # no label: the name, as KoboToolbox heads it
        "Ngày lập",
    ]
    cells = {
        row[header.index("Số cán bộ nam")]: dict(zip(header, row, strict=True)) for row in rows[1:]
    }
    # by hand: 8 + 12 = 20; 12 / 20 = 60.0 % -> "đạt"
    assert cells[8]["Tổng số"] == 20 and cells[8]["Tỷ lệ nữ (%)"] == 60
    assert cells[8]["xep_loai"] == "đạt"
    # the women's count was skipped: nothing to add, so no total and no rate (empty, never 0)
    assert cells[6]["Tổng số"] in ("", None) and cells[6]["Tỷ lệ nữ (%)"] in ("", None)
    assert cells[6]["xep_loai"] == "chưa đạt"  # ODK: '' >= 50 is false
    # today() is the day the report was sent (the test clock's 26/11/2026), not the
    # machine's day when the sheet is written or rebuilt
    assert {row["Ngày lập"] for row in cells.values()} == {"26/11/2026"}


def test_a_calculation_over_a_repeat_sums_the_stored_entries(tmp_path: Path) -> None:
    from reportbot.conversation.stored_values import stored_values
    from tests.conftest import TZ
    from tests.test_repeats import ROSTER, roster, with_calc

    form = roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})"))
    unit = {"unit_code": "u1", "unit_type": "doan_the", "period_key": "2026-11"}

    def calculated(rows: dict[str, str]) -> dict[str, object]:
        return stored_values(form, rows, sent=None, tz=TZ, **unit).calculated

    # as stored, before calculations were kept: by hand 40 + 38 + 7 = 85
    assert calculated({"so_nguoi": "3", "tuoi[1]": "40", "tuoi[2]": "38", "tuoi[3]": "7"}) == {
        "tong_tuoi": 85
    }
    assert calculated({"so_nguoi": "1", "tuoi[1]": "12"}) == {"tong_tuoi": 12}
