"""Applying the shipped migrations to a database, one step at a time, each step whole.

Tortoise's own `migrate()` runs a migration in a transaction but records it as applied only
after that transaction commits: a process killed in between leaves the new schema recorded as
not applied, and every later migrate fails on a column or table that already exists. Here each
step and its record commit together (the executor runs inside the step's transaction, whose
own transaction becomes a savepoint), on PostgreSQL and SQLite alike: both roll DDL back.

A database recorded with a migration this release does not ship was migrated by a newer
release: it is refused before anything is written (this code would not know its schema).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from tortoise.migrations.recorder import MigrationRecorder
from tortoise.transactions import in_transaction

from reportbot.store.database import DatabaseUnavailable, looks_like_connection_error

APP = "models"


class MigrationRefused(DatabaseUnavailable):
    """The database cannot be migrated by this release; one line, nothing changed."""


class MigrationFailed(MigrationRefused):
    """A step failed and was rolled back; the database stays at the step before it."""


@dataclass(frozen=True, slots=True)
class MigrationOutcome:
    """What a migrate did: the steps applied now (oldest first) and the latest one recorded."""

    applied: tuple[str, ...]
    latest: str | None


async def apply_pending(config: dict[str, Any], shipped: list[str]) -> MigrationOutcome:
    """Apply the migrations `shipped` that the database lacks, each in one transaction with
    its record; refuse a database from a newer release. Tortoise must not be initialised."""
    await Tortoise.init(config=config, init_connections=False)
    apps = {APP: config["apps"][APP]}
    executor = MigrationExecutor(get_connection("default"), apps)
    plan = await executor.plan()  # creates nothing: reads the recorder table if it exists
    recorded = [key.name for key in await executor.recorder.applied_migrations()]
    unknown = sorted(set(recorded) - set(shipped))
    if unknown:
        raise MigrationRefused(
            "db_newer", names=", ".join(unknown), latest=shipped[-1] if shipped else "—"
        )
    if plan:
        # The record table first, outside any step (as tortoise's own migrate does): a step's
        # executor reads it, and on PostgreSQL a read of a missing table aborts the step's
        # whole transaction. An idempotent CREATE ... IF NOT EXISTS, through the same private
        # helper tortoise's migrate uses for it (tortoise 1.1).
        await executor.recorder.ensure_schema(executor._schema_editor(atomic=False))
    done: list[str] = []
    for step in plan:
        if step.backward:  # never planned for the latest target; refuse rather than undo
            raise MigrationRefused("db_newer", names=step.migration.name, latest=shipped[-1])
        name = step.migration.name
        try:
            await _apply_one(apps, name)
        except (OSError, TimeoutError, ConnectionError):
            raise  # the database went away: said as such by `migrate_database`
        except Exception as exc:
            if looks_like_connection_error(exc):
                raise
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise MigrationFailed(
                "db_migration_failed",
                name=name,
                reason=reason,
                kept=done[-1] if done else (recorded[-1] if recorded else "—"),
            ) from exc
        done.append(name)
    latest = done[-1] if done else (recorded[-1] if recorded else None)
    return MigrationOutcome(tuple(done), latest)


class _TableMadeRecorder(MigrationRecorder):
    """The recorder of a step: its table was made before the steps (`apply_pending`).

    Tortoise makes it with `executescript`, and on SQLite that COMMITs whatever transaction is
    open: the step's own would end before it began, and its record would be written apart.
    """

    async def ensure_schema(self, schema_editor: Any) -> None:
        return None


async def _apply_one(apps: dict[str, Any], name: str) -> None:
    """One migration and its record in a single transaction."""
    async with in_transaction("default") as connection:
        step = MigrationExecutor(connection, apps)
        step.recorder = _TableMadeRecorder(connection)
        await step.migrate([MigrationTarget(app_label=APP, name=name)])
