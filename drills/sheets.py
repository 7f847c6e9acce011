"""Drill: the Google Sheets mirror while the Sheets API fails and coordinators edit by hand.

    python -m drills.sheets --officers 6 --outage 8

The bot runs as a child process (`reportbot run`, webhook mode, SQLite) with its mirror on the
fake Sheets API (`tests/fakes/sheets.py`, in this process). While officers file, the drill
makes the API answer 500 to every call for `--outage` seconds, then serve again; afterwards a
coordinator sorts the sheet (descending, then ascending by unit) and deletes a row, each landing
between the mirror's read of the id column and its write (`sort_now` / `delete_now`). At the
end the bot is stopped gracefully and every submission in the database must be in the sheet
exactly once, in the row holding its own unit: rows lost, duplicated or overwritten are counted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable

from drills.channel import Channel
from drills.figures import Figures
from drills.process import BotProcess
from drills.world import World, make_world, tear_down
from reportbot.mirror.records import STATUS_SHEET_TITLE
from reportbot.store.database import close_database, open_database
from reportbot.store.models import Submission
from tests.fakes.sheets import FakeSheets

ID, UNIT = 0, 1  # the mirror's first columns: submission id, unit name
EDIT_DEADLINE_S = 30.0  # a queued hand edit lands at the mirror's next write (every 1 s)


async def _until(check: Callable[[], bool], timeout: float) -> bool:
    """Whether `check()` became true before `timeout` seconds passed (polled every 0.2 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.2)
    return check()


def form_titles(fake: FakeSheets) -> list[str]:
    """The worksheets holding report rows (not the status sheet nor the default one)."""
    skip = {STATUS_SHEET_TITLE.casefold(), "trang tính1"}
    return [title for title in fake.titles() if title.casefold() not in skip]


def sheet_rows(fake: FakeSheets) -> list[tuple[int, str]]:
    """(submission id, unit) of every data row of every form sheet."""
    rows = []
    for title in form_titles(fake):
        for row in fake.values(title)[1:]:
            if len(row) > UNIT and str(row[ID]).isdigit():
                rows.append((int(row[ID]), str(row[UNIT])))
    return rows


def _pending_edits(fake: FakeSheets) -> int:
    return len(fake._before)  # the fake's queue of hand edits not landed yet


async def _faults(fake: FakeSheets, outage_s: float, figures: Figures) -> None:
    """Three hand edits while officers file, each during a flush; then an outage (500)."""
    if not await _until(lambda: bool(sheet_rows(fake)), 60.0):
        figures.notes.append("no row reached the sheet before the hand edits")
        return
    await _hand_edits(fake, figures)
    before = len(fake.requests)
    fake.down(500)
    await asyncio.sleep(outage_s)  # the outage's length is the drill's parameter, not luck
    fake.up()
    refused = sum(1 for r in fake.requests[before:] if r.status >= 500)
    figures.counts["sheets_calls_refused"] = refused
    figures.counts["_recovered_at_request"] = len(fake.requests)


def _row_writes_since(fake: FakeSheets, first: int) -> int:
    """Successful writes of report rows from request `first` on (not the status sheet)."""
    titles = form_titles(fake)
    count = 0
    for record in fake.requests[first:]:
        if record.status != 200 or not record.is_write:
            continue
        body = str(record.body) + record.path
        count += any(title in body for title in titles)
    return count


async def _hand_edits(fake: FakeSheets, figures: Figures) -> None:
    """Sort descending, delete row 2, sort ascending: each just before a mirror write."""
    title = form_titles(fake)[0]
    edits = [
        lambda: fake.sort_now(title, UNIT, reverse=True),
        lambda: fake.delete_now(title, 2),
        lambda: fake.sort_now(title, UNIT),
    ]
    landed = during_form_write = 0
    for edit in edits:
        first = len(fake.requests)
        edit()
        if not await _until(lambda: _pending_edits(fake) == 0, EDIT_DEADLINE_S):
            continue
        landed += 1
        # The write the edit landed before: did it write report rows (not the status sheet)?
        write = next(r for r in fake.requests[first:] if r.kind == "values.batchUpdate")
        ranges = [str(item.get("range", "")) for item in (write.body or {}).get("data", [])]
        during_form_write += any(title in found for found in ranges)
    figures.counts["hand_edits_landed"] = landed
    figures.counts["hand_edits_during_a_row_write"] = during_form_write


