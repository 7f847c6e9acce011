"""Helpers of the stored-calculation tests: the test's own XLSForm workbook (openpyxl), the
stored rows of a report, and a console chat run to its end."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from connectors.console import ConsoleConnector
from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.schema import FormTemplate
from reportbot.store.models import Answer, Submission

SURVEY = (
    ("type", "name", "label", "calculation"),
    ("integer", "nam", "Số cán bộ nam", ""),
    ("integer", "nu", "Số cán bộ nữ", ""),
    ("calculate", "tong", "Tổng số", "${nam} + ${nu}"),
    ("calculate", "ty_le", "Tỷ lệ nữ (%)", "round(${nu} div ${tong} * 100, 1)"),
    ("calculate", "xep_loai", "", "if(${ty_le} >= 50, 'đạt', 'chưa đạt')"),
)


def write_workbook(
    path: Path,
    survey: Sequence[Sequence[str]] = SURVEY,
    version: str = "1",
    choices: Sequence[Sequence[str]] = (),
    form_id: str = "can_bo",
) -> Path:
    """An XLSForm workbook written here with openpyxl: survey, choices and settings."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    if choices:
        listed = book.create_sheet("choices")
        for row in choices:
            listed.append(list(row))
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "version"])
    settings.append([form_id, "Báo cáo cán bộ", version])
    book.save(path)
    return path


def xlsform_template(folder: Path, survey: Sequence[Sequence[str]] = SURVEY) -> FormTemplate:
    """The workbook loaded as an admin publishes it (no issue expected)."""
    result = load_xlsform(write_workbook(folder / "can_bo.xlsx", survey))
    assert result.issues == [], [str(issue) for issue in result.issues]
    assert result.template is not None
    return result.template


async def stored_rows(unit_code: str, form_key: str = "can_bo") -> dict[str, str]:
    """Every stored row (answers and calculations) of the unit's report, encoded."""
    submission = await Submission.get(unit__code=unit_code, form_key=form_key)
    rows = await Answer.filter(submission_id=submission.id).values_list("question_id", "value")
    return {str(name): str(value) for name, value in rows}


async def console_run(handler: Any, user_id: str, lines: Sequence[str]) -> str:
    """Type `lines` at a console connector, one message each, and return what it printed
    once it has read them all (waited for with a deadline, never a sleep)."""
    out = io.StringIO()
    console = ConsoleConnector(
        handler, user_id=user_id, stdin=io.StringIO("".join(f"{x}\n" for x in lines)), stdout=out
    )
    await console.start()
    await asyncio.wait_for(console.finished.wait(), timeout=60)
    await console.stop()
    return out.getvalue()
