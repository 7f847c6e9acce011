"""Checking a Google flush against the sheet as it is after the write.

Rows are found by submission id when a flush begins, and written by position a moment later:
a coordinator sorting (or deleting rows) in between would make the write land on another
unit's row. Sheets offers no lock or precondition across calls
(https://developers.google.com/sheets/api/guides/batchupdate: a batch is atomic within
one request only), so the id column is read again after the write and compared:

- a unit whose id was in the sheet (or was just appended) and is gone: its row was
  overwritten; an id written now that appears in more rows than before: the overwriting copy.
  Either is `RowsDisplaced`: the worker writes the harmed units again from the store, each
  into the row the misplaced write hit (`reassign`), or rebuilds the sheet if that fails too.
- between flushes, an id seen earlier and missing at the next read is a row deleted by hand:
  the backend reports it (`missing`) and the worker writes it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportbot.mirror.backend import MirrorError
from reportbot.mirror.layout import locate_rows


class RowsDisplaced(MirrorError):
    """Rows moved while a flush wrote them: some unit's row was overwritten."""

    def __init__(self, title: str, ids: Iterable[int], rows: Iterable[int] = ()) -> None:
        self.ids = sorted(set(ids))
        self.title = title
        self.rows = set(rows)  # the rows the misplaced write wrote
        shown = ", ".join(str(i) for i in self.ids[:10])
        super().__init__(f"rows of '{title}' moved during the write (submission ids {shown})")


def damage(
    before: Mapping[int, list[int]],
    written: Mapping[int, list[int]],
    id_cells_after: Sequence[Any],
) -> set[int]:
    """The submission ids harmed by a write that landed on moved rows (empty: none).

    `before` is the id -> rows index read when the flush began, `written` the rows the flush
    wrote for each id, `id_cells_after` the id column read back after the write.
    """
    after, _ = locate_rows(id_cells_after)
    vanished = (set(before) | set(written)) - set(after)
    doubled = {
        sid
        for sid in written
        if len(after.get(sid, [])) > max(len(before.get(sid, [])), len(written[sid]))
    }
    return vanished | doubled


def deleted_by_hand(known: set[int], present: Iterable[int], writing: Iterable[int]) -> set[int]:
    """Ids the sheet held at an earlier flush, missing now and not being written now."""
    return known - set(present) - set(writing)


def reassign(
    found: Mapping[int, list[int]], wanted: Iterable[int], clobbered: Iterable[int] = ()
) -> dict[int, list[int]]:
    """The id -> rows index for a repair: each surplus row of a doubled id (the copy a
    misplaced write left) goes to a wanted id that has no row (the unit it overwrote).

    A doubled id keeps the row the misplaced write did not touch (`clobbered` are the rows
    it wrote): that is its own row, moved by the sort, and the row written over is where the
    overwritten unit was. A wanted id left without a surplus row is appended as usual.
    """
    hit = set(clobbered)
    index: dict[int, list[int]] = {}
    surplus: list[int] = []
    for sid, rows in found.items():
        keep = next((row for row in rows if row not in hit), rows[0])
        index[sid] = [keep]
        surplus.extend(row for row in rows if row != keep)
    surplus.sort()
    victims = [sid for sid in sorted(set(wanted)) if sid not in index]
    for sid, row in zip(victims, surplus, strict=False):
        index[sid] = [row]
    for row in surplus[len(victims) :]:  # more copies than victims: rewrite them too
        owner = next(sid for sid, rows in found.items() if row in rows)
        index[owner].append(row)
    return index


def entry_damage(
    before: Mapping[int, list[int]], expected: Mapping[int, int], id_cells_after: Sequence[Any]
) -> set[int]:
    """The submission ids a repeat sheet's write harmed: each must hold exactly its entries'
    rows afterwards (`expected`; an id not written keeps the rows it had `before`)."""
    after, _ = locate_rows(id_cells_after)
    return {
        sid
        for sid in set(before) | set(expected)
        if len(after.get(sid, [])) != expected.get(sid, len(before.get(sid, [])))
    }


def entries_deleted_by_hand(
    known: Mapping[int, int], found: Mapping[int, list[int]], writing: Iterable[int]
) -> set[int]:
    """Ids whose repeat-sheet rows are fewer than after an earlier flush (rows deleted by
    hand), among those not being written now."""
    skip = set(writing)
    return {
        sid for sid, rows in known.items() if sid not in skip and len(found.get(sid, [])) < rows
    }


@dataclass(frozen=True, slots=True)
class WriteCheck:
    """What one worksheet's write is checked against when its id column is read again.

    `assigned` are the rows written per id; `expected` is set for a repeat's worksheet (the
    number of rows each written id must hold: its entries), None for a form's worksheet.
    """

    title: str
    col: int
    found: dict[int, list[int]]
    assigned: dict[int, list[int]]
    expected: dict[int, int] | None = None

    @property
    def risky(self) -> bool:
        """Whether the write touched rows found at the read (appends below cannot move)."""
        written = self.assigned if self.expected is None else self.expected
        return bool(set(self.found) & set(written))

    def entry_rows(self, rebuild: bool) -> dict[int, int]:
        """A repeat sheet's rows per id after this write (verified), for the next flush."""
        held = {} if rebuild else {sid: len(rows) for sid, rows in self.found.items()}
        held.update(self.expected or {})
        return {sid: rows for sid, rows in held.items() if rows}

    def harmed(self, id_cells_after: Sequence[Any]) -> set[int]:
        """The ids whose rows the write harmed, judged from the id column read after it."""
        if self.expected is None:
            return damage(self.found, self.assigned, id_cells_after)
        return entry_damage(self.found, self.expected, id_cells_after)
