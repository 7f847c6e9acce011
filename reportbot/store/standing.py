"""Where a unit stands for one period: the one rule every view of filing status uses.

The first submission decides on time or late (a revision after a coordinator reopened the
report does not make it late). A report reopened for changes stays filed, on time or late as
first sent, with its last submitted answers, until the officer sends it again: the figures
never lose a unit because a coordinator let it correct something. A report started and never
sent is a draft; no report at all is missing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

Standing = Literal["missing", "draft", "on_time", "late"]
FILED_STATUSES = frozenset({"submitted", "reopened"})


def standing(status: str | None, submitted_at: datetime | None, deadline: datetime) -> Standing:
    """The standing of a report with this status and first submission time (None: no report)."""
    if status is None:
        return "missing"
    if status in FILED_STATUSES and submitted_at is not None:
        return "late" if submitted_at > deadline else "on_time"
    return "draft"
