"""What one Google flush writes, worksheet by worksheet: each form's sheet and each of its
repeats' sheets (`mirror.repeat_sheets`), read and planned the same way.

Kept apart from `mirror.google` so the backend only sequences the calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gspread.utils import absolute_range_name

from reportbot.mirror.google_requests import SheetInfo, column_letter
from reportbot.mirror.layout import ColumnPlan, locate_rows, plan_columns
from reportbot.mirror.records import (
    CellValue,
    FormLayout,
    RepeatLayout,
    SubmissionRecord,
    layout_headers,
)
from reportbot.mirror.repeat_sheets import plan_entries, repeat_headers
from reportbot.mirror.verify import WriteCheck

BatchGet = Callable[[list[str]], Awaitable[list[list[list[Any]]]]]


@dataclass(frozen=True, slots=True)
class Target:
    """One worksheet of a flush: a form's (`repeat` None) or one of its repeats'."""

    title: str
    headers: tuple[str, ...]
    layout: FormLayout
    repeat: RepeatLayout | None = None


@dataclass(slots=True)
class Writes:
    """What one flush sends: structure requests, value ranges, grown grids, checks."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    data: list[dict[str, Any]] = field(default_factory=list)
    grown: dict[str, tuple[int, int]] = field(default_factory=dict)
    checks: list[WriteCheck] = field(default_factory=list)


def flush_targets(
    layouts: Sequence[FormLayout],
    titles: dict[str, str],
    entry_titles: dict[tuple[str, str], str],
) -> list[Target]:
    """Each layout's worksheet, then its repeats' worksheets."""
    targets: list[Target] = []
    for layout in layouts:
        targets.append(Target(titles[layout.form_key], layout_headers(layout), layout))
        for repeat in layout.repeats:
            title = entry_titles[(layout.form_key, repeat.name)]
            targets.append(Target(title, repeat_headers(repeat), layout, repeat))
    return targets


def entry_writes(
    target: Target,
    plan: ColumnPlan,
    ids: list[Any],
    records: Sequence[SubmissionRecord],
    tz: str,
) -> tuple[dict[int, list[CellValue]], int, WriteCheck]:
    """A repeat sheet's rows to write (rows no entry needs written blank), the last used
    row, and the check of the write."""
    assert target.repeat is not None
    found, last = locate_rows(ids)
    entries = plan_entries(found, last, records, target.repeat, tz)
    # Sheets clears a cell written as "": "To set a cell to an empty value, set the string
    # value to an empty string" (ValueRange, Sheets API v4 reference,
    # https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.values)
    blank: list[CellValue] = [""] * len(target.headers)
    rows = entries.rows | {row: blank for row in entries.cleared}
    written: dict[int, list[int]] = {sid: [] for sid in entries.expected}
    return rows, last, WriteCheck(target.title, plan.positions[0], found, written, entries.expected)


async def read_current(
    batch_get: BatchGet, targets: Sequence[Target], sheets: dict[str, SheetInfo]
) -> dict[str, tuple[list[Any], list[Any]]]:
    """Read the header row and the id column of every existing worksheet in one call
    (one more when someone inserted columns before an id column); by folded title."""
    existing = [
        (target, sheets[target.title.casefold()].title)
        for target in targets
        if target.title.casefold() in sheets
    ]
    if not existing:
        return {}
    ranges: list[str] = []
    for _, title in existing:
        ranges += [absolute_range_name(title, "1:1"), absolute_range_name(title, "A:A")]
    values = await batch_get(ranges)
    current: dict[str, tuple[list[Any], list[Any]]] = {}
    moved: list[tuple[str, str, int]] = []
    for index, (target, title) in enumerate(existing):
        header = values[2 * index][0] if values[2 * index] else []
        ids = [row[0] if row else "" for row in values[2 * index + 1]]
        key = target.title.casefold()
        current[key] = (header, ids)
        id_col = plan_columns(header, target.headers).positions[0]
        if id_col != 0:
            moved.append((key, title, id_col))
    if moved:
        ranges = [
            absolute_range_name(title, f"{column_letter(col)}:{column_letter(col)}")
            for _, title, col in moved
        ]
        for (key, _, _), column in zip(moved, await batch_get(ranges), strict=True):
            current[key] = (current[key][0], [row[0] if row else "" for row in column])
    return current
