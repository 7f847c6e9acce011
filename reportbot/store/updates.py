"""Processed platform updates and once-only flags, for the message pipeline."""

from __future__ import annotations

from datetime import datetime

from reportbot.store.models import ConnectorState, ProcessedUpdate


async def mark_processed(update: tuple[str, str], now: datetime) -> None:
    """Record that a platform update was handled (a redelivery is then dropped)."""
    await ProcessedUpdate.get_or_create(
        platform=update[0], update_id=update[1], defaults={"processed_at": now}
    )


async def claim_flag(namespace: str, key: str, now: datetime) -> bool:
    """Set a flag once: True for the caller that set it, False if it was already set."""
    _, created = await ConnectorState.get_or_create(
        connector=namespace, key=key, defaults={"value": "told", "updated_at": now}
    )
    return created
