"""`reportbot status`: what an IT officer checks first, read-only, in one screen.

Version, the database (password hidden) and whether it answers, the applied migrations,
forms, units and people, the outbox backlog, the sheet mirror's lag, and the problems the
connectors left for an administrator (a Zalo OA token to re-authorise). Nothing is changed:
no migration, no demo data (a write that changes no row tests that it takes writes). Exit 0
when the database answers, takes writes and is migrated, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.base import WARNING_KEY
from reportbot.cli.language import say
from reportbot.config import Settings, timezone_label
from reportbot.connectors_registry import available_connectors
from reportbot.mirror.apart import apart_lines, communes_apart
from reportbot.mirror.xlsx import ENV_XLSX
from reportbot.ops.version import package_version
from reportbot.store import outbox
from reportbot.store.database import (
    DatabaseUnavailable,
    close_database,
    describe,
    open_database,
    shipped_migrations,
)
from reportbot.store.kv import KeyValueStore
from reportbot.store.queries.status import NotMigrated, StoreCounts, store_counts
from reportbot.store.storage_health import probe_write
from reportbot.vocabulary.format import number_text


def register(commands: Any) -> None:
    """Add `status`."""
    status = commands.add_parser("status", help="version, database, backlog (read-only)")
    status.set_defaults(func=_status)


def _now() -> datetime:
    return datetime.now(UTC)


async def _status(_args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.locale
    print(f"{say(lang, 'Phiên bản', 'Version')}: reportbot {package_version()}")
    print(f"{say(lang, 'Múi giờ', 'Time zone')}: {timezone_label(settings.timezone)}")
    print(f"{say(lang, 'Cơ sở dữ liệu', 'Database')}: {describe(settings.database_url)}")
    missing = _missing_sqlite_file(settings.database_url)
    if missing is not None:  # opening it would create an empty file: status changes nothing
        print(
            say(
                lang,
                "  không có tệp cơ sở dữ liệu {path}: chạy lệnh từ thư mục của dịch vụ hoặc "
                "đặt REPORTBOT_DATABASE_URL; cài mới thì `reportbot db migrate` tạo tệp này",
                "  no database file {path}: run from the service's folder or set "
                "REPORTBOT_DATABASE_URL; on a new install `reportbot db migrate` creates it",
            ).format(path=missing)
        )
        return 1
    await open_database(settings.database_url, migrate_first=False)  # unreachable: one line
    try:
        return await _report(lang, settings)
    finally:
        await close_database()


def _missing_sqlite_file(database_url: str) -> Path | None:
    """The absolute path of a SQLite database file that does not exist; None otherwise (a
    file that exists, an in-memory database, PostgreSQL)."""
    if not database_url.startswith("sqlite://"):
        return None
    name = database_url.removeprefix("sqlite://").split("?", 1)[0]
    if not name or name == ":memory:":
        return None
    path = Path(name)
    path = path if path.is_absolute() else Path.cwd() / path
    return None if path.exists() else path


async def _report(lang: str, settings: Settings | None = None) -> int:
    # Imported here: it loads prometheus-client, which no other command needs at start-up.
    from reportbot.ops.sources import outbox_backlog, sheet_lag

    try:
        counts = await store_counts()
    except NotMigrated:
        print(
            say(
                lang,
                "  chưa tạo bảng: chạy `reportbot db migrate`",
                "  not migrated yet: run `reportbot db migrate`",
            )
        )
        return 1
    if not _migrations(lang, counts.migrations):
        # An older schema (an upgrade not migrated yet) or a newer one: the outbox and the
        # sheet are read through today's models, which name columns it may not have.
        _counts(lang, counts)
        return 1
    try:  # a write that changes nothing: a read-only file answers reads, not writes
        await probe_write(settings.database_url if settings else "")
    except DatabaseUnavailable as refused:
        _counts(lang, counts)
        print(f"  ⚠️ {refused.text(lang)}")
        return 1
    backlog = await outbox_backlog(_now)()
    lag = await sheet_lag(_now)()
    _counts(lang, counts)
    oldest = _minutes(backlog.oldest_age_seconds, lang)
    print(
        f"{say(lang, 'Hàng đợi gửi', 'Outbox')}: {backlog.count}, "
        f"{say(lang, 'cũ nhất', 'oldest')} {oldest}"
    )
    print(f"{say(lang, 'Bảng tính chờ ghi', 'Sheet lag')}: {_minutes(lag, lang)}")
    await _communes_apart(lang, settings or Settings(env=os.environ))
    await _sheet_failures(lang)
    await _connector_warnings(lang)
    return 0


def _migrations(lang: str, applied: list[str]) -> bool:
    """Print the migrations line, and what is missing or unknown; True when they match."""
    last = applied[-1] if applied else "—"
    print(
        say(
            lang,
            "  kết nối được; migration: {n}, mới nhất {last}",
            "  reachable; migrations: {n}, latest {last}",
        ).format(n=len(applied), last=last)
    )
    shipped = shipped_migrations()
    pending = [name for name in shipped if name not in set(applied)]
    if pending:  # an upgrade not migrated yet (`reportbot run` would migrate at start)
        print(
            say(
                lang,
                "  chưa chạy {n} migration ({names}): chạy `reportbot db migrate`",
                "  migrations not applied: {n} ({names}); run `reportbot db migrate`",
            ).format(n=len(pending), names=", ".join(pending))
        )
    unknown = [name for name in applied if name not in set(shipped)]
    if unknown:  # migrated by a newer release: this one refuses to migrate or run on it
        print(
            say(
                lang,
                "  migration của bản mới hơn ({names}): bản này không chạy trên cơ sở dữ liệu này",
                "  migrations of a newer release ({names}): this release will not run on it",
            ).format(names=", ".join(unknown))
        )
    return not pending and not unknown


def _counts(lang: str, counts: StoreCounts) -> None:
    print(f"{say(lang, 'Mẫu báo cáo đang dùng', 'Active forms')}: {counts.active_forms}")
    print(f"{say(lang, 'Đơn vị / người dùng', 'Units / people')}: {counts.units} / {counts.people}")


async def _communes_apart(lang: str, settings: Settings) -> None:
    """The communes missing from the deployment's spreadsheet and workbook, and where their
    rows are: their units are not late, they are in another file."""
    env = {ENV_XLSX: str(settings.mirror_xlsx), **settings.env}
    lines = apart_lines(await communes_apart(env), lang)
    for number, line in enumerate(lines):
        print(line if number == 0 else f"  {line}")


async def _sheet_failures(lang: str) -> None:
    """Each spreadsheet the mirror could not write (one line per error, e.g. a commune's
    sheet nobody shared with the service account), with the changes it keeps waiting."""
    found = await outbox.failures(outbox.SHEET_TOPIC)
    title = say(lang, "Lỗi ghi bảng tính", "Sheet errors")
    if not found:
        print(f"{title}: {say(lang, 'không có', 'none')}")
        return
    print(f"{title}: {len(found)}")
    for error, waiting, attempts in found:
        counts = say(
            lang, "{n} thay đổi chờ, {a} lần thử", "{n} changes waiting, {a} attempts"
        ).format(n=waiting, a=attempts)
        print(f"  ⚠️ {error} ({counts})")


async def _connector_warnings(lang: str) -> None:
    """Each connector's problem for an administrator, as the running bot last recorded it."""
    found: list[str] = []
    for name in available_connectors():
        # The same namespace as the bot's `ConnectorContext.kv` (reportbot.app.context_for).
        entry = await KeyValueStore(name[:32]).entry(WARNING_KEY)
        if entry is not None:
            since = entry.updated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            found.append(f"  ⚠️ {name} ({since}): {entry.value}")
    title = say(lang, "Cảnh báo kết nối", "Connector warnings")
    if not found:
        print(f"{title}: {say(lang, 'không có', 'none')}")
        return
    print(f"{title}: {len(found)}")
    for line in found:
        print(line)


def _minutes(seconds: float, lang: str) -> str:
    return f"{number_text(seconds / 60, places=0)} {say(lang, 'phút', 'min')}"
