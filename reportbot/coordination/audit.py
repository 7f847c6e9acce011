"""The audit log: every admin or coordinator action, who did it and what it touched."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reportbot.store.queries.coordination import record_audit


async def record(
    action: str, detail: dict[str, Any], *, now: datetime, person_id: int | None
) -> None:
    """Write one audit entry (person None: done from the command line)."""
    await record_audit(action, detail, now=now, person_id=person_id)
