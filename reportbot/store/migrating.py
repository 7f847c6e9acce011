"""Applying the shipped migrations to a database, one step at a time, each step whole.

Tortoise's own `migrate()` runs a migration in a transaction but records it as applied only
after that transaction commits: a process killed in between leaves the new schema recorded as
not applied, and every later migrate fails on a column or table that already exists. Here each
step and its record commit together (the executor runs inside the step's transaction, whose
own transaction becomes a savepoint), on PostgreSQL and SQLite alike: both roll DDL back.

A database recorded with a migration this release does not ship was migrated by a newer
release: it is refused before anything is written (this code would not know its schema).

A step that outlasts its time (an ALTER waiting for a lock a running bot holds, a rewrite of a
big table) is rolled back and said as such, naming the step and the setting that gives it more
time, once the database answers that the step is not recorded: a database that does not
answer then is said to be unreachable.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from tortoise.migrations.recorder import MigrationRecorder
from tortoise.transactions import in_transaction

from reportbot.store.database import (
    CONNECT_TIMEOUT_S,
    DatabaseUnavailable,
    looks_like_connection_error,
)

APP = "models"
# Past a step's own time, how long its statement's cancellation and rollback may take.
STEP_MARGIN_S = 5.0


class MigrationRefused(DatabaseUnavailable):
    """The database cannot be migrated by this release; one line, nothing changed."""


class MigrationFailed(MigrationRefused):
    """A step failed and was rolled back; the database stays at the step before it."""


@dataclass(frozen=True, slots=True)
class MigrationOutcome:
    """What a migrate did: the steps applied now (oldest first) and the latest one recorded."""

    applied: tuple[str, ...]
    latest: str | None


async def apply_pending(
    config: dict[str, Any], shipped: list[str], step_timeout: float = 120.0
) -> MigrationOutcome:
    """Apply the migrations `shipped` that the database lacks, each in one transaction with
    its record and at most `step_timeout` seconds; refuse a database from a newer release.
    Tortoise must not be initialised."""
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
        kept = done[-1] if done else (recorded[-1] if recorded else "—")
        try:
            await asyncio.wait_for(_apply_one(apps, name), step_timeout + STEP_MARGIN_S)
        except TimeoutError as exc:
            if not await _recorded_after(exc, executor, name):
                seconds = f"{step_timeout:g}"
                raise MigrationFailed(
                    "db_migration_slow", name=name, seconds=seconds, kept=kept
                ) from exc
        except (OSError, ConnectionError):
            raise  # the database went away: said as such by `migrate_database`
        except Exception as exc:
            if looks_like_connection_error(exc):
                raise
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise MigrationFailed(
                "db_migration_failed",
                name=name,
                reason=reason,
                kept=kept,
            ) from exc
        done.append(name)
    latest = done[-1] if done else (recorded[-1] if recorded else None)
    return MigrationOutcome(tuple(done), latest)


async def _recorded_after(timeout: TimeoutError, executor: MigrationExecutor, name: str) -> bool:
    """After a step timed out: whether its commit landed after all (True), or not (False);
    `timeout` itself when the database does not answer the question either (unreachable)."""
    try:
        applied = executor.recorder.applied_migrations()
        keys = await asyncio.wait_for(applied, CONNECT_TIMEOUT_S)
    except Exception:
        raise timeout from None
    return any(key.name == name for key in keys)


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
