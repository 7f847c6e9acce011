"""The optional commune column of the units and people CSV files (issue 17).

A cell names an organisation by code or by name; an empty cell leaves a row's commune as it
is (a new unit: the default commune). Each name is looked up once per file.
"""

from __future__ import annotations

from reportbot.coordination.people.csvfile import RowProblem
from reportbot.coordination.people.import_texts import quoted
from reportbot.store.queries.organisations import organisation_by_ref

COMMUNE_COLUMN = {"commune": ("commune", "commune_code", "xa", "ma_xa", "to_chuc", "cap")}


class CommuneCells:
    """Resolves the commune cells of one file, collecting a problem for each unknown name."""

    def __init__(self, source: str, problems: list[RowProblem], *, provinces: bool = False):
        self.source = source
        self.problems = problems
        self.provinces = provinces  # people may be given a province; units only a commune
        self.known: dict[str, int | None] = {}

    async def resolve(self, line: int, cell: str) -> int | None:
        """The organisation id a cell names, None for an empty or unknown cell."""
        wanted = cell.strip()
        if not wanted:
            return None
        key = wanted.casefold()
        if key not in self.known:
            found = await organisation_by_ref(wanted)
            fits = found is not None and (self.provinces or found.kind == "commune")
            self.known[key] = found.id if found is not None and fits else None
        if self.known[key] is None:
            self.problems.append(
                RowProblem.of(self.source, line, "commune", "no_commune", value=quoted(wanted))
            )
        return self.known[key]
