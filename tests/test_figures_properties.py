"""Property tests of the consolidated figures: for random report sets on a real database,
the filed count is the number of reports aggregated, and the per-unit table sums to the totals.

The expected sums are taken from the generated reports themselves (the plain data the test
wrote), never from the code under test.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from reportbot.coordination.reporting.consolidate import consolidate
from reportbot.coordination.reporting.reports import write_report
from reportbot.forms.loader import parse_yaml_template, template_from_definition
from reportbot.periods import period_by_key
from reportbot.store.database import tortoise_config
from reportbot.store.forms import store_template
from reportbot.store.models import FormTemplateRecord, Unit
from tests.conftest import TZ
from tests.support import store_submission
from tests.test_consolidation_oracle import FORM

NOW = datetime(2027, 1, 5, 9, 0, tzinfo=TZ)
ON_TIME = datetime(2026, 12, 10, 9, 0, tzinfo=TZ)
LATE = datetime(2026, 12, 28, 9, 0, tzinfo=TZ)
STATES = ("missing", "draft", "on_time", "late", "reopened")
FILED_STATES = frozenset({"on_time", "late", "reopened"})
EVENTS = ("ngay_18_5", "ngay_1_10", "ngay_10_10", "chua_to_chuc")
INTEGERS = ("so_can_bo", "so_quan_triet", "kinh_phi")


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    """One unit's answers; any question may be left out."""
    result: dict[str, Any] = {}
    staff = draw(st.none() | st.integers(0, 500))
    if staff is not None:
        result["so_can_bo"] = staff
        if draw(st.booleans()):
            result["so_quan_triet"] = draw(st.integers(0, staff))
    if draw(st.booleans()):
        result["kinh_phi"] = draw(st.integers(0, 10**9))
    if draw(st.booleans()):
        result["ty_le_dvc"] = Decimal(draw(st.integers(0, 1000))) / 10
    if draw(st.booleans()):
        result["co_ke_hoach"] = draw(st.sampled_from(["yes", "no"]))
    if draw(st.booleans()):
        result["kenh"] = draw(st.sampled_from(["web", "zalo", "facebook"]))
    events = draw(st.lists(st.sampled_from(EVENTS), unique=True, max_size=3))
    if events:
        result["su_kien"] = events
    return result


UNITS = st.lists(st.tuples(st.sampled_from(STATES), answers()), min_size=1, max_size=13)


async def seed(units: list[tuple[str, dict[str, Any]]]) -> None:
    template, issues = parse_yaml_template(FORM, "so_lieu_thu.yaml")
    assert template is not None, issues
    await store_template(template, now=datetime(2026, 7, 1, 8, 0, tzinfo=TZ))  # owes 2026-H2
    record = await FormTemplateRecord.get(key="so_lieu_thu")
    for number, (state, values) in enumerate(units, start=1):
        code = f"u{number:02d}"
        await Unit.create(code=code, name=f"Đơn vị {number:02d}", type="x")
        if state == "missing":
            continue
        await store_submission(
            record,
            code,
            values,
            status={"draft": "draft", "reopened": "reopened"}.get(state, "submitted"),
            period_key="2026-H2",
            moment=ON_TIME,
            submitted_at={"on_time": ON_TIME, "reopened": ON_TIME, "late": LATE}.get(state),
        )


async def check(units: list[tuple[str, dict[str, Any]]], folder: Path) -> None:
    await seed(units)
    record = await FormTemplateRecord.get(key="so_lieu_thu")
    template = template_from_definition(record.definition)
    period = period_by_key(template.period, "2026-H2", TZ)
    data = await consolidate("so_lieu_thu", template, period, now=NOW, tz=TZ)
    filed = [values for state, values in units if state in FILED_STATES]
    # The filed count is the number of reports aggregated, in every place it is shown.
    assert data.filed == len(data.reports) == data.status.filed == len(filed)
    assert sum(data.status.counts().values()) == data.total == len(units)
    for summary in data.numbers:
        qid = summary.question.id
        values = [Decimal(str(v[qid])) for v in filed if qid in v]
        assert (summary.total, summary.count) == (sum(values, Decimal(0)), len(values))
        assert summary.averaged == (qid == "ty_le_dvc")
    for choice in data.choices:
        qid = choice.question.id
        answered = [v[qid] for v in filed if qid in v]
        assert choice.answered == len(answered)
        for option in choice.options:
            chosen = [a for a in answered if option.value in (a if isinstance(a, list) else [a])]
            assert option.units == len(chosen)
    # The workbook's per-unit table sums to the summary's totals.
    path = write_report(data, "xlsx", folder / "tong_hop.xlsx", tz=TZ)
    book = load_workbook(path)
    rows = list(book["Theo đơn vị"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    summary_rows = {row[0]: row for row in book["Tổng hợp"].iter_rows(values_only=True) if row[0]}
    assert summary_rows["Đã nộp"][1] == len(filed)
    for summary in data.numbers:
        if summary.averaged:
            continue
        column = header.index(summary.question.label["vi"])
        cells = [row[column] for row in body if row[column] is not None]
        total = summary_rows[summary.question.label["vi"]][1]
        assert sum(cells) == total and len(cells) == summary.count


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(units=UNITS)
def test_random_report_sets_add_up(
    units: list[tuple[str, dict[str, Any]]], sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "property.db"
    shutil.copy(sqlite_template, path)

    async def run() -> None:
        EXECUTOR_CACHE.clear()
        await Tortoise.init(config=tortoise_config(f"sqlite://{path}"))
        try:
            await check(units, tmp_path)
        finally:
            await Tortoise.close_connections()

    asyncio.run(run())
