"""`reportbot db migrate`."""

from __future__ import annotations

import argparse
from typing import Any

from reportbot.cli.language import say
from reportbot.config import Settings
from reportbot.store.database import migrate_database
from reportbot.workers.roles import migration_lock


def register(commands: Any) -> None:
    """Add `db migrate`."""
    db = commands.add_parser("db", help="database tasks").add_subparsers(metavar="TASK")
    db.add_parser("migrate", help="apply pending migrations").set_defaults(func=_db_migrate)


async def _db_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    # Under the lock every `reportbot run` takes to migrate: the service's ExecStartPre and a
    # worker unit started at the same boot migrate one after the other, not into each other.
    async with migration_lock(settings.database_url):
        outcome = await migrate_database(settings.database_url, settings.migrate_step_timeout)
    if outcome.applied:
        names = ", ".join(outcome.applied)
        line = say(
            settings.locale,
            f"cơ sở dữ liệu đã cập nhật: {len(outcome.applied)} migration ({names})",
            f"database migrated: {len(outcome.applied)} migrations ({names})",
        )
    else:  # an IT officer who runs it twice is told the second one did nothing
        line = say(
            settings.locale,
            f"cơ sở dữ liệu đã mới nhất ({outcome.latest}), không có gì để cập nhật",
            f"database already up to date ({outcome.latest}), nothing to migrate",
        )
    print(f"reportbot: {line}")
    return 0
