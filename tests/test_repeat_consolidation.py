"""Consolidation counts repeats (issue 15, "repeats" bullet): entries per unit and the totals
of numeric repeat questions, checked against a table written by hand, and a property: the
repeat sheet's rows add up to the consolidated figures.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportbot.forms.schema import FormTemplate
from tests.conftest import FakeClock
from tests.test_repeats import ROSTER, file_roster, roster, running_roster, with_calc

# Written by hand from the rosters filed below (never recomputed by the code under test):
# unit           | people filed                         | entries | sum of ages
# hoiphunu       | An 40, Bình 38                       | 2       | 78
# vhxh           | Cúc 7                                | 1       | 7
# cns_thon1      | Dũng 65, Em 30, Giang 12             | 3       | 107
ORACLE_UNITS = {
    "Hội Liên hiệp Phụ nữ xã": (2, 78),
    "Phòng Văn hóa - Xã hội": (1, 7),
    "Tổ công nghệ số cộng đồng thôn 1": (3, 107),
}
ORACLE_TOTALS = {  # question id: (total, units reporting, average per unit)
    "thanh_vien": (Decimal(6), 3, Decimal("2.00")),
    "so_nguoi": (Decimal(6), 3, Decimal("2.00")),
    "tuoi": (Decimal(192), 3, Decimal("64.00")),
}


@pytest.fixture
async def service(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Any]:
    async with running_roster(db, clock, tmp_path) as running:
        yield running


async def test_entries_per_unit_and_totals_match_the_hand_table(
    service: Any, clock: FakeClock, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from reportbot.coordination.reporting.consolidate import consolidate
    from reportbot.coordination.reporting.reports.workbook import write_workbook
    from reportbot.periods import current_period
    from tests.conftest import TZ

    chat, template = service
    await file_roster(chat, "u-hoiphunu", [("An", "40", "Nam"), ("Bình", "38", "Nữ")])
    await file_roster(chat, "u-vhxh", [("Cúc", "7", "Nữ")])
    people = [("Dũng", "65", "Nam"), ("Em", "30", "Nữ"), ("Giang", "12", "Nam")]
    await file_roster(chat, "u-cns_thon1", people)

    period = current_period(template.period, clock.now, TZ)
    result = await consolidate(template.key, template, period, now=clock.now, tz=TZ)
    figures = {
        n.question.id: (n.total, n.count, n.average)
        for n in result.numbers
        if n.question.id in ORACLE_TOTALS
    }
    assert figures == ORACLE_TOTALS
    counted = next(n for n in result.numbers if n.question.id == "thanh_vien")
    assert counted.question.label == {
        "vi": "Thành viên: số mục",
        "en": "Thành viên: number of entries",  # the form has only Vietnamese labels
    }
    ids = [q.id for q in result.questions]
    assert ids.index("thanh_vien") == ids.index("ho_ten") - 1  # before the repeat's questions
    per_unit = {r.status.name: (r.answers["thanh_vien"], r.answers["tuoi"]) for r in result.reports}
    assert per_unit == ORACLE_UNITS

    write_workbook(result, tmp_path / "tong_hop.xlsx", tz=TZ)
    rows: dict[str, list[Any]] = {}
    for sheet in load_workbook(tmp_path / "tong_hop.xlsx").worksheets:
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
        for index, row in enumerate(table):
            if "Thành viên: số mục" in row:  # the per-unit table: one row per unit
                column = row.index("Thành viên: số mục")
                rows = {r[0]: r[column] for r in table[index + 1 :] if r and r[0]}
    # the per-unit sheet, by unit code: the unit that did not file has no count
    assert rows == {"hoiphunu": 2, "vhxh": 1, "cns_thon1": 3, "th_dakpxi": None}


# -- the property: the repeat sheet's rows add up to the consolidated figures -------------------

AGES = st.one_of(st.none(), st.integers(min_value=0, max_value=119))
# per unit: the people counted (repeat_count) and ages for more entries than that (entries
# past the count are what a count lowered in chat leaves stored)
UNIT = st.tuples(st.integers(min_value=0, max_value=4), st.lists(AGES, max_size=6))
ROUNDS = st.lists(st.tuples(UNIT, UNIT), min_size=1, max_size=5)  # each unit: filed, then edited


@pytest.fixture(scope="module")
def household(tmp_path_factory: pytest.TempPathFactory) -> FormTemplate:
    return roster(tmp_path_factory.mktemp("roster"), with_calc(ROSTER, "sum(${tuoi})"))


def stored(count: int, ages: list[int | None]) -> dict[str, Any]:
    """The answers as the store holds them: indexed entry ids, skipped ages absent."""
    answers: dict[str, Any] = {"so_nguoi": count}
    for index, age in enumerate(ages, start=1):
        answers[f"ho_ten[{index}]"] = f"Người {index}"
        answers[f"gioi[{index}]"] = "nam" if index % 2 else "nu"
        if age is not None:
            answers[f"tuoi[{index}]"] = age
    return answers


def records(template: FormTemplate, units: list[dict[str, Any]]) -> tuple[Any, ...]:
    from reportbot.mirror.records import SubmissionRecord
    from reportbot.mirror.repeat_sheets import record_entries

    moment = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    return tuple(
        SubmissionRecord(
            submission_id=index + 1,
            form_key=template.key,
            unit_code=f"u{index}",
            unit_name=f"Đơn vị {index}",
            unit_type="doan_the",
            period_key="2026",
            period_label="năm 2026",
            status="submitted",
            submitted_by=None,
            submitted_at=moment,
            updated_at=moment,
            revision=1,
            template_version=1,
            answers={},
            entries=record_entries(template, answers),
        )
        for index, answers in enumerate(units)
    )


def consolidation(template: FormTemplate, units: list[dict[str, Any]]) -> Any:
    from reportbot.coordination.reporting.consolidate import Consolidation, UnitReport, compute
    from reportbot.coordination.reporting.status import UnitStatus
    from reportbot.forms.repeats import consolidated

    result = Consolidation(template.key, template, None, None, datetime.now(UTC))  # type: ignore[arg-type]
    result.reports = [
        UnitReport(
            UnitStatus(
                index, f"u{index}", f"Đơn vị {index}", "doan_the", "on_time", None, False, index + 1
            ),
            template,
            consolidated(template, answers),
        )
        for index, answers in enumerate(units)
    ]
    return compute(result, template)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ROUNDS)
def test_repeat_sheet_rows_add_up_to_the_consolidated_totals(
    household: FormTemplate, tmp_path: Path, rounds: list[Any]
) -> None:
    import asyncio

    from openpyxl import load_workbook

    from reportbot.mirror.records import ColumnSpec, FormLayout, MirrorBatch, RepeatLayout
    from reportbot.mirror.xlsx import XlsxBackend

    columns = (
        ColumnSpec("ho_ten", "Họ tên", "text"),
        ColumnSpec("tuoi", "Tuổi", "integer"),
        ColumnSpec("gioi", "Giới tính", "select_one", {"nam": "Nam", "nu": "Nữ"}),
    )
    repeat = RepeatLayout("thanh_vien", "Thành viên", columns)
    layout = FormLayout(household.key, "Hộ gia đình", (), (repeat,))
    path = tmp_path / f"{uuid.uuid4().hex}.xlsx"  # tmp_path is shared by the examples
    backend = XlsxBackend(path)
    filed = [stored(*first) for first, _ in rounds]
    edited = [stored(*second) for _, second in rounds]
    for units in (filed, edited):  # the edit rewrites the rows the first flush wrote
        asyncio.run(backend.apply(MirrorBatch((layout,), records(household, units))))
    sheet = load_workbook(path)["Thành viên – Hộ gia đình"]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    ids, ages = header.index("Mã báo cáo"), header.index("Tuổi")

    result = consolidation(household, edited)
    numbers = {n.question.id: n for n in result.numbers}
    assert len(rows) == numbers["thanh_vien"].total  # one row per entry, no orphan
    assert sum(row[ages] or 0 for row in rows) == numbers["tuoi"].total
    for report in result.reports:
        mine = [row for row in rows if row[ids] == report.status.submission_id]
        assert len(mine) == report.answers["thanh_vien"]
