"""`reportbot db backup FILE` on SQLite: a consistent copy through SQLite's online backup API.

Copying the file with `cp` loses what is still in `<file>-wal`: after a crash (kill -9, power
cut) the last answers live there until the next checkpoint (a tester's copy had 16 of 18
answers). The backup API reads the database as a connection sees it, WAL included, in one
read transaction, so the copy is whole whether the bot runs, stopped or crashed
(sqlite.org/backup.html). The copy is written beside FILE and renamed into place once checked.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from reportbot.store.database import DatabaseUnavailable

BUSY_TIMEOUT_S = 30.0  # a write of the running bot holds the file for milliseconds
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


@dataclass(frozen=True, slots=True)
class BackupOutcome:
    """What was copied: the file written and its size in bytes."""

    path: Path
    size: int


class BackupRefused(Exception):
    """The backup cannot be made: `key` names the reason (a catalogue key of `startup`)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def sqlite_file(database_url: str) -> Path | None:
    """The file of a sqlite:// URL; None for PostgreSQL or an in-memory database."""
    if not database_url.startswith("sqlite://"):
        return None
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    return None if path in ("", ":memory:") else Path(path)


def backup_sqlite(database_url: str, target: Path) -> BackupOutcome:
    """Copy the SQLite database to `target` (which must not exist yet); blocking, so the
    caller runs it in a thread. Raises BackupRefused or DatabaseUnavailable."""
    source_path = sqlite_file(database_url)
    if source_path is None:
        raise BackupRefused("db_backup_postgres")
    if not source_path.is_file():
        raise DatabaseUnavailable("db_backup_missing", url=database_url)
    if target.exists():
        raise BackupRefused("db_backup_exists", path=str(target))
    if not target.parent.is_dir():
        raise BackupRefused("db_backup_no_folder", path=str(target), folder=str(target.parent))
    partial = target.with_name(f".{target.name}.partial")
    try:
        verdict = _copy(source_path, partial)
    except (sqlite3.Error, OSError) as exc:
        # The target's disk full, a folder that is not writable, an I/O error mid-copy: the
        # source was only read, so it is the target that is named, and nothing half-written stays.
        partial.unlink(missing_ok=True)
        raise _refusal(exc, target) from exc
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupRefused("db_backup_damaged", detail=str(verdict)[:200])
    os.replace(partial, target)
    return BackupOutcome(target, target.stat().st_size)


def _copy(source_path: Path, partial: Path) -> str:
    """Copy the database into `partial`; SQLite's quick_check verdict of the copy."""
    source = sqlite3.connect(source_path, timeout=BUSY_TIMEOUT_S)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step: one consistent snapshot
            # One self-contained file to copy off the server (the bot turns WAL on again
            # when it opens a restored copy).
            copy.execute("PRAGMA journal_mode=DELETE")
            (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
        finally:
            copy.close()
    finally:
        source.close()
    return str(verdict)


def _refusal(exc: sqlite3.Error | OSError, target: Path) -> BackupRefused:
    """The one-line refusal for a copy that failed: a full target disk has its own words."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL" or (isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS):
        return BackupRefused("db_backup_full", path=str(target))
    reason = (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or name
    return BackupRefused("db_backup_failed", path=str(target), reason=reason[:200])
