"""Where a unit stands for one period: the one rule every view of filing status uses.

The first submission decides on time or late (a revision after a coordinator reopened the
report does not make it late); a report started, or reopened and not yet sent again, is a
draft; no report at all is missing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

Standing = Literal["missing", "draft", "on_time", "late"]


def standing(status: str | None, submitted_at: datetime | None, deadline: datetime) -> Standing:
    """The standing of a report with this status and first submission time (None: no report)."""
    if status is None:
        return "missing"
    if status == "submitted" and submitted_at is not None:
        return "late" if submitted_at > deadline else "on_time"
    return "draft"
