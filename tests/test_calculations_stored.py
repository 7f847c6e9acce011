"""Calculations stored with the report (issue 15, "calculate" bullet), end to end.

ODK stores each `calculate` value in the submission when it is saved. Here an officer files
at the console connector; each step that moves an input writes the calculations it moves in
the same transaction; a submitted report's edits change them only when it is sent again;
the sheet and the consolidation read what was stored (a later version of the form with
another calculation never changes an old report). Every expected figure is worked out by
hand in the comments.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.coordination.reporting.consolidate import consolidate
from reportbot.forms.loader import template_from_definition
from reportbot.periods import period_by_key
from reportbot.store.forms import store_template
from reportbot.store.models import Answer, FormTemplateRecord, Submission, Unit
from tests.calc_support import SURVEY, console_run, stored_rows, xlsform_template
from tests.conftest import TZ, FakeClock
from tests.support import Chat, seed_commune


@pytest.fixture
async def app(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Application]:
    """The whole application over a seeded commune with the test's workbook published."""
    await seed_commune()
    # published a year before the clock: both periods owed, "1" opens the first one
    template = xlsform_template(tmp_path)
    await store_template(template, "can_bo.xlsx", now=clock.now - timedelta(days=365))
    application = Application(Settings(database_url=db, media_dir=tmp_path / "m"), clock=clock)
    await application.service.start()
    yield application
    await application.service.close()


async def mirror_rows(tmp_path: Path, clock: FakeClock) -> dict[Any, dict[str, Any]]:
    """The form's worksheet rebuilt from the store: rows keyed by the men's count."""
    from reportbot.mirror.source import StoreMirrorSource
    from reportbot.mirror.worker import MirrorWorker
    from reportbot.mirror.xlsx import XlsxBackend

    path = tmp_path / f"m{clock.now.timestamp()}.xlsx"
    source = StoreMirrorSource(TZ, clock=clock)
    assert await MirrorWorker(XlsxBackend(path), source).resync() >= 1  # every report
    sheet = next(s for s in load_workbook(path).worksheets if "cán bộ" in s.title)
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    return {
        row[header.index("Số cán bộ nam")]: dict(zip(header, row, strict=True)) for row in rows[1:]
    }


async def figures(clock: FakeClock) -> dict[str, tuple[Decimal, int]]:
    """(total, units) of every numeric line of the consolidation of the first period."""
    record = await FormTemplateRecord.filter(key="can_bo").order_by("-version").first()
    assert record is not None
    template = template_from_definition(record.definition)
    period = period_by_key(template.period, (await Submission.first()).period_key, TZ)
    data = await consolidate("can_bo", template, period, now=clock.now, tz=TZ)
    return {n.question.id: (n.total, n.count) for n in data.numbers}


async def test_the_console_files_edits_and_the_sheet_and_figures_show_the_stored_values(
    app: Application, clock: FakeClock, tmp_path: Path
) -> None:
    printed = await console_run(
        app.service,
        "u-hoiphunu",
        ["/baocao", "2", "8", "12", "/xemlai", "/sua 1", "16", "/xemlai", "/gui", "có"],
    )
    # by hand: 8 + 12 = 20, 12 / 20 = 60 %; then 16 + 12 = 28, 12 / 28 = 42.857.. -> 42.9 %
    first, second = printed.index("• Tổng số: 20 (tự tính)"), printed.index("• Tổng số: 28")
    assert first < printed.index("• Tỷ lệ nữ (%): 60 (tự tính)") < second
    assert "• Tỷ lệ nữ (%): 42,9 (tự tính)" in printed[second:]
    assert "Đã gửi" in printed
    rows = await stored_rows("hoiphunu")
    # stored as the chat showed it; the unlabelled one too (ODK stores every calculate)
    assert {k: rows[k] for k in ("nam", "nu", "tong", "ty_le", "xep_loai")} == {
        "nam": "16",
        "nu": "12",
        "tong": "28",
        "ty_le": '"42.9"',
        "xep_loai": '"chưa đạt"',  # 42.9 < 50
    }
    cells = await mirror_rows(tmp_path, clock)
    assert cells[16]["Tổng số"] == 28 and cells[16]["Tỷ lệ nữ (%)"] == pytest.approx(42.9)
    assert cells[16]["xep_loai"] == "chưa đạt"
    found = await figures(clock)
    assert found["tong"] == (Decimal(28), 1) and found["ty_le"] == (Decimal("42.9"), 1)


async def test_a_draft_stores_the_calculations_with_the_answer_that_moves_them(
    app: Application,
) -> None:
    chat = Chat(app.service, "u-hoiphunu")
    for typed in ("/baocao", "2", "8"):
        await chat.say(typed)
    rows = await stored_rows("hoiphunu")
    # by hand: nu not answered yet: no total, no rate (null rows: computed, and empty);
    # ODK compares '' >= 50 as false
    assert (rows["tong"], rows["ty_le"], rows["xep_loai"]) == ("null", "null", '"chưa đạt"')
    await chat.say("12")
    rows = await stored_rows("hoiphunu")
    assert (rows["tong"], rows["ty_le"], rows["xep_loai"]) == ("20", "60", '"đạt"')


