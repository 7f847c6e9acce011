"""Stored calculations in the consolidated figures, and a property of what is stored.

The oracle: four units file a form with calculations through the chat; the figures of the
consolidation (sums, averages, units, indicators that read a calculation) are compared with
a table worked out by hand below, never recomputed by the code under test. The property:
for random answers and edits through the whole service, the stored calculated values are
those the form's expressions give over the stored inputs, worked out here in plain Python.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.coordination.reporting.consolidate import Consolidation, consolidate
from reportbot.forms.loader import parse_yaml_template, template_from_definition
from reportbot.periods import period_by_key
from reportbot.store.database import tortoise_config
from reportbot.store.forms import store_template
from reportbot.store.models import FormTemplateRecord, Submission
from tests.calc_support import stored_rows, xlsform_template
from tests.conftest import TZ, FakeClock
from tests.support import Chat, seed_commune

FORM = """
key: can_bo_tinh
version: "1"
title: {vi: Báo cáo cán bộ có số tự tính}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: nam, type: integer, label: Số cán bộ nam}
  - {id: nu, type: integer, label: Số cán bộ nữ}
  - {id: da_hoc, type: integer, label: Số cán bộ đã học}
calculations:
  - {name: tong, calculation: "${nam} + ${nu}", label: Tổng số cán bộ}
  - {name: ty_le_nu, calculation: "round(${nu} div ${tong} * 100, 1)", label: Tỷ lệ nữ (%)}
  - {name: xep_loai, calculation: "if(${ty_le_nu} >= 50, 'đạt', 'chưa đạt')"}
indicators:
  - {key: da_hoc, kind: ratio_of_sums, numerator: da_hoc, denominator: tong, target: 80,
     label: Cán bộ đã học}
  - {key: tong_bq, kind: average, question: tong, target: 15, label: Cán bộ bình quân}
  - {key: dat, kind: count, question: xep_loai, value: "đạt", target: 2,
     label: Đơn vị đạt tỷ lệ nữ}
"""

# unit: what its officer types (nam, nu, da_hoc); "/boqua" skips the question
TYPED = {
    "hoiphunu": ("8", "12", "15"),  # tong 20, ty_le_nu 12/20 = 60 %
    "th_dakpxi": ("5", "15", "20"),  # tong 20, ty_le_nu 15/20 = 75 %
    "cns_thon1": ("6", "/boqua", "4"),  # nu skipped: no tong, no ty_le_nu
    "vhxh": ("9", "1", "3"),  # tong 10, ty_le_nu 1/10 = 10 %
}
# ----- The expected figures, by hand -----------------------------------------------------
# line: (total, units that have a value, average per unit)
NUMBERS = {
    "nam": (Decimal(28), 4, Decimal("7.00")),  # 8 + 5 + 6 + 9
    "nu": (Decimal(28), 3, Decimal("9.33")),  # 12 + 15 + 1
    "da_hoc": (Decimal(42), 4, Decimal("10.50")),  # 15 + 20 + 4 + 3
    "tong": (Decimal(50), 3, Decimal("16.67")),  # 20 + 20 + 10
    "ty_le_nu": (Decimal(145), 3, Decimal("48.33")),  # (60 + 75 + 10) / 3: a rate
}
# "Tỷ lệ" in the label: a rate; tong is read by an `average` indicator: both only averaged,
# as any question would be (consolidate.is_rate)
AVERAGED_ONLY = {"ty_le_nu", "tong"}
# indicator: (numerator, denominator, value, met, units)
INDICATORS = {
    # da_hoc over the units with a tong: (15 + 20 + 3) / (20 + 20 + 10) = 38 / 50 = 76 %
    "da_hoc": (Decimal(38), Decimal(50), Decimal("76.0"), False, 3),
    # tong averaged: 50 / 3 = 16.67 >= 15
    "tong_bq": (Decimal(50), Decimal(3), Decimal("16.67"), True, 3),
    # xep_loai (a text calculation) is 'đạt' for 60 % and 75 %; 'chưa đạt' for 10 % and for
    # the unit without a rate (ODK: '' >= 50 is false): 2 of the 4 units, target 2 met
    "dat": (Decimal(2), Decimal(4), Decimal(2), True, 4),
}


@pytest.fixture
async def service(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[object]:
    await seed_commune()
    template, issues = parse_yaml_template(FORM, "can_bo_tinh.yaml")
    assert template is not None, issues
    await store_template(template, "can_bo_tinh.yaml", now=clock.now - timedelta(days=365))
    application = Application(Settings(database_url=db, media_dir=tmp_path / "m"), clock=clock)
    await application.service.start()
    yield application.service
    await application.service.close()


async def consolidated(clock: FakeClock, form_key: str) -> Consolidation:
    """The consolidation of the form's period (the one every unit filed)."""
    record = await FormTemplateRecord.get(key=form_key)
    template = template_from_definition(record.definition)
    period_key = (await Submission.filter(form_key=form_key).first()).period_key  # type: ignore[union-attr]
    period = period_by_key(template.period, period_key, TZ)
    return await consolidate(form_key, template, period, now=clock.now, tz=TZ)


