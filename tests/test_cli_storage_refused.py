"""An admin command on a database that refuses writes (a full disk, a read-only file) prints one
line naming the cause and what to do, exits 1 and changes nothing: no trace ending in
`OperationalError: database or disk is full` / `attempt to write a readonly database`.

The refusals are SQLite's own, through real `reportbot` processes: `query_only=ON` makes every
write fail with SQLITE_READONLY as a file the user may not write does, and `max_page_count` at
the file's size makes a write that needs a new page fail with SQLITE_FULL as a full disk does
(sqlite.org/pragma.html). tortoise sets each query parameter of a sqlite:// URL as a pragma.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.test_cli import run_cli

READ_ONLY = "cơ sở dữ liệu chỉ cho đọc"
FULL = "hết dung lượng đĩa"


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
    assert len(lines) == 1 and cause_vi in lines[0] and "Không có gì bị thay đổi" in lines[0]
    assert _rows(migrated) == before
    english = run_cli(command, env={**env, "REPORTBOT_LOCALE": "en"}, cwd=folder)
    assert cause_en in english.stderr and "Nothing was changed" in english.stderr


def test_other_errors_are_not_taken_for_a_refused_write() -> None:
    from reportbot.store.database import storage_problem

    assert storage_problem(ValueError("no such table: unit")) is None
    inner = sqlite3.OperationalError("database or disk is full")
    outer = RuntimeError("wrapped")
    outer.__cause__ = inner
    assert storage_problem(outer) == "full"
