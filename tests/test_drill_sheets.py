"""Short Sheets drill (`drills/sheets.py`): the bot as a separate process mirrors to the fake
Sheets API while officers file; a coordinator sorts and deletes rows during flushes, then the
API answers 500 to everything for a few seconds and recovers. Goal (issue 12): after recovery
every submission is in the sheet exactly once, in its own unit's row.
"""

from __future__ import annotations

import pytest

from drills.sheets import run_sheets_drill

pytestmark = pytest.mark.drill


async def test_sheet_rows_survive_an_api_outage_and_hand_edits_during_flushes() -> None:
    figures = await run_sheets_drill(officers=4, outage_s=4.0, duration_s=60.0)
    print("\n".join(figures.lines()))
    counts = figures.counts
    assert counts["hand_edits_landed"] == 3
    assert counts["hand_edits_during_a_row_write"] >= 1, "an edit fell inside a row write"
    assert counts["sheets_calls_refused"] >= 1, "the mirror met the outage"
    assert counts["row_writes_after_recovery"] >= 1, "changes waited for the API to recover"
    assert figures.officers_saw_submitted == 4
    assert counts["submissions"] == 4
    assert counts["rows_lost"] == 0
    assert counts["rows_duplicated"] == 0
    assert counts["rows_overwritten"] == 0
    assert figures.violations() == []