async def _compare(world: World, fake: FakeSheets, figures: Figures) -> None:
    """Every submission once, in its own unit's row; count what is lost or overwritten."""
    await open_database(world.database, migrate_first=False)
    try:
        expected = {s.id: s.unit.name for s in await Submission.all().prefetch_related("unit")}
    finally:
        await close_database()
    recovered_at = counts_pop(figures, "_recovered_at_request")
    if recovered_at is not None:
        figures.counts["row_writes_after_recovery"] = _row_writes_since(fake, recovered_at)
    rows = sheet_rows(fake)
    seen = [submission_id for submission_id, _ in rows]
    counts = figures.counts
    counts["submissions"] = len(expected)
    counts["rows_lost"] = sum(1 for sid in expected if sid not in seen)
    counts["rows_duplicated"] = sum(seen.count(sid) - 1 for sid in set(seen))
    counts["rows_overwritten"] = sum(1 for sid, unit in rows if expected.get(sid) != unit)
    for sid, unit in rows:
        if expected.get(sid) != unit and len(figures.notes) < 12:
            figures.notes.append(f"row of id {sid} holds {unit!r}, not {expected.get(sid)!r}")


def counts_pop(figures: Figures, key: str) -> int | None:
    """Take a drill-internal tally out of the printed counts."""
    return figures.counts.pop(key, None)


async def run_sheets_drill(
    officers: int = 4, outage_s: float = 6.0, duration_s: float = 90.0, keep: bool = False
) -> Figures:
    """Run the drill; return its figures (`counts` holds the rows lost/duplicated/overwritten)."""
    began = time.monotonic()
    figures = Figures("sheets/webhook/sqlite", officers=officers)
    world = await make_world("webhook", "sqlite", officers)
    fake = FakeSheets()
    await fake.start()
    env = world.bot_env(
        REPORTBOT_SPREADSHEET_ID=fake.spreadsheet_id,
        REPORTBOT_GOOGLE_SHEETS_API_URL=fake.base_url,
        REPORTBOT_SHEETS_INTERVAL="1",
    )
    bot = BotProcess(env, world.folder, world.http_port)
    channel = Channel(world.tg, "webhook", world.webhook_url)
    try:
        await bot.start()
        await bot.wait_ready()
        deadline = time.monotonic() + duration_s
        faults = asyncio.create_task(_faults(fake, outage_s, figures))
        await asyncio.gather(*(o.file_report(world.tg, channel, deadline) for o in world.officers))
        await faults
        figures.officers_saw_submitted = sum(o.submitted_seen for o in world.officers)
        figures.answers_acknowledged = sum(len(o.acked) for o in world.officers)
        figures.stop_s = await bot.stop()  # the last flush is part of a graceful stop
        figures.tracebacks = bot.tracebacks()
        figures.http_5xx = channel.counts.server_errors
        await _compare(world, fake, figures)
        figures.answers_lost = figures.counts["rows_lost"]  # a lost row: a lost report
    finally:
        await tear_down(bot, channel, world.folder, keep, figures, world.tg.stop, fake.stop)
    figures.notes.append(", ".join(f"{k} {v}" for k, v in figures.counts.items()))
    figures.elapsed_s = time.monotonic() - began
    return figures


def main(argv: list[str] | None = None) -> int:
    """Command line: run the Sheets drill and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officers", type=int, default=4)
    parser.add_argument("--outage", type=float, default=6.0)
    parser.add_argument("--duration", type=float, default=90.0)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    figures = asyncio.run(run_sheets_drill(args.officers, args.outage, args.duration, args.keep))
    print("\n".join(figures.lines()))
    overwritten = figures.counts.get("rows_overwritten", 0)
    duplicated = figures.counts.get("rows_duplicated", 0)
    return 1 if figures.violations() or overwritten or duplicated else 0


if __name__ == "__main__":
    sys.exit(main())
