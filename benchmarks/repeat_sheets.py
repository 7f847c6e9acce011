"""Repeat worksheets: what one entry per row costs next to the joined cells alone.

1,000 household reports (1 to 5 members each) are flushed to the Sheets fake
(tests/fakes/sheets.py, real HTTP through gspread) and to a local .xlsx, first with the
layout as it was before repeat worksheets (one joined cell per repeated question: the
baseline, measured in the same run), then with each repeat on its own worksheet. Then 200
edits that change the number of members, after a coordinator sorted the repeat sheet by
hand: calls, seconds, and a check that the repeat sheet holds exactly the entries (no orphan).

    .venv/bin/python benchmarks/repeat_sheets.py [--reports 1000] [--edits 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportbot.mirror.google import GoogleSheetsBackend  # noqa: E402
from reportbot.mirror.records import (  # noqa: E402
    ColumnSpec,
    FormLayout,
    MirrorBatch,
    RepeatLayout,
    SubmissionRecord,
)
from reportbot.mirror.xlsx import XlsxBackend  # noqa: E402
from tests.fakes.sheets import FakeSheets  # noqa: E402

MEMBERS = (
    ColumnSpec("ho_ten", "Họ tên", "text"),
    ColumnSpec("tuoi", "Tuổi", "integer"),
    ColumnSpec("gioi", "Giới tính", "select_one", {"nam": "Nam", "nu": "Nữ"}),
)
JOINED = tuple(replace(column, type="text") for column in MEMBERS)
COUNT = ColumnSpec("thanh_vien", "Thành viên: số mục", "integer")
BEFORE = FormLayout("ho", "Hộ gia đình", (ColumnSpec("xa", "Xã", "text"), *JOINED))
AFTER = FormLayout(
    "ho",
    "Hộ gia đình",
    (ColumnSpec("xa", "Xã", "text"), COUNT, *JOINED),
    (RepeatLayout("thanh_vien", "Thành viên", MEMBERS),),
)
REPEAT_TITLE = "Thành viên – Hộ gia đình"
MOMENT = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def household(sid: int, rng: random.Random, revision: int = 1) -> SubmissionRecord:
    """One report with 1 to 5 members, the joined cells and the entries."""
    entries = tuple(
        {"ho_ten": f"Người {sid}.{k}", "tuoi": rng.randint(0, 90), "gioi": rng.choice("nn")}
        for k in range(1, rng.randint(1, 5) + 1)
    )
    joined = {
        column.question_id: "; ".join(
            f"{k}) {e[column.question_id]}" for k, e in enumerate(entries, 1)
        )
        for column in MEMBERS
    }
    return SubmissionRecord(
        sid, "ho", f"u{sid}", f"Đơn vị {sid}", "doan_the", "2026", "năm 2026", "submitted",
        None, MOMENT, MOMENT, revision, 1,
        {"xa": "Đăk Pxi", "thanh_vien": len(entries), **joined},
        {"thanh_vien": entries},
    )  # fmt: skip


Figure = tuple[str, int, int, float]  # what, reads, writes, seconds


async def google(
    layout: FormLayout, records: list[SubmissionRecord], edits: list[SubmissionRecord]
) -> list[Figure]:
    """First flush and the edits after a hand sort, against the fake."""
    lines: list[Figure] = []
    async with FakeSheets() as fake:
        backend = GoogleSheetsBackend(
            fake.spreadsheet_id,
            api_url=fake.base_url,
            writes_per_minute=10**6,
            reads_per_minute=10**6,
        )
        for name, batch in (("first flush", records), ("edits", edits)):
            since = len(fake.requests)
            if name == "edits" and layout.repeats:
                fake.sort_rows(REPEAT_TITLE, 4, reverse=True)  # a coordinator sorts by name
            started = time.perf_counter()
            await backend.apply(MirrorBatch((layout,), tuple(batch)))
            took = time.perf_counter() - started
            answered = [r for r in fake.requests[since:] if r.status < 300]
            writes = sum(1 for r in answered if r.is_write)
            lines.append((f"google {name}", len(answered) - writes, writes, took))
        if layout.repeats:
            latest = {r.submission_id: r for r in [*records, *edits]}
            rows = [row for row in fake.values(REPEAT_TITLE)[1:] if any(c != "" for c in row)]
            want = sum(len(r.entries["thanh_vien"]) for r in latest.values())
            assert len(rows) == want, f"{len(rows)} rows for {want} entries"
            print(f"  repeat sheet: {len(rows)} rows = {want} entries, no orphan")
        await backend.close()
    return lines


async def xlsx(
    layout: FormLayout, records: list[SubmissionRecord], edits: list[SubmissionRecord]
) -> list[Figure]:
    """The same two flushes into a local workbook."""
    lines: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        backend = XlsxBackend(Path(folder) / "m.xlsx")
        for name, batch in (("first flush", records), ("edits", edits)):
            started = time.perf_counter()
            await backend.apply(MirrorBatch((layout,), tuple(batch)))
            lines.append((f"xlsx {name}", 0, 0, time.perf_counter() - started))
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    records = [household(sid, rng) for sid in range(1, args.reports + 1)]
    edited = rng.sample(range(1, args.reports + 1), args.edits)
    edits = [household(sid, rng, revision=2) for sid in sorted(edited)]
    entries = sum(len(r.entries["thanh_vien"]) for r in records)
    print(f"{args.reports} reports, {entries} entries; {args.edits} edits changing the members")
    figures = {}
    for title, layout in (("baseline: joined cells only", BEFORE), ("repeat worksheets", AFTER)):
        print(title)
        figures[title] = [
            *await google(layout, records, edits),
            *await xlsx(layout, records, edits),
        ]
    print(f"{'':22s} {'baseline':>22s} {'repeat worksheets':>22s} {'time ratio':>10s}")
    for before, after in zip(*figures.values(), strict=True):
        calls = [
            f"{r}r+{w}w {s:6.2f} s" if r + w else f"{s:6.2f} s" for _, r, w, s in (before, after)
        ]
        print(f"{before[0]:22s} {calls[0]:>22s} {calls[1]:>22s} {after[3] / before[3]:9.1f}x")


if __name__ == "__main__":
    asyncio.run(main())