async def test_the_figures_of_stored_calculations_match_the_hand_table(
    service: object, clock: FakeClock, tmp_path: Path
) -> None:
    for unit, typed in TYPED.items():
        chat = Chat(service, f"u-{unit}")  # type: ignore[arg-type]
        for text in ("/baocao", "2", *typed, "/gui"):
            await chat.say(text)
        assert "Đã gửi" in await chat.say("có")
    data = await consolidated(clock, "can_bo_tinh")
    assert data.filed == 4
    found = {n.question.id: (n.total, n.count, n.average) for n in data.numbers}
    assert found == NUMBERS
    assert {n.question.id for n in data.numbers if n.averaged} == AVERAGED_ONLY
    assert "xep_loai" not in found  # text: never added up
    measured = {
        r.indicator.key: (r.numerator, r.denominator, r.value, r.met, r.units)
        for r in data.indicators
    }
    assert measured == INDICATORS
    await rendered_as_any_answer(data, tmp_path)


async def rendered_as_any_answer(data: Consolidation, folder: Path) -> None:
    """The .xlsx per-unit table holds the stored calculations like answers, the .docx and
    the chat summary name them."""
    from docx import Document
    from openpyxl import load_workbook

    from reportbot.coordination.reporting.reports import write_report
    from reportbot.coordination.reporting.summary_text import render_summary

    book = load_workbook(write_report(data, "xlsx", folder / "tong_hop.xlsx", tz=TZ))
    rows = list(book["Theo đơn vị"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    column = header.index("Tổng số cán bộ")
    by_unit = {row[0]: row[column] for row in body}
    # by hand: 8 + 12, 5 + 15, none (nu skipped), 9 + 1
    assert sorted(v for v in by_unit.values() if v is not None) == [10, 20, 20]
    assert len(by_unit) == 4
    document = Document(str(write_report(data, "docx", folder / "tong_hop.docx", tz=TZ)))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Tổng số cán bộ" in text and "Cán bộ bình quân" in text
    assert "Cán bộ đã học: 38/50 = 76%" in render_summary(data, "vi")


def test_a_calculation_reading_a_question_that_is_not_there_is_refused() -> None:
    wrong = FORM.replace("denominator: tong", "denominator: tong_so")
    template, issues = parse_yaml_template(wrong, "can_bo_tinh.yaml")
    assert template is None
    assert any("'tong_so' is not a question of this form" in str(i) for i in issues)


def test_only_a_text_calculation_is_counted_by_its_words() -> None:
    wrong = FORM.replace('question: xep_loai, value: "đạt"', 'question: tong, value: "20"')
    template, issues = parse_yaml_template(wrong, "can_bo_tinh.yaml")
    assert template is None
    assert [i.message for i in issues] == [
        "question: 'tong' is a decimal question, not select_multiple, select_one, yes_no"
    ]


# ----- the property ------------------------------------------------------------------------


def by_hand(nam: int | None, nu: int | None) -> dict[str, object]:
    """The workbook's calculations (tests.calc_support.SURVEY) in plain Python, as ODK
    computes them: empty when an input is empty, round() half away from zero."""
    tong = None if nam is None or nu is None else nam + nu
    ty_le = None
    if tong:  # 0 div 0 is not a number: empty
        ty_le = (Decimal(nu) / Decimal(tong) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)  # type: ignore[arg-type]
    xep_loai = "đạt" if ty_le is not None and ty_le >= 50 else "chưa đạt"
    return {"tong": tong, "ty_le": ty_le, "xep_loai": xep_loai}


def read_back(rows: dict[str, str]) -> dict[str, object]:
    """The stored calculations, numbers as Decimal."""
    values = {name: json.loads(rows[name]) for name in ("tong", "ty_le", "xep_loai")}
    for name in ("tong", "ty_le"):
        if values[name] is not None:
            values[name] = Decimal(str(values[name]))
    return values


VALUE = st.none() | st.integers(0, 400)
EDITS = st.lists(
    st.tuples(st.sampled_from(["1", "2"]), st.integers(0, 400), st.booleans()), max_size=3
)


async def file_and_edit(
    service: object, first: tuple[int | None, int | None], edits: list[tuple[str, int, bool]]
) -> None:
    chat = Chat(service, "u-hoiphunu")  # type: ignore[arg-type]
    await chat.say("/baocao")
    await chat.say("2")
    for value in first:
        await chat.say("/boqua" if value is None else str(value))
    await chat.say("/gui")
    assert "Đã gửi" in await chat.say("có")
    for number, value, send in edits:
        await chat.say("/tieptuc")
        await chat.say(f"/sua {number}")
        await chat.say(str(value))
        if send:  # else the edit stays held: the stored values remain those sent
            await chat.say("/gui")
            await chat.say("có")


START = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)  # inside 2026-H2, as the other tests


async def check_property(
    path: Path, folder: Path, first: tuple[int | None, int | None], edits: list
) -> None:
    url = f"sqlite://{path}"
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    try:
        await seed_commune()
        template = xlsform_template(folder)
        await store_template(template, "can_bo.xlsx", now=START - timedelta(days=365))
        settings_ = Settings(database_url=url, media_dir=folder / "m")
        app = Application(settings_, clock=FakeClock(START))
        await app.service.start()
        try:
            await file_and_edit(app.service, first, edits)
        finally:
            await app.service.close()
        rows = await stored_rows("hoiphunu")
        stored_inputs = [json.loads(rows[q]) if q in rows else None for q in ("nam", "nu")]
        assert read_back(rows) == by_hand(*stored_inputs)
    finally:
        await Tortoise.close_connections()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=st.tuples(VALUE, VALUE), edits=EDITS)
def test_stored_calculations_are_the_expressions_over_the_stored_inputs(
    first: tuple[int | None, int | None], edits: list, sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "property.db"
    shutil.copy(sqlite_template, path)
    asyncio.run(check_property(path, tmp_path, first, edits))
