"""The audit log: every admin or coordinator action, who did it and what it touched."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from reportbot.store.models import AuditLog


async def record(
    action: str, detail: dict[str, Any], *, now: datetime, person_id: int | None
) -> None:
    """Write one audit entry (person None: done from the command line)."""
    await AuditLog.create(
        person_id=person_id,
        action=action,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        created_at=now,
    )
