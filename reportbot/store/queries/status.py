"""What `reportbot status` reads: migrations applied, and how much the bot holds."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import OperationalError

from reportbot.store import sql
from reportbot.store.models import FormTemplateRecord, Person, Unit


class NotMigrated(Exception):
    """The tables do not exist yet (`reportbot db migrate` was never run)."""


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """Applied migrations (oldest first) and the rows an IT officer checks first."""

    migrations: list[str]
    active_forms: int
    units: int
    people: int


async def store_counts() -> StoreCounts:
    """Read the counts; raise NotMigrated on a database without the bot's tables."""
    try:
        rows = await sql.rows("SELECT name FROM tortoise_migrations ORDER BY id")
        return StoreCounts(
            migrations=[str(row[0]) for row in rows],
            active_forms=await FormTemplateRecord.filter(active=True).count(),
            units=await Unit.all().count(),
            people=await Person.all().count(),
        )
    except OperationalError as error:
        raise NotMigrated(str(error)) from error
