"""A question labelled like the mirror's own sending column ("Lần gửi", or "Lần sửa" as it was
headed before) gets a column of its own, on a new sheet, on a sheet an earlier version wrote,
and while an earlier process still writes during a rolling upgrade.

The sending number's column is "Lần gửi" (column I); before, it was "Lần sửa", and a question
labelled "Lần gửi" was then written under its bare label. A question's column clashing with
either name is headed "<label> (<question id>)", as both versions head a clash with their own
fixed columns, so no version takes another's column for its own. Both backends.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reportbot.mirror.records import ColumnSpec
from tests.test_mirror import ID, REVISION, V1, batch, harness, record

__all__ = ["harness"]  # the fixture, over both backends
SENT, EDITED = 16, 17  # columns Q and R: the two questions after V1's
LAYOUT = replace(
    V1,
    columns=(
        *V1.columns,
        ColumnSpec("lan_gui", "Lần gửi", "integer"),
        ColumnSpec("lan_sua", "Lần sửa", "integer"),
    ),
)


def answered(submission_id: int, revision: int = 1) -> Any:
    """A report answering 7 to "Lần gửi" and 5 to "Lần sửa"."""
    return record(submission_id, revision=revision, answers={"lan_gui": 7, "lan_sua": 5})


async def test_a_new_sheet_heads_each_clashing_question_by_its_id(harness: Any) -> None:
    await harness.backend.apply(batch(answered(1), layout=LAYOUT))
    header, row = harness.rows()
    assert header[REVISION] == "Lần gửi" and row[REVISION] == 1
    assert header[SENT:] == ["Lần gửi (lan_gui)", "Lần sửa (lan_sua)"]
    assert row[SENT:] == [7, 5]
    assert header.count("Lần gửi") == 1 and "Lần sửa" not in header


async def test_a_sheet_of_the_earlier_version_keeps_each_column(harness: Any) -> None:
    await harness.backend.apply(batch(answered(1), answered(2), layout=LAYOUT))
    # As the earlier version headed it: the sending number "Lần sửa", the question "Lần gửi"
    # under its bare label (no clash then), the question "Lần sửa" by its id.
    harness.set_value("I1", "Lần sửa")
    harness.set_value("Q1", "Lần gửi")
    await harness.backend.apply(batch(answered(1, revision=2), layout=LAYOUT))
    rows = harness.rows()
    assert rows[0][REVISION] == "Lần gửi"
    assert rows[0][SENT:] == ["Lần gửi (lan_gui)", "Lần sửa (lan_sua)"]  # no column added
    assert [row[ID] for row in rows[1:]] == [1, 2]
    assert [row[REVISION] for row in rows[1:]] == [2, 1]  # the sending number, not the answer
    assert [row[SENT] for row in rows[1:]] == [7, 7]  # the answer, not the sending number


async def test_a_column_an_earlier_process_appended_is_not_taken(harness: Any) -> None:
    await harness.backend.apply(batch(answered(1), layout=LAYOUT))
    # During a rolling upgrade a process of the earlier version, missing its "Lần sửa", added
    # it after the last column and wrote its sending number there.
    harness.set_value("S1", "Lần sửa")
    harness.set_value("S2", 1)
    await harness.backend.apply(batch(answered(1, revision=3), layout=LAYOUT))
    header, row = harness.rows()
    assert header[REVISION] == "Lần gửi" and row[REVISION] == 3
    assert header[SENT:] == ["Lần gửi (lan_gui)", "Lần sửa (lan_sua)", "Lần sửa"]
    assert row[SENT : SENT + 2] == [7, 5]


def insert_column(harness: Any, index: int, header: str, values: list[Any]) -> None:
    """Insert a column by hand at zero-based `index`, shifting the cells to its right."""
    rows = harness.rows()
    for number, row in enumerate(rows, start=1):
        cells = [*row[:index], header if number == 1 else values[number - 2], *row[index:]]
        for column, value in enumerate(cells[index:], start=index):
            harness.set_value(f"{chr(ord('A') + column)}{number}", value)


async def test_a_coordinators_own_edit_column_on_the_left_is_left_alone(harness: Any) -> None:
    await harness.backend.apply(batch(answered(1), layout=LAYOUT))
    insert_column(harness, 2, "Lần sửa", ["đã sửa 2 lần"])  # their own column at C
    await harness.backend.apply(batch(answered(1, revision=4), layout=LAYOUT))
    header, row = harness.rows()
    assert header[2] == "Lần sửa" and row[2] == "đã sửa 2 lần"
    assert header[REVISION + 1] == "Lần gửi" and row[REVISION + 1] == 4
    assert header.count("Lần gửi") == 1


async def test_an_earlier_sheet_with_the_questions_column_dragged_left(harness: Any) -> None:
    await harness.backend.apply(batch(answered(1), layout=LAYOUT))
    # The earlier version's headers, then the coordinator dragged the question's bare
    # "Lần gửi" column (holding its answer 7) to C, left of the sending number's "Lần sửa".
    harness.set_value("I1", "Lần sửa")
    harness.set_value("Q1", "")
    harness.set_value("Q2", "")
    insert_column(harness, 2, "Lần gửi", [7])
    await harness.backend.apply(batch(answered(1, revision=3), layout=LAYOUT))
    header, row = harness.rows()
    assert header[2] == "Lần gửi (lan_gui)" and row[2] == 7  # its column, renamed in place
    assert header[REVISION + 1] == "Lần gửi" and row[REVISION + 1] == 3  # renamed in place
    assert header.count("Lần gửi") == 1 and "Lần sửa" not in header


async def test_a_question_headed_like_a_clash_never_takes_a_leftover_column(
    harness: Any,
) -> None:
    monthly = replace(V1, columns=(*V1.columns, ColumnSpec("thang", "Lần gửi (tháng)", "integer")))
    await harness.backend.apply(batch(record(1, answers={"thang": 2}), layout=V1))
    harness.set_value("Q1", "Lần gửi")  # a leftover bare column a coordinator typed
    harness.set_value("Q2", "của tôi")
    await harness.backend.apply(batch(record(1, revision=2, answers={"thang": 2}), layout=monthly))
    header, row = harness.rows()
    assert header[REVISION] == "Lần gửi" and row[REVISION] == 2
    assert header[SENT:] == ["Lần gửi", "Lần gửi (tháng)"] and row[SENT:] == ["của tôi", 2]
