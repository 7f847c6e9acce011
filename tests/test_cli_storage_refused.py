"""An admin command on a database that refuses writes (a full disk, a read-only file) prints one
line naming the cause and what to do, exits 1 and changes nothing: no trace ending in
`OperationalError: database or disk is full` / `attempt to write a readonly database`.

The refusals are SQLite's own, through real `reportbot` processes: `query_only=ON` makes every
write fail with SQLITE_READONLY as a file the user may not write does, and `max_page_count` at
the file's size makes a write that needs a new page fail with SQLITE_FULL as a full disk does
(sqlite.org/pragma.html). tortoise sets each query parameter of a sqlite:// URL as a pragma.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from pathlib import Path

import pytest

from tests.test_cli import run_cli

READ_ONLY = "cơ sở dữ liệu chỉ cho đọc"
FULL = "hết dung lượng đĩa"
# A command that stores in several steps (`forms load a.xlsx b.xlsx`) may have stored some.
KEPT_VI = "Những gì đã lưu trước lỗi vẫn giữ nguyên"
KEPT_EN = "What was stored before the error stays"


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    database = tmp_path / "bot.db"
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{database}", "REPORTBOT_DEMO": "false"}
    assert run_cli(["db", "migrate"], env=env, cwd=tmp_path).returncode == 0
    units = tmp_path / "units.csv"
    rows = "".join(f"u{n},Tổ số {n} của xã,doan_the\n" for n in range(400))  # needs new pages
    units.write_text("code,name,type\n" + rows, encoding="utf-8")
    return database


def _rows(database: Path) -> tuple[int, int, int]:
    with sqlite3.connect(database) as connection:
        return tuple(
            connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("units", "organisations", "invites")
        )


COMMANDS = [
    ["org", "add", "--kind", "province", "P1", "Tỉnh A"],
    ["units", "import", "units.csv"],
    ["invite", "create", "--role", "admin"],
]


CASES = [
    *[(command, "query_only=ON", READ_ONLY, "it is read-only") for command in COMMANDS],
    (COMMANDS[1], "max_page_count=1", FULL, "the disk (or the database) is full"),
]


@pytest.mark.parametrize(
    ("command", "pragma", "cause_vi", "cause_en"),
    CASES,
    ids=lambda v: v.split("=")[0] if isinstance(v, str) and "=" in v else None,
)
def test_a_refused_write_is_one_line_and_changes_nothing(
    migrated: Path, command: list[str], pragma: str, cause_vi: str, cause_en: str
) -> None:
    folder = migrated.parent
    if pragma.startswith("max_page_count"):  # fill every free page first, as a full disk is
        with sqlite3.connect(migrated) as connection:
            connection.execute("VACUUM")
    before = _rows(migrated)
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{migrated}?{pragma}", "REPORTBOT_DEMO": "false"}
    result = run_cli(command, env=env, cwd=folder)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "OperationalError" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and cause_vi in lines[0] and KEPT_VI in lines[0]
    assert "Không có gì bị thay đổi" not in lines[0]  # untrue after a command's earlier commits
    assert _rows(migrated) == before
    english = run_cli(command, env={**env, "REPORTBOT_LOCALE": "en"}, cwd=folder)
    assert cause_en in english.stderr and KEPT_EN in english.stderr
    assert "Nothing was changed" not in english.stderr


def test_other_errors_are_not_taken_for_a_refused_write() -> None:
    from reportbot.store.database import storage_problem

    assert storage_problem(ValueError("no such table: unit")) is None
    inner = sqlite3.OperationalError("database or disk is full")
    outer = RuntimeError("wrapped")
    outer.__cause__ = inner
    assert storage_problem(outer) == "full"


async def test_a_read_only_postgresql_server_is_told_to_use_the_primary(tmp_path: Path) -> None:
    """SQLSTATE 25006 from a standby (or default_transaction_read_only) is not a file to chown."""
    from reportbot.store.database import migrate_database
    from tests.conftest import _pg_admin, _pg_url

    name = f"reportbot_test_ro_{uuid.uuid4().hex[:8]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        url = _pg_url(name)
        await migrate_database(url)
        await _pg_admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        env = {"REPORTBOT_DATABASE_URL": url, "REPORTBOT_DEMO": "false", "REPORTBOT_LOCALE": "en"}
        result = await asyncio.to_thread(run_cli, COMMANDS[0], env=env, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert "the server only accepts reads (a standby?)" in line, line
        assert "point REPORTBOT_DATABASE_URL at the primary" in line
        assert "chown" not in line and "-wal" not in line
        # `status` tests a write through storage_health.probe_write: the same advice
        status = await asyncio.to_thread(run_cli, ["status"], env=env, cwd=tmp_path)
        assert status.returncode == 1, status.stdout + status.stderr
        said = status.stdout + status.stderr
        assert "a standby?" in said and "chown" not in said, said
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
