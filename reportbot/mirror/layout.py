"""Where each header and each submission goes in a worksheet people may have edited by hand.

Both backends read the header row and the submission id column, then plan: columns are found
by their header text (a coordinator's own extra column is never overwritten, new template
columns go after the last used one), rows by submission id (sorting, inserting or deleting
rows by hand moves nothing we write to the wrong row), unknown submissions are appended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportbot.language import env_locale, say
from reportbot.mirror.backend import MirrorError
from reportbot.mirror.records import (
    FORMER_HEADERS,
    ID_HEADER,
    CellValue,
    SubmissionRecord,
    former_header,
    parse_submission_id,
)

HEADER_ROW = 1
FIRST_DATA_ROW = 2


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """Zero-based column of every wanted header, and the headers still to write."""

    positions: tuple[int, ...]
    new_headers: dict[int, str]

    @property
    def width(self) -> int:
        """Number of columns the plan reaches to."""
        return max(self.positions) + 1


@dataclass(frozen=True, slots=True)
class Block:
    """A rectangle of values to write: top row (1-based) and left column (0-based)."""

    row: int
    col: int
    values: list[list[CellValue]]


def _text(cell: Any) -> str:
    return str(cell).strip() if cell is not None else ""


def _earlier_sheet(free: dict[str, list[int]], wanted: Sequence[str]) -> bool:
    """Whether the row is an earlier version's with a question it headed by a bare fixed name.

    Decided by what the row holds, never by position (a coordinator drags columns): the fixed
    column's former name, a bare today's name beside it, and a clashing question still
    without the "<name> (<id>)" header today's version gives it.
    """
    return any(
        former in free
        and today in free
        and any(former_header(text) == today and text not in free for text in wanted)
        for today, former in FORMER_HEADERS.items()
    )


def _take(free: dict[str, list[int]], text: str, earlier: bool) -> int | None:
    """Take the column for the wanted header `text` out of `free` (None: none is there)."""
    former = former_header(text)
    if text in FORMER_HEADERS:  # a fixed column: on an earlier sheet its former name first
        names = (former, text) if earlier else (text, former)
    elif earlier:  # a question's: its own header first, then the bare name it had then
        names = (text, former)
    else:
        names = (text,)
    for name in names:
        if free.get(name):
            return free[name].pop(0)
    return None


def plan_columns(existing_header: Sequence[Any], wanted: Sequence[str]) -> ColumnPlan:
    """Match wanted headers to the existing header row; append the missing ones after it.

    A header an earlier version wrote (`records.former_header`) is today's column, its cell
    renamed. Decided by the headers, never by position: the fixed "Lần gửi" takes a cell
    headed so before a "Lần sửa" (a coordinator's own, or one an earlier process appended
    during a rolling upgrade), except on a sheet the earlier version wrote with a clashing
    question (`_earlier_sheet`), where the bare "Lần gửi" is that question's; only there
    does a question fall back to its bare former header.

    Raises `MirrorError` when the row has headers but none is the submission id column: the
    sheet was changed beyond what we can trust, and only a resync may rewrite it.
    """
    header = [_text(cell) for cell in existing_header]
    while header and not header[-1]:
        header.pop()
    if not header:
        return ColumnPlan(tuple(range(len(wanted))), dict(enumerate(wanted)))
    free: dict[str, list[int]] = {}
    for index, text in enumerate(header):
        if text:
            free.setdefault(text, []).append(index)
    earlier = _earlier_sheet(free, wanted)
    positions: list[int | None] = []
    renamed: dict[int, str] = {}
    for text in wanted:
        position = _take(free, text, earlier)
        if position is not None and header[position] != text:
            renamed[position] = text  # a header an earlier version wrote: renamed in place
        positions.append(position)
    if positions[0] is None and wanted[0] == ID_HEADER:
        raise MirrorError(  # in the process's language: the admin reads it in `sheets status`
            say(
                env_locale(),
                f"Không tìm thấy cột '{ID_HEADER}' ở dòng tiêu đề; hãy chạy "
                "`reportbot sheets resync`.",
                f"The '{ID_HEADER}' header is missing; run `reportbot sheets resync`.",
            )
        )
    next_free = len(header)
    new_headers: dict[int, str] = dict(renamed)
    resolved: list[int] = []
    for text, position in zip(wanted, positions, strict=True):
        if position is None:
            position = next_free
            next_free += 1
            new_headers[position] = text
        resolved.append(position)
    return ColumnPlan(tuple(resolved), new_headers)


def locate_rows(id_cells: Sequence[Any], first_row: int = 1) -> tuple[dict[int, list[int]], int]:
    """Index a submission id column read from `first_row` down.

    Returns the 1-based rows holding each id (header and foreign text are skipped) and the
    last row that holds anything, so new rows go below everything already there.
    """
    rows: dict[int, list[int]] = {}
    last = first_row - 1
    for offset, cell in enumerate(id_cells):
        row = first_row + offset
        if _text(cell):
            last = row
        if row < FIRST_DATA_ROW:
            continue
        submission_id = parse_submission_id(cell)
        if submission_id is not None:
            rows.setdefault(submission_id, []).append(row)
    return rows, max(last, HEADER_ROW)


def latest_records(records: Sequence[SubmissionRecord]) -> list[SubmissionRecord]:
    """Keep one record per submission (the highest revision, then the latest change)."""
    best: dict[int, SubmissionRecord] = {}
    for record in records:
        current = best.get(record.submission_id)
        if current is None or (record.revision, record.updated_at) >= (
            current.revision,
            current.updated_at,
        ):
            best[record.submission_id] = record
    return [best[key] for key in sorted(best)]


def assign_rows(
    submission_ids: Sequence[int], found: dict[int, list[int]], last_row: int
) -> dict[int, list[int]]:
    """Give every submission its existing rows, or a new row after `last_row` in id order."""
    assigned: dict[int, list[int]] = {}
    next_row = last_row + 1
    for submission_id in submission_ids:
        rows = found.get(submission_id)
        if rows:
            assigned[submission_id] = rows
        else:
            assigned[submission_id] = [next_row]
            next_row += 1
    return assigned


def _runs(numbers: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return runs


def row_blocks(rows: dict[int, list[CellValue]], positions: Sequence[int]) -> list[Block]:
    """Cut full rows (keyed by 1-based row) into rectangles of adjacent rows and columns.

    Columns that are not ours (a coordinator's extra column between two of ours) are left
    out, so writing never touches them.
    """
    order = sorted(range(len(positions)), key=lambda index: positions[index])
    column_runs: list[list[int]] = []
    for index in order:
        if column_runs and positions[index] == positions[column_runs[-1][-1]] + 1:
            column_runs[-1].append(index)
        else:
            column_runs.append([index])
    blocks: list[Block] = []
    for row_run in _runs(list(rows)):
        for indexes in column_runs:
            values = [[rows[row][index] for index in indexes] for row in row_run]
            blocks.append(Block(row_run[0], positions[indexes[0]], values))
    return blocks


def header_blocks(new_headers: dict[int, str]) -> list[Block]:
    """Rectangles writing the new header cells of row 1."""
    blocks: list[Block] = []
    for run in _runs(list(new_headers)):
        blocks.append(Block(HEADER_ROW, run[0], [[new_headers[col] for col in run]]))
    return blocks
