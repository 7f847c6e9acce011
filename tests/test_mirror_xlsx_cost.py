"""The .xlsx mirror's cost stays bounded: no save without a changed cell, a flush takes what
was pending when it began, and saving is paced to the backend's declared share of time."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from openpyxl import load_workbook

from reportbot.mirror.records import MirrorBatch, StatusSheet
from reportbot.mirror.worker import MirrorWorker
from reportbot.mirror.xlsx import XlsxBackend
from tests.test_mirror import MemorySource, batch, record, status_sheet


def stamp(path: Path) -> tuple[int, int]:
    """The file's inode and modification time: an atomic save replaces both."""
    info = os.stat(path)
    return info.st_ino, info.st_mtime_ns


async def test_a_batch_that_changes_no_cell_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    backend = XlsxBackend(path)
    await backend.apply(batch(record(1), record(2), status=True))
    first = stamp(path)
    await backend.apply(batch(record(2), status=True))  # the same row, the same status
    assert stamp(path) == first
    await backend.apply(batch(record(2, answers={"so_bai_viet": 999}), status=True))
    assert stamp(path) != first
    values = [row for row in load_workbook(path).worksheets[1].iter_rows(values_only=True)]
    assert 999 in values[2]


async def test_the_status_sheet_is_rewritten_only_when_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    backend = XlsxBackend(path)
    await backend.apply(batch(record(1), status=True))
    unchanged = stamp(path)
    await backend.apply(MirrorBatch(status=(status_sheet(),)))
    assert stamp(path) == unchanged
    late: StatusSheet = replace(status_sheet(), rows=status_sheet().rows[:2])
    await backend.apply(MirrorBatch(status=(late,)))
    assert stamp(path) != unchanged
    status = load_workbook(path).worksheets[0]
    texts = [str(v) for row in status.iter_rows(values_only=True) for v in row if v]
    assert not any("Đơn vị 04" in text for text in texts)


async def test_a_file_edited_by_hand_is_read_again_and_saved(tmp_path: Path) -> None:
    path = tmp_path / "m.xlsx"
    backend = XlsxBackend(path)
    await backend.apply(batch(record(1), status=True))
    workbook = load_workbook(path)
    workbook.worksheets[1]["A5"] = "ghi chú của chuyên viên"
    workbook.save(path)
    await backend.apply(batch(record(1), status=True))  # nothing of ours changed...
    reread = load_workbook(path).worksheets[1]
    assert reread["A5"].value == "ghi chú của chuyên viên"  # ...and their note is kept


class CountingSource(MemorySource):
    """Queues a new change while each batch is written (steady load)."""

    built: int = 0

    async def build_batch(self, submission_ids):  # type: ignore[no-untyped-def]
        self.built += 1
        self.save(record(100 + self.built))
        return await super().build_batch(submission_ids)


async def test_a_flush_does_not_chase_changes_arriving_meanwhile(tmp_path: Path) -> None:
    source = CountingSource()
    for index in (1, 2, 3):
        source.save(record(index))
    worker = MirrorWorker(XlsxBackend(tmp_path / "m.xlsx"), source)
    assert await worker.run_once() == 3
    assert source.built == 1 and len(source.outbox) == 1, "the newcomer waits for next time"


async def test_scheduled_flushes_are_paced_to_the_declared_duty(tmp_path: Path) -> None:
    source = MemorySource()
    source.save(record(1))
    worker = MirrorWorker(XlsxBackend(tmp_path / "m.xlsx"), source)
    assert worker.max_duty == 0.1
    worker._pace(2.0)  # a save that took 2 s: the next 18 s are left alone
    assert worker.paced()
    await worker.cycle()
    assert len(source.outbox) == 1, "kept in the outbox, not lost"
    worker._paced_until = 0.0
    await worker.cycle()
    assert source.outbox == {}
    unpaced = MirrorWorker(XlsxBackend(tmp_path / "b.xlsx", incremental=False), source)
    unpaced._pace(2.0)
    assert not unpaced.paced()
