"""Google Sheets rows survive what coordinators do by hand while the bot writes.

Real gspread against the fake Sheets API: a sort or a row deletion landing between the
flush's read of the id column and its write (the fake's `sort_now` / `delete_now`), and a row
deleted by hand between two flushes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from reportbot.mirror.worker import MirrorWorker
from tests.fakes.sheets import FakeSheets
from tests.test_mirror import ARTICLES, ID, TITLE, UNIT, MemorySource, google_backend, record

UNITS = 6


@pytest.fixture
async def fake() -> AsyncIterator[FakeSheets]:
    async with FakeSheets() as server:
        yield server


async def filed(fake: FakeSheets) -> tuple[MemorySource, MirrorWorker]:
    """Six units' reports already in the sheet."""
    source = MemorySource()
    for index in range(1, UNITS + 1):
        source.save(record(index))
    worker = MirrorWorker(google_backend(fake), source)
    assert await worker.run_once() == UNITS
    return source, worker


def by_id(fake: FakeSheets) -> dict[int, list[list[Any]]]:
    """The data rows grouped by the submission id they hold."""
    rows: dict[int, list[list[Any]]] = {}
    for row in fake.values(TITLE)[1:]:
        if row and row[ID] != "":
            rows.setdefault(int(row[ID]), []).append(row)
    return rows


def assert_every_unit_once(fake: FakeSheets, articles: dict[int, int]) -> None:
    """Each unit's row exactly once, holding its own unit and its latest figure."""
    rows = by_id(fake)
    assert sorted(rows) == list(range(1, UNITS + 1))
    for submission_id, found in rows.items():
        assert len(found) == 1, f"id {submission_id} in {len(found)} rows"
        (row,) = found
        assert row[UNIT] == f"Đơn vị {submission_id:02d}"
        assert row[ARTICLES] == articles.get(submission_id, 10 * submission_id)


async def test_a_sort_during_the_flush_overwrites_no_other_unit(fake: FakeSheets) -> None:
    source, worker = await filed(fake)
    source.save(record(2, revision=2, answers={"so_bai_viet": 777}))
    fake.sort_now(TITLE, UNIT, reverse=True)  # lands between the id read and the write
    before = len(fake.requests)
    assert await worker.run_once() == 1
    assert_every_unit_once(fake, {2: 777})
    assert source.outbox == {}
    # Repaired in place: the coordinator's order stands, nothing cleared or rebuilt.
    assert [row[ID] for row in fake.values(TITLE)[1:]] == [6, 5, 4, 3, 2, 1]
    updates = [
        item
        for r in fake.requests[before:]
        if r.kind == "batchUpdate"
        for item in r.body["requests"]
    ]
    clears = [u for u in updates if "updateCells" in u and "rows" not in u["updateCells"]]
    assert clears == [], "the sheet was not cleared for a rebuild"


async def test_a_deletion_during_the_flush_is_repaired(fake: FakeSheets) -> None:
    source, worker = await filed(fake)
    source.save(record(5, revision=2, answers={"so_bai_viet": 555}))
    fake.delete_now(TITLE, 3)  # unit 2's row goes; unit 5's row moves up under the write
    assert await worker.run_once() == 1
    assert_every_unit_once(fake, {5: 555})


async def test_a_row_deleted_by_hand_comes_back_at_the_next_flush(fake: FakeSheets) -> None:
    source, worker = await filed(fake)
    fake.delete_rows(TITLE, 4)  # unit 3's row
    assert 3 not in by_id(fake)
    source.save(record(1, revision=2, answers={"so_bai_viet": 111}))
    assert await worker.run_once() == 1
    assert_every_unit_once(fake, {1: 111})


async def test_a_sort_between_flushes_needs_no_repair(fake: FakeSheets) -> None:
    source, worker = await filed(fake)
    fake.sort_rows(TITLE, UNIT, reverse=True)
    order = [row[ID] for row in fake.values(TITLE)[1:]]
    source.save(record(4, revision=2, answers={"so_bai_viet": 444}))
    assert await worker.run_once() == 1
    assert_every_unit_once(fake, {4: 444})
    assert [row[ID] for row in fake.values(TITLE)[1:]] == order, "the coordinator's order kept"
    assert fake.count("batchUpdate") <= 2, "no rebuild: the write found the right rows"
