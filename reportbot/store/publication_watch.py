"""Whether another process changed which forms are published, and for which units.

A bot process keeps the form set in memory (`Repository.forms`). Forms are published from the
command line (`reportbot forms import`, a separate process) or in the chat on one worker among
several, and units are imported into communes the same ways: each running process must see
that without a restart. One small statement, asked at most every `RECHECK_S` seconds per
process, says whether anything it depends on changed since the set was loaded.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from reportbot.store import sql

RECHECK_S = 2.0  # an officer sees a form published elsewhere within this (plus one message)
# Changes with a new version (a new active row), a withdrawn or re-published form (`active`),
# a form given another commune or province (`scope_id`), and a unit added or moved to another
# commune (which units a scoped form reaches). Sums of id x reference catch a move between two
# existing rows; aggregates keep it one cheap statement on SQLite and PostgreSQL alike.
STAMP = (
    "SELECT (SELECT count(*) FROM form_templates WHERE active) AS forms, "
    "(SELECT coalesce(max(id), 0) FROM form_templates WHERE active) AS newest, "
    "(SELECT coalesce(sum(id * coalesce(scope_id, 0)), 0) FROM form_templates WHERE active) "
    "AS scopes, (SELECT count(*) FROM units) AS units, "
    "(SELECT coalesce(max(id), 0) FROM units) AS last_unit, "
    "(SELECT coalesce(sum(id * coalesce(organisation_id, 0)), 0) FROM units) AS communes"
)


async def publication_stamp() -> Sequence[Any]:
    """A value that differs whenever the published forms or the units' communes changed."""
    rows = await sql.rows(STAMP)
    return tuple(int(value) for value in rows[0])


class PublicationWatch:
    """Compares the stored stamp with the one taken when the form set was loaded."""

    def __init__(self, recheck_s: float = RECHECK_S) -> None:
        self._recheck_s = recheck_s
        self._stamp: Sequence[Any] | None = None
        self._checked = 0.0

    async def loading(self) -> None:
        """Call just before loading the form set: a change made during the load is seen next."""
        self._stamp = await publication_stamp()
        self._checked = time.monotonic()

    async def changed(self) -> bool:
        """Whether the set loaded is out of date; asks the database at most every recheck_s."""
        if time.monotonic() < self._checked + self._recheck_s:
            return False
        self._checked = time.monotonic()  # first: messages arriving meanwhile do not ask too
        return await publication_stamp() != self._stamp
