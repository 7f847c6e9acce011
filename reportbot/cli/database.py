"""`reportbot db migrate` and `reportbot db backup FILE` (SQLite)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from reportbot.cli.language import say
from reportbot.config import Settings
from reportbot.startup_texts import STARTUP
from reportbot.store.database import migrate_database
from reportbot.store.sqlite_backup import BackupRefused, backup_sqlite
from reportbot.vocabulary.format import number_text
from reportbot.workers.roles import migration_lock


def register(commands: Any) -> None:
    """Add `db migrate` and `db backup`."""
    db = commands.add_parser("db", help="database tasks").add_subparsers(metavar="TASK")
    db.add_parser("migrate", help="apply pending migrations").set_defaults(func=_db_migrate)
    backup = db.add_parser(
        "backup",
        help="copy the SQLite database to FILE, safely while the bot runs or after a crash",
    )
    backup.add_argument("file", metavar="FILE", type=Path)
    backup.set_defaults(func=_db_backup)


async def _db_backup(args: argparse.Namespace, settings: Settings) -> int:
    try:  # in a thread: a large file takes seconds, and nothing else may wait on the loop
        outcome = await asyncio.to_thread(backup_sqlite, settings.database_url, args.file)
    except BackupRefused as refused:
        line = STARTUP.say(refused.key, settings.locale, **refused.params)
        print(f"reportbot: {line}", file=sys.stderr)
        return 1
    size = number_text(outcome.size / 1_000_000, places=1)
    line = say(
        settings.locale,
        f"đã sao lưu cơ sở dữ liệu vào {outcome.path} ({size} MB)",
        f"database backed up to {outcome.path} ({size} MB)",
    )
    print(f"reportbot: {line}")
    return 0


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
