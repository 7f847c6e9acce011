"""`reportbot status`: what an IT officer checks first, read-only, in one screen.

Version, the database (password hidden) and whether it answers, the applied migrations,
forms, units and people, the outbox backlog, the sheet mirror's lag, and the problems the
connectors left for an administrator (a Zalo OA token to re-authorise). Nothing is changed:
no migration, no demo data. Exit 0 when the database answers and is migrated, 1 otherwise.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from connectors.base import WARNING_KEY
from reportbot.config import Settings
from reportbot.connectors_registry import available_connectors
from reportbot.ops.version import package_version
from reportbot.store.database import close_database, describe, open_database
from reportbot.store.kv import KeyValueStore
from reportbot.store.queries.status import NotMigrated, store_counts
from reportbot.vocabulary.format import number_text


def register(commands: Any) -> None:
    """Add `status`."""
    status = commands.add_parser("status", help="version, database, backlog (read-only)")
    status.set_defaults(func=_status)


def _now() -> datetime:
    return datetime.now(UTC)


async def _status(_args: argparse.Namespace, settings: Settings) -> int:
    print(f"Phiên bản (version): reportbot {package_version()}")
    print(f"Cơ sở dữ liệu (database): {describe(settings.database_url)}")
    await open_database(settings.database_url, migrate_first=False)  # unreachable: one line
    try:
        return await _report()
    finally:
        await close_database()


async def _report() -> int:
    # Imported here: it loads prometheus-client, which no other command needs at start-up.
    from reportbot.ops.sources import outbox_backlog, sheet_lag

    try:
        counts = await store_counts()
        backlog = await outbox_backlog(_now)()
        lag = await sheet_lag(_now)()
    except NotMigrated:
        print("  chưa tạo bảng: chạy `reportbot db migrate` (not migrated yet)")
        return 1
    applied = counts.migrations
    last = applied[-1] if applied else "—"
    print(f"  kết nối được (reachable); migration: {len(applied)}, mới nhất (latest) {last}")
    print(f"Mẫu báo cáo đang dùng (active forms): {counts.active_forms}")
    print(f"Đơn vị / người dùng (units / people): {counts.units} / {counts.people}")
    print(
        f"Hàng đợi gửi (outbox): {backlog.count}, cũ nhất (oldest) "
        f"{_minutes(backlog.oldest_age_seconds)}"
    )
    print(f"Bảng tính chờ ghi (sheet lag): {_minutes(lag)}")
    await _connector_warnings()
    return 0


async def _connector_warnings() -> None:
    """Each connector's problem for an administrator, as the running bot last recorded it."""
    found: list[str] = []
    for name in available_connectors():
        # The same namespace as the bot's `ConnectorContext.kv` (reportbot.app.context_for).
        entry = await KeyValueStore(name[:32]).entry(WARNING_KEY)
        if entry is not None:
            since = entry.updated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            found.append(f"  ⚠️ {name} ({since}): {entry.value}")
    if not found:
        print("Cảnh báo kết nối (connector warnings): không có (none)")
        return
    print(f"Cảnh báo kết nối (connector warnings): {len(found)}")
    for line in found:
        print(line)


def _minutes(seconds: float) -> str:
    return f"{number_text(seconds / 60, places=0)} phút (min)"