async def test_a_submitted_report_changes_its_values_only_when_sent_again(
    app: Application,
) -> None:
    chat = Chat(app.service, "u-hoiphunu")
    for typed in ("/baocao", "2", "8", "12", "/gui", "có", "/tieptuc", "/sua 2", "30"):
        await chat.say(typed)
    # the edit is held until /gui: the stored figures are those sent (8 + 12 = 20)
    assert (await stored_rows("hoiphunu"))["tong"] == "20"
    assert "• Tổng số: 38 (tự tính)" in await chat.say("/xemlai")  # 8 + 30, shown, not sent
    await chat.say("/gui")
    assert "Đã gửi" in await chat.say("có")
    rows = await stored_rows("hoiphunu")
    # by hand: 8 + 30 = 38; 30 / 38 = 78.947.. -> 78.9 %
    assert (rows["tong"], rows["ty_le"]) == ("38", '"78.9"')


async def test_a_new_version_of_the_calculation_leaves_an_old_report_as_sent(
    app: Application, clock: FakeClock, tmp_path: Path
) -> None:
    chat = Chat(app.service, "u-hoiphunu")
    for typed in ("/baocao", "2", "8", "12", "/gui", "có"):
        await chat.say(typed)
    changed = [list(row) for row in SURVEY]
    changed[3][3] = "${nam} + ${nu} + 100"  # version 2 counts differently
    newer = tmp_path / "v2"
    newer.mkdir()
    await store_template(xlsform_template(newer, changed), "can_bo.xlsx", now=clock.now)
    assert await FormTemplateRecord.filter(key="can_bo").count() == 2
    cells = await mirror_rows(tmp_path, clock)
    assert cells[8]["Tổng số"] == 20  # what was sent, not 120
    assert (await figures(clock))["tong"] == (Decimal(20), 1)


async def test_an_old_report_without_stored_calculations_is_computed_on_read(
    app: Application, clock: FakeClock, tmp_path: Path
) -> None:
    await file_old_report(app, clock.now - timedelta(days=1))
    cells = await mirror_rows(tmp_path, clock)
    # by hand: 3 + 1 = 4; 1 / 4 = 25 % -> "chưa đạt"
    assert cells[3]["Tổng số"] == 4 and cells[3]["Tỷ lệ nữ (%)"] == 25
    assert cells[3]["xep_loai"] == "chưa đạt"
    assert (await figures(clock))["tong"] == (Decimal(4), 1)


async def file_old_report(app: Application, at: datetime) -> None:
    """vhxh's report (3 men, 1 woman) on the form's latest version, sent at `at`, stored as
    before calculations were kept: its answers only."""
    record = await FormTemplateRecord.filter(key="can_bo").order_by("-version").first()
    submission = await Submission.create(
        form_key="can_bo",
        template=record,
        unit=await Unit.get(code="vhxh"),
        period_key=(await _first_period(app)),
        status="submitted",
        revision=1,
        submitted_at=at,
        created_at=at,
        updated_at=at,
    )
    for name, value in (("nam", "3"), ("nu", "1")):
        await Answer.create(submission=submission, question_id=name, value=value, updated_at=at)


async def _first_period(app: Application) -> str:
    """The key of the period "1" opens (filed once through the chat, then read back)."""
    chat = Chat(app.service, "u-th_dakpxi")
    await chat.say("/baocao")
    await chat.say("2")
    submission = await Submission.get(unit__code="th_dakpxi")
    key = submission.period_key
    await submission.delete()  # only its period was wanted
    return key


async def test_today_is_the_officers_day_in_the_review_and_in_storage(
    app: Application, clock: FakeClock, tmp_path: Path
) -> None:
    dated = [*SURVEY, ("calculate", "ngay_lap", "Ngày lập", "format-date(today(), '%d/%m/%Y')")]
    newer = tmp_path / "v2"
    newer.mkdir()
    await store_template(xlsform_template(newer, dated), "can_bo.xlsx", now=clock.now)
    # 06:30 on 27/11 in Vietnam is still 26/11 in UTC: ODK's today() is the phone's day
    clock.now = datetime(2026, 11, 27, 6, 30, tzinfo=TZ).astimezone(UTC)
    chat = Chat(app.service, "u-hoiphunu")
    for typed in ("/baocao", "2", "8", "12"):
        await chat.say(typed)
    assert "• Ngày lập: 27/11/2026 (tự tính)" in await chat.say("/xemlai")
    assert (await stored_rows("hoiphunu"))["ngay_lap"] == '"27/11/2026"'


async def test_an_old_report_sent_at_dawn_is_dated_by_its_local_day_in_sheet_and_figures(
    app: Application, clock: FakeClock, tmp_path: Path
) -> None:
    # the day of the month the report was sent, as a number the consolidation sums
    dated = [*SURVEY, ("calculate", "ngay_gui", "Ngày gửi", "int(format-date(today(), '%d'))")]
    newer = tmp_path / "v2"
    newer.mkdir()
    await store_template(xlsform_template(newer, dated), "can_bo.xlsx", now=clock.now)
    # sent at 06:00 on 27/11 in Vietnam, 23:00 on 26/11 in UTC, before calculations were kept
    await file_old_report(app, datetime(2026, 11, 27, 6, 0, tzinfo=TZ).astimezone(UTC))
    cells = await mirror_rows(tmp_path, clock)
    # by hand: the officer's day is the 27th, in the sheet and in the coordinator's figures
    assert cells[3]["Ngày gửi"] == 27
    assert (await figures(clock))["ngay_gui"] == (Decimal(27), 1)
