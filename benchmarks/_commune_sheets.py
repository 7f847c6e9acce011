"""The province benchmark's spreadsheet figure: cells in one commune's own spreadsheet.

A throwaway SQLite database holds `communes` communes of `units` units (`officers` each),
every unit filing the whole Resolution 57 report (the answers the tests type) for each
period. Commune 0 has its own spreadsheet; the others stay in the deployment's, which is the
baseline: the province (less one commune) in one spreadsheet, as before communes had their
own. The real mirror (`routed_backend_from_env`, `MirrorWorker`) writes both twice:

- to local workbooks: the cells of every worksheet's used range (rows x columns);
- through gspread to the Sheets fake (tests/fakes/sheets.py): the grid cells Google counts
  against its 10,000,000 limit (every cell of every worksheet, empty or not: the mirror's row
  headroom and the spreadsheet's first empty sheet included).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from benchmarks._databases import connected, throwaway_database
from reportbot.conversation.values import encode_value
from reportbot.forms_folder import load_forms
from reportbot.mirror.config import commune_workbook, routed_backend_from_env
from reportbot.mirror.records import STATUS_SHEET_TITLE
from reportbot.mirror.source import StoreMirrorSource
from reportbot.mirror.split import CELL_LIMIT
from reportbot.mirror.worker import MirrorWorker
from reportbot.store import outbox
from reportbot.store.models import (
    Answer,
    FormTemplateRecord,
    Organisation,
    Person,
    Submission,
    Unit,
)
from reportbot.store.queries.organisations import set_sheet
from tests.fakes.sheets_hub import FakeSheetsHub
from tests.support import NQ57_SCRIPT

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PUBLISHED = datetime(2025, 1, 2, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 22, 9, 0, tzinfo=TZ).astimezone(UTC)
PERIODS = ("2026-H1", "2026-H2")
NQ57 = Path(__file__).resolve().parents[1] / "forms" / "nq57_bao_cao_6_thang.yaml"


@dataclass(frozen=True, slots=True)
class Cells:
    """One spreadsheet's size: form rows, the widest form sheet, and its cells."""

    rows: int
    columns: int
    cells: int


async def _seed(communes: int, units: int, officers: int) -> None:
    result = await load_forms([NQ57], now=PUBLISHED)
    assert not result.issues, result.issues
    record = await FormTemplateRecord.filter(key="nq57_bao_cao_6_thang").first()
    assert record is not None
    answers = [(qid, encode_value(value)) for qid, _, value in NQ57_SCRIPT if value is not None]
    for c in range(communes):
        org = await Organisation.create(code=f"xa{c:03d}", name=f"Xã {c:03d}", kind="commune")
        made = [
            await Unit.create(
                code=f"x{c}u{u:02d}",
                name=f"Đơn vị {u:02d} xã {c}",
                type="doan_the",
                organisation_id=org.id,
            )
            for u in range(units)
        ]
        await Person.bulk_create(
            [
                Person(name=f"Cán bộ {unit.code}-{k}", unit=unit, role="officer")
                for unit in made
                for k in range(officers)
            ]
        )
        for unit in made:
            who = await Person.filter(unit=unit).first()
            for period in PERIODS:
                moment = datetime(2026, 6 if period.endswith("H1") else 12, 10, 2, tzinfo=UTC)
                filed = await Submission.create(
                    form_key=record.key,
                    template=record,
                    unit=unit,
                    period_key=period,
                    status="submitted",
                    revision=1,
                    submitted_at=moment,
                    submitted_by=who,
                    created_at=moment,
                    updated_at=moment,
                )
                await Answer.bulk_create(
                    [
                        Answer(submission=filed, question_id=q, value=v, updated_at=moment)
                        for q, v in answers
                    ]
                )
                await outbox.enqueue(outbox.SHEET_TOPIC, str(filed.id), moment)


async def _flush(env: dict[str, str]) -> int:
    backend = routed_backend_from_env(env, tz=TZ.key)
    worker = MirrorWorker(backend, StoreMirrorSource(TZ, clock=lambda: NOW))
    try:
        return await worker.run_once()
    finally:
        await backend.close()


