"""verify.damage, for any hand sort between the read and the write: it reports harm exactly
when a unit's row was lost under the write (the sheet no longer holds every unit once).

A row the flush rewrites is written whole (id and answers), so rewriting rows that merely
swapped places harms nothing; overwriting the row of a unit the flush does not write does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reportbot.mirror.layout import locate_rows
from reportbot.mirror.verify import damage, reassign


@st.composite
def sorted_during_a_flush(draw: st.DrawFn) -> tuple[list[int], list[int], list[int]]:
    """(ids as read, the same ids after a hand sort, the ids the flush rewrites)."""
    count = draw(st.integers(min_value=1, max_value=12))
    ids = list(range(1, count + 1))
    after_sort = draw(st.permutations(ids))
    updated = draw(st.lists(st.sampled_from(ids), unique=True, min_size=1))
    return ids, list(after_sort), updated


@given(sorted_during_a_flush())
def test_damage_is_reported_exactly_when_a_row_was_overwritten(
    case: tuple[list[int], list[int], list[int]],
) -> None:
    read, sheet, updated = case
    header = ["Mã báo cáo"]
    found, _ = locate_rows([*header, *read])
    written = {sid: found[sid] for sid in updated}
    column = [*header, *sheet]  # the sort lands before the write
    for sid, rows in written.items():
        for row in rows:
            column[row - 1] = sid  # the write puts the id (with the row) where it was read
    every_unit_once = sorted(column[1:]) == sorted(read)
    assert bool(damage(found, written, column)) == (not every_unit_once)
    if sheet == read:
        assert not damage(found, written, column), "no sort, no harm"


def test_a_repair_gives_the_clobbered_row_back_to_the_unit_it_held() -> None:
    # Unit 5's row (row 3) was written over with unit 2's answers; unit 2's own row, moved
    # by the sort, is row 6.
    found = {6: [2], 2: [3, 6], 4: [4], 3: [5], 1: [7]}
    assert reassign(found, [2, 5], clobbered={3}) == {
        6: [2],
        2: [6],
        4: [4],
        3: [5],
        1: [7],
        5: [3],
    }
    # Without knowing which row was hit, the first copy is kept: still every unit once.
    plain = reassign(found, [2, 5])
    assert sorted(row for rows in plain.values() for row in rows) == [2, 3, 4, 5, 6, 7]
    # More copies than units to give them to: the extra copy is rewritten, not lost.
    assert reassign({1: [2, 3, 4]}, [1]) == {1: [2, 3, 4]}
