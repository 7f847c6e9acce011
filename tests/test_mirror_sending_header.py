"""The sheet's column of the sending number is headed "Lần gửi", also on a sheet written before.

It was headed "Lần sửa" (edit count) while it holds the revision, the number of the sending:
a report sent once read as "edited once". A sheet an earlier version wrote keeps its column:
the header cell is renamed in place, with no second column, and a coordinator's own columns
stay where they are. Both backends (Google Sheets through the fake API, a local .xlsx).
"""

from __future__ import annotations

from typing import Any

from tests.test_mirror import ID, REVISION, batch, harness, record

__all__ = ["harness"]  # the fixture, over both backends
COORDINATORS = 16  # column Q: the first after ours (see tests/test_mirror.py)


async def test_the_sending_number_is_headed_lan_gui(harness: Any) -> None:
    await harness.backend.apply(batch(record(1)))
    header, row = harness.rows()
    assert header[REVISION] == "Lần gửi" and row[REVISION] == 1
    assert "Lần sửa" not in header


async def test_a_sheet_headed_lan_sua_is_renamed_in_place(harness: Any) -> None:
    await harness.backend.apply(batch(record(1), record(2)))
    harness.set_value("I1", "Lần sửa")  # the header an earlier version wrote
    harness.set_value("Q1", "Nhận xét của Phòng VH-XH")  # the coordinator's own column
    harness.set_value("Q2", "Đã xem")
    await harness.backend.apply(batch(record(1, revision=2)))
    rows = harness.rows()
    assert rows[0][REVISION] == "Lần gửi"
    assert "Lần sửa" not in rows[0] and rows[0].count("Lần gửi") == 1
    assert len(rows[0]) == COORDINATORS + 1  # no column added
    assert rows[0][COORDINATORS] == "Nhận xét của Phòng VH-XH"
    assert [row[ID] for row in rows[1:]] == [1, 2]
    assert rows[1][REVISION] == 2 and rows[1][COORDINATORS] == "Đã xem"
    assert rows[2][REVISION] == 1
