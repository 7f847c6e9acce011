"""What the coordinators' web page reads about the person signed in, and its clean-up."""

from __future__ import annotations

from datetime import datetime

from reportbot.conversation.session import PersonInfo
from reportbot.store.models import ConnectorState, Person
from reportbot.store.repository import person_info


async def active_person(person_id: int) -> PersonInfo | None:
    """The person with this id if still active (their role as it is now), else None."""
    person = await Person.get_or_none(id=person_id, active=True).prefetch_related("unit")
    return person_info(person) if person is not None else None


async def forget_older_than(namespace: str, cutoff: datetime) -> int:
    """Delete the key-value entries of `namespace` last written before `cutoff`; their count."""
    return await ConnectorState.filter(connector=namespace, updated_at__lt=cutoff).delete()
