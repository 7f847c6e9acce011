"""Sheet mirror benchmark: 10,000 Resolution 57 reports into Google Sheets, and the quota bill.

Both runs use the real gspread client against the fake Sheets API (tests/fakes/sheets.py) on
127.0.0.1, and count the requests the fake received:

- baseline: the usual approach, one ``worksheet.append_row(row)`` per submission;
- reportbot: ``MirrorWorker`` flushing an outbox of 10,000 changes through
  ``GoogleSheetsBackend`` (batched: constant calls per flush of up to ``--chunk`` changes),
  then 1,000 edits of rows a coordinator has sorted by hand (updated in place by id).

Google's default quota is 60 write (and 60 read) requests per minute per user, counted
separately; "quota minutes" is the time the calls need under it, whatever the network speed.
Our client-side limiter is lifted for the run so the wall time measures the work itself.

Then the local .xlsx mirror under load: `--rate` updates per second to `--reports` reports for
`--xlsx-seconds`, the worker flushing on its 5 s schedule, in real time. CPU (this process,
all threads) per update and as a share of one core, before (every flush rewrites the status
sheet and saves, and a flush chases the changes arriving while it writes, as the code did) and
after (a flush takes what was pending when it began; only changed cells count; saving paced
to a tenth of a core), in the same run.

    .venv/bin/python benchmarks/mirror.py [--submissions 10000] [--chunk 1000] [--xlsx-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gspread  # noqa: E402

from reportbot.forms.loader import load_yaml_template  # noqa: E402
from reportbot.forms.schema import FormTemplate  # noqa: E402
from reportbot.mirror.google import GoogleSheetsBackend  # noqa: E402
from reportbot.mirror.google_client import make_client  # noqa: E402
from reportbot.mirror.records import (  # noqa: E402
    ColumnSpec,
    FormLayout,
    MirrorBatch,
    StatusRow,
    StatusSheet,
    SubmissionRecord,
    layout_headers,
    record_row,
    sheet_titles,
)
from reportbot.mirror.split import rows_that_fit  # noqa: E402
from reportbot.mirror.worker import MirrorWorker, PendingChange  # noqa: E402
from reportbot.mirror.xlsx import XlsxBackend  # noqa: E402
from tests.fakes.sheets import FakeSheets  # noqa: E402

QUOTA_PER_MINUTE = 60
FORM = ROOT / "forms" / "nq57_bao_cao_6_thang.yaml"
UNIT_TYPES = ("phong", "doan_the", "truong_hoc", "to_cns", "co_quan")


def layout_of(template: FormTemplate) -> FormLayout:
    """The sheet layout of a template: one column per answerable question."""
    columns = tuple(
        ColumnSpec(
            q.id,
            q.label.get("vi", q.id),
            q.type,
            {c.value: c.label.get("vi", c.value) for c in q.choices},
        )
        for q in template.questions
        if q.answerable
    )
    return FormLayout(template.key, template.title["vi"], columns)


def answers_for(layout: FormLayout, rng: random.Random) -> dict[str, object]:
    """Plausible answers for every question."""
    answers: dict[str, object] = {}
    for column in layout.columns:
        if column.type == "integer":
            answers[column.question_id] = rng.randint(0, 500)
        elif column.type == "yes_no":
            answers[column.question_id] = rng.choice(["yes", "no"])
        elif column.type == "select_one":
            answers[column.question_id] = rng.choice(list(column.choice_labels))
        elif column.type == "select_multiple":
            answers[column.question_id] = rng.sample(list(column.choice_labels), 2)
        elif column.type == "date":
            answers[column.question_id] = date(2025, 1, 1) + timedelta(days=rng.randint(0, 180))
        elif column.type in ("file", "photo"):
            answers[column.question_id] = {"name": f"bao_cao_{rng.randint(1, 999)}.pdf"}
        else:
            answers[column.question_id] = "Đơn vị đã triển khai đầy đủ theo kế hoạch. " * 2
    return answers


def submissions(layout: FormLayout, count: int, units: int) -> list[SubmissionRecord]:
    """`count` reports: `units` units filing every six months, oldest period first."""
    rng = random.Random(57)
    start = datetime(2016, 6, 10, 2, 0, tzinfo=UTC)
    records = []
    for index in range(count):
        unit, period = index % units, index // units
        year, half = 2016 + period // 2, 1 + period % 2
        moment = start + timedelta(days=182 * period, minutes=unit)
        records.append(
            SubmissionRecord(
                submission_id=index + 1,
                form_key=layout.form_key,
                unit_code=f"DV{unit:03d}",
                unit_name=f"Đơn vị số {unit:03d}",
                unit_type=UNIT_TYPES[unit % len(UNIT_TYPES)],
                period_key=f"{year}-H{half}",
                period_label=f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {year}",
                status="submitted",
                submitted_by=f"Cán bộ {unit:03d}",
                submitted_at=moment,
                updated_at=moment,
                revision=1,
                template_version=1,
                answers=answers_for(layout, rng),
            )
        )
    return records


@dataclass
class OutboxSource:
    """An in-memory outbox holding one change per submission (the store's role)."""

    layout: FormLayout
    records: dict[int, SubmissionRecord]
    outbox: dict[int, tuple[int, int]] = field(default_factory=dict)  # entry -> (seq, id)
    last_entry: int = 0

    def queue(self, submission_id: int) -> None:
        self.last_entry += 1
        self.outbox[self.last_entry] = (1, submission_id)

    async def pending(self, limit: int) -> list[PendingChange]:
        items = sorted(self.outbox.items())[:limit]
        return [PendingChange(entry, seq, sid) for entry, (seq, sid) in items]

    def status(self, records: Sequence[SubmissionRecord]) -> StatusSheet:
        latest = max(self.records.values(), key=lambda r: r.period_key).period_key
        filed = {r.unit_code: r for r in records if r.period_key == latest}
        units = sorted(
            {r.unit_code: r for r in self.records.values()}.values(), key=lambda r: r.unit_code
        )
        rows = tuple(
            StatusRow(
                u.unit_code, u.unit_name, u.unit_type, "on_time", u.submitted_at, u.submitted_by
            )
            if u.unit_code in filed
            else StatusRow(u.unit_code, u.unit_name, u.unit_type, "missing")
            for u in units
        )
        deadline = datetime(2026, 6, 20, 16, 59, tzinfo=UTC)
        return StatusSheet(self.layout.form_key, self.layout.title, latest, latest, deadline, rows)

    async def build_batch(self, submission_ids: Sequence[int]) -> MirrorBatch:
        records = tuple(self.records[i] for i in submission_ids)
        waiting = self._waiting()
        delivered = [r for i, r in self.records.items() if i not in waiting]
        return MirrorBatch((self.layout,), records, (self.status(delivered + list(records)),))

    def _waiting(self) -> set[int]:
        return {sid for _, sid in self.outbox.values()}

    async def full_batch(self) -> MirrorBatch:
        return await self.build_batch(sorted(self.records))

    async def done(self, changes: Sequence[PendingChange]) -> None:
        for change in changes:
            if self.outbox.get(change.entry_id, (None,))[0] == change.seq:
                del self.outbox[change.entry_id]

    async def failed(self, changes: Sequence[PendingChange], error: str) -> None:
        raise RuntimeError(error)

    async def backlog(self) -> int:
        return len(self.outbox)


@dataclass
class Figures:
    name: str
    reads: int
    writes: int
    seconds: float
    largest_kb: float

    @property
    def calls(self) -> int:
        return self.reads + self.writes

    @property
    def quota_minutes(self) -> float:
        return max(self.reads, self.writes) / QUOTA_PER_MINUTE


def count(fake: FakeSheets, since: int) -> tuple[int, int, float]:
    """Reads and writes answered since request number `since`, and the largest body (KB)."""
    answered = [r for r in fake.requests[since:] if r.status < 300]
    writes = sum(1 for r in answered if r.is_write)
    largest = max(len(json.dumps(r.body, ensure_ascii=False).encode()) for r in answered)
    return len(answered) - writes, writes, largest / 1024


async def run_baseline(layout: FormLayout, records: list[SubmissionRecord]) -> Figures:
    """One gspread append_row per submission, the way most scripts do it."""
    async with FakeSheets() as fake:
        title = sheet_titles((layout,))[layout.form_key]

        def work() -> None:
            client = make_client(None, fake.base_url)
            spreadsheet = client.open_by_key(fake.spreadsheet_id)
            worksheet = spreadsheet.add_worksheet(title, rows=1000, cols=40)
            worksheet.append_row(list(layout_headers(layout)))
            for item in records:
                worksheet.append_row(record_row(layout, item))

        started = time.perf_counter()
        await asyncio.to_thread(work)
        elapsed = time.perf_counter() - started
        rows = fake.values(title)
        assert len(rows) == len(records) + 1, "baseline lost rows"
        return Figures("baseline: append_row per submission", *count(fake, 0)[:2], elapsed, 0)


async def run_reportbot(
    layout: FormLayout, records: list[SubmissionRecord], chunk: int, edits: int
) -> tuple[Figures, Figures]:
    """The outbox worker and the batched Google backend; then edits after a hand sort."""
    async with FakeSheets() as fake:
        backend = GoogleSheetsBackend(
            fake.spreadsheet_id,
            api_url=fake.base_url,
            writes_per_minute=10**6,
            reads_per_minute=10**6,
        )
        source = OutboxSource(layout, {r.submission_id: r for r in records})
        for item in records:
            source.queue(item.submission_id)
        worker = MirrorWorker(backend, source, chunk_size=chunk)
        started = time.perf_counter()
        delivered = await worker.run_once()
        elapsed = time.perf_counter() - started
        title = sheet_titles((layout,))[layout.form_key]
        ids = [row[0] for row in fake.values(title)[1:]]
        assert delivered == len(records) and sorted(ids) == sorted(source.records), "lost rows"
        reads, writes, largest = count(fake, 0)
        name = f"reportbot: outbox worker, chunks of {chunk}"
        first = Figures(name, reads, writes, elapsed, largest)

        fake.sort_rows(title, 1, reverse=True)  # a coordinator sorts by unit
        rng = random.Random(1)
        since = len(fake.requests)
        for submission_id in rng.sample(sorted(source.records), edits):
            old = source.records[submission_id]
            source.records[submission_id] = replace(
                old, revision=2, answers={**old.answers, "kinh_phi": 1}
            )
            source.queue(submission_id)
        started = time.perf_counter()
        await worker.run_once()
        elapsed = time.perf_counter() - started
        rows = fake.values(title)[1:]
        ids = [row[0] for row in rows]
        assert len(ids) == len(set(ids)) == len(records), "duplicated rows"
        reads, writes, largest = count(fake, since)
        second = Figures(
            f"reportbot: {edits} edits after a hand sort", reads, writes, elapsed, largest
        )
        await backend.close()
        return first, second


class ChasingWorker(MirrorWorker):
    """The worker as it was: `run_once` went on while new changes kept arriving."""

    async def run_once(self) -> int:
        delivered = 0
        seen: set[tuple[int, int]] = set()
        while True:
            fetched = await self.source.pending(self.chunk_size)
            changes = [c for c in fetched if (c.entry_id, c.seq) not in seen]
            if not changes:
                return delivered
            seen.update((c.entry_id, c.seq) for c in changes)
            await self._deliver(changes)
            delivered += len(changes)


@dataclass
class XlsxFigures:
    name: str
    updates: int
    saves: int
    cpu_s: float
    wall_s: float

    def line(self) -> str:
        per_update = 1000 * self.cpu_s / max(self.updates, 1)
        core = 100 * self.cpu_s / self.wall_s
        return (
            f"{self.name:44s} {self.updates:5d} updates, {self.saves:3d} saves, CPU"
            f" {self.cpu_s:6.2f} s = {per_update:6.2f} ms/update, {core:5.1f}% of a core"
        )


async def run_xlsx(
    layout: FormLayout,
    records: list[SubmissionRecord],
    *,
    incremental: bool,
    rate: float,
    seconds: float,
    interval: float = 5.0,
) -> XlsxFigures:
    """Updates at `rate`/s for `seconds`, flushed by the worker every `interval` s."""
    with tempfile.TemporaryDirectory() as folder:
        backend = XlsxBackend(Path(folder) / "mirror.xlsx", incremental=incremental)
        saves = 0
        save = backend._save

        def counted(workbook: object) -> None:
            nonlocal saves
            saves += 1
            save(workbook)  # type: ignore[arg-type]

        backend._save = counted  # type: ignore[method-assign]
        source = OutboxSource(layout, {r.submission_id: r for r in records})
        kind = MirrorWorker if incremental else ChasingWorker
        worker = kind(backend, source, interval_s=interval)
        await worker.backend.rebuild(await source.full_batch())
        saves = 0
        rng = random.Random(20)
        loop = asyncio.get_running_loop()
        cpu, started = time.process_time(), loop.time()
        updates = 0

        async def ticks() -> None:  # what the job runner does: a cycle every interval
            while True:
                await asyncio.sleep(interval)
                await worker.cycle()

        ticker = asyncio.create_task(ticks())
        while loop.time() - started < seconds:
            submission_id = rng.choice(sorted(source.records))
            old = source.records[submission_id]
            source.records[submission_id] = replace(
                old, revision=old.revision + 1, answers={**old.answers, "kinh_phi": updates}
            )
            source.queue(submission_id)
            updates += 1
            await asyncio.sleep(max(0.0, started + updates / rate - loop.time()))
        ticker.cancel()
        await asyncio.gather(ticker, return_exceptions=True)
        await worker.run_once()  # the last flush: every update is in the file
        figures = XlsxFigures(
            "xlsx " + ("after: changed cells, paced" if incremental else "before: full rewrite"),
            updates,
            saves,
            time.process_time() - cpu,
            loop.time() - started,
        )
        assert await source.backlog() == 0, "updates left undelivered"
        return figures


def show(figures: Figures) -> None:
    line = (
        f"{figures.name:46s} calls {figures.calls:6d} (reads {figures.reads:5d},"
        f" writes {figures.writes:5d})  quota {figures.quota_minutes:7.2f} min"
        f"  wall {figures.seconds:6.1f} s"
    )
    if figures.largest_kb:
        line += f"  largest request {figures.largest_kb:,.0f} KB"
    print(line)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--reports", type=int, default=400)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--xlsx-seconds", type=float, default=30.0)
    parser.add_argument("--xlsx-only", action="store_true")
    args = parser.parse_args()
    template, issues = load_yaml_template(FORM)
    assert template is not None, issues
    layout = layout_of(template)
    await xlsx_section(layout, args)
    if args.xlsx_only:
        return
    records = submissions(layout, args.submissions, args.units)
    print(
        f"{args.submissions} submissions of {template.key} ({len(layout.columns)} questions,"
        f" {len(layout_headers(layout))} columns), gspread {gspread.__version__}"
    )
    baseline = await run_baseline(layout, records)
    ours, edits = await run_reportbot(layout, records, args.chunk, min(args.edits, len(records)))
    show(baseline)
    show(ours)
    show(edits)
    print(
        f"ratio: {100 * ours.calls / baseline.calls:.2f}% of the baseline's API calls;"
        f" quota time {ours.quota_minutes:.2f} min vs {baseline.quota_minutes:.1f} min"
        f" ({baseline.quota_minutes / max(ours.quota_minutes, 1e-9):.0f}x less)"
    )
    print(
        f"capacity: one spreadsheet (10M cells) holds about {rows_that_fit(len(layout.columns)):,}"
        f" reports of this form"
    )


async def xlsx_section(layout: FormLayout, args: argparse.Namespace) -> None:
    """The .xlsx mirror at `rate` updates/s: before and after, same records, same run."""
    records = submissions(layout, args.reports, args.reports)
    print(f"xlsx mirror: {args.reports} reports, {args.rate:g} updates/s, {args.xlsx_seconds:g} s")
    runs = [
        await run_xlsx(layout, records, incremental=flag, rate=args.rate, seconds=args.xlsx_seconds)
        for flag in (False, True)
    ]
    for figures in runs:
        print(figures.line())
    before, after = runs
    ratio = (after.cpu_s / after.updates) / (before.cpu_s / before.updates)
    print(f"ratio: after/before CPU per update {ratio:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