def _workbook_cells(path: Path) -> Cells:
    book = load_workbook(path, read_only=True)
    sheets = [book[name] for name in book.sheetnames]
    forms = [s for s in sheets if s.title != STATUS_SHEET_TITLE]
    cells = sum(s.max_row * s.max_column for s in sheets)
    rows = sum(s.max_row - 1 for s in forms)
    return Cells(rows, max(s.max_column for s in forms), cells)


def _grid_cells(hub: FakeSheetsHub, spreadsheet_id: str) -> Cells:
    book = hub.books[spreadsheet_id]
    forms = [s for s in book.sheets if s.title not in ("Trang tính1", STATUS_SHEET_TITLE)]
    cells = sum(s.row_count * s.col_count for s in book.sheets)
    rows = sum(len(book.values(s.title)) - 1 for s in forms)
    return Cells(rows, max(s.col_count for s in forms), cells)


async def commune_sheet_cells(communes: int, units: int, officers: int) -> dict[str, Any]:
    """Cells of commune 0's own spreadsheet and of the deployment's (the other communes),
    as local workbooks and as Google grids."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        async with throwaway_database("sqlite", work) as url, connected(url):
            await _seed(communes, units, officers)
            await set_sheet("xa000", "sheet-xa000")
            base = work / "mirror.xlsx"
            delivered = await _flush({"REPORTBOT_MIRROR_XLSX": str(base)})
            xlsx = {
                "commune": _workbook_cells(commune_workbook(str(base), "xa000")),
                "deployment": _workbook_cells(base),
            }
            queued = [str(i) for i in await Submission.all().values_list("id", flat=True)]
            for key in queued:
                await outbox.enqueue(outbox.SHEET_TOPIC, key, NOW)
            async with FakeSheetsHub("sheet-main", "sheet-xa000") as hub:
                env = {
                    "REPORTBOT_GOOGLE_SHEETS_API_URL": hub.base_url,
                    "REPORTBOT_SPREADSHEET_ID": "sheet-main",
                    "REPORTBOT_SHEETS_WRITES_PER_MINUTE": "100000",
                }
                again = await _flush(env)
                google = {
                    "commune": _grid_cells(hub, "sheet-xa000"),
                    "deployment": _grid_cells(hub, "sheet-main"),
                }
    return {"delivered": (delivered, again), "xlsx": xlsx, "google": google, "limit": CELL_LIMIT}


def print_figures(figures: dict[str, Any], communes: int, units: int, officers: int) -> None:
    """The cells of each spreadsheet, against Google's limit and the one-spreadsheet baseline."""
    limit = figures["limit"]
    print(
        f"[sheets] {communes} communes x {units} units x {officers} officers, Resolution 57,"
        f" {len(PERIODS)} periods; delivered {figures['delivered'][0]} (xlsx),"
        f" {figures['delivered'][1]} (Google fake) changes"
    )
    for kind, label in (("xlsx", "local workbook, used cells"), ("google", "Google grid cells")):
        own, whole = figures[kind]["commune"], figures[kind]["deployment"]
        print(f"  {label}:")
        print(
            f"    {'deployment sheet, ' + str(communes - 1) + ' communes (baseline)':44}"
            f" {whole.rows:6} rows x {whole.columns} cols  {whole.cells:>11,} cells"
            f"  {whole.cells / limit:7.2%} of {limit:,}"
        )
        print(
            f"    {'one commune own sheet':44} {own.rows:6} rows x {own.columns} cols"
            f"  {own.cells:>11,} cells  {own.cells / limit:7.2%} of {limit:,}"
            f"  x{own.cells / whole.cells:.3f}"
        )
    own = figures["google"]["commune"]
    per_year = units * len(PERIODS) * own.columns
    years = (limit - own.cells) // per_year
    print(f"  a commune's own sheet grows {per_year:,} cells a year: full in ~{years:,} years")
