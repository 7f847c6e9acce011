"""The coordinators' digest of one period as a coordinator would get it, asked of the reminders
worker directly (its own composition, without waiting for the digest's slot)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from connectors.base import Outgoing
from reportbot.periods import period_by_key
from reportbot.reminders.schedule import COORDINATORS, DIGEST_AFTER, Due, Recipient, Slot
from reportbot.store.models import Person
from tests.conftest import TZ


async def digest_after_deadline(
    reminders: Any, form: str, period_key: str, coordinator: str, now: datetime
) -> Outgoing:
    """The after-deadline digest of `form`'s period `period_key` for the person named
    `coordinator`, composed at `now`, for a console chat."""
    templates = await reminders.templates()
    period = period_by_key(templates[form].period, period_key, TZ)
    slot = Slot(form, period, DIGEST_AFTER, COORDINATORS, now, now + timedelta(days=1))
    person = await Person.get(name=coordinator)
    [digest] = await reminders.digest_messages(
        [Due(slot, Recipient(person.id, None))], templates, {"console"}
    )
    return digest
