"""One spreadsheet per year or per form, and how many unit-reports fit in one.

Google allows 10 million cells per spreadsheet (counting every cell of every grid, empty or
not). With `REPORTBOT_SHEETS_SPLIT=year` (or `form`) and `REPORTBOT_SPREADSHEET_IDS` mapping
each key to a spreadsheet ("2025=1AbC...,2026=1XyZ...", "*=" for the rest), each year (or
form) goes to its own spreadsheet; `SplitBackend` routes a batch's rows accordingly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from reportbot.mirror.backend import MirrorBackend, MirrorError
from reportbot.mirror.records import FIXED_HEADERS, MirrorBatch, StatusSheet, SubmissionRecord
from reportbot.vocabulary.format import number_text

SPLIT_MODES = ("single", "year", "form")
CELL_LIMIT = 10_000_000
ANY_KEY = "*"
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")


def period_year(period_key: str, fallback: int) -> int:
    """The year a period belongs to, read from its key ('2025-H1' → 2025)."""
    match = _YEAR.search(period_key)
    return int(match.group(0)) if match else fallback


def split_key(mode: str, form_key: str, period_key: str, fallback_year: int) -> str:
    """Which spreadsheet a row belongs to: '' (single), the year, or the form key."""
    if mode == "single":
        return ""
    if mode == "year":
        return str(period_year(period_key, fallback_year))
    if mode == "form":
        return form_key
    raise ValueError(f"unknown split mode {mode!r}; expected one of {', '.join(SPLIT_MODES)}")


def record_key(mode: str, record: SubmissionRecord) -> str:
    """The split key of a submission."""
    return split_key(mode, record.form_key, record.period_key, record.updated_at.year)


def status_key(mode: str, sheet: StatusSheet) -> str:
    """The split key of a status table."""
    return split_key(mode, sheet.form_key, sheet.period_key, sheet.deadline.year)


def spreadsheet_title(base: str, key: str) -> str:
    """A readable spreadsheet name for a split key: 'Báo cáo đơn vị – 2025'."""
    return f"{base} – {key}" if key else base


def parse_spreadsheet_ids(text: str) -> dict[str, str]:
    """Parse 'key=id,key=id' (a bare id means '*', the spreadsheet for every other key)."""
    mapping: dict[str, str] = {}
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            key, value = ANY_KEY, key
        if not value:
            raise ValueError(f"missing spreadsheet id for {key!r}")
        mapping[key.strip()] = value.strip()
    return mapping


def rows_that_fit(
    question_columns: int, cell_limit: int = CELL_LIMIT, reserved: int = 26_000
) -> int:
    """How many submission rows fit in one spreadsheet for a form with this many questions.

    `reserved` leaves room for the status sheet (a default 1000×26 grid) and row headroom.
    """
    width = len(FIXED_HEADERS) + question_columns
    return max(0, (cell_limit - reserved) // width - 1)


def capacity_note(question_columns: int, units: int, reports_per_year: int = 2) -> str:
    """A sentence for the README: rows per spreadsheet and how many years that lasts."""
    rows = rows_that_fit(question_columns)
    per_year = max(1, units * reports_per_year)
    return (
        f"A form with {question_columns} questions uses {len(FIXED_HEADERS) + question_columns}"
        f" columns, so one spreadsheet holds about {number_text(rows, 'en')} unit-reports:"
        f" {number_text(rows // per_year, 'en')}"
        f" years for {units} units filing {reports_per_year} times a year."
    )


@dataclass
class SplitBackend:
    """Route each row and status table to the backend of its split key."""

    mode: str
    factory: Callable[[str], MirrorBackend]
    name: str = "split"

    def __post_init__(self) -> None:
        if self.mode not in SPLIT_MODES:
            raise ValueError(f"unknown split mode {self.mode!r}")
        self._backends: dict[str, MirrorBackend] = {}

    def backend(self, key: str) -> MirrorBackend:
        """The backend for one key, created on first use."""
        if key not in self._backends:
            self._backends[key] = self.factory(key)
        return self._backends[key]

    def _parts(self, batch: MirrorBatch) -> dict[str, MirrorBatch]:
        records: dict[str, list[SubmissionRecord]] = {}
        status: dict[str, list[StatusSheet]] = {}
        for record in batch.records:
            records.setdefault(record_key(self.mode, record), []).append(record)
        for sheet in batch.status:
            status.setdefault(status_key(self.mode, sheet), []).append(sheet)
        return batch.parts(records, status)

    async def apply(self, batch: MirrorBatch) -> None:
        """Apply each part to its spreadsheet; fail if any part failed (others stay applied)."""
        errors = []
        for key, part in self._parts(batch).items():
            try:
                await self.backend(key).apply(part)
            except MirrorError as error:
                errors.append(error)
        if errors:
            raise errors[0]

    async def rebuild(self, batch: MirrorBatch) -> None:
        """Rebuild every spreadsheet that has rows in the batch."""
        for key, part in self._parts(batch).items():
            await self.backend(key).rebuild(part)

    async def repair(self, batch: MirrorBatch) -> None:
        """Repair each part in its spreadsheet after `RowsDisplaced` (see the Google backend)."""
        for key, part in self._parts(batch).items():
            backend = self.backend(key)
            repair = getattr(backend, "repair", None)
            await (repair(part) if callable(repair) else backend.apply(part))

    def take_missing(self) -> set[int]:
        """The ids of rows deleted by hand in any of the spreadsheets."""
        missing: set[int] = set()
        for backend in self._backends.values():
            take = getattr(backend, "take_missing", None)
            if callable(take):
                missing |= take()
        return missing

    async def close(self) -> None:
        """Close every backend."""
        for backend in self._backends.values():
            await backend.close()
