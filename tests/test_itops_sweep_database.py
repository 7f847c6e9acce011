"""The IT officer's database mistakes, met as a real process: one line, no traceback.

- `reportbot db migrate` (the unit's ExecStartPre) started while another process migrates
  (a worker unit starting at the same boot) waits for the migration lock instead of racing
  it: the race ended in a traceback `relation "audit_log" already exists` and exit 1.
- `reportbot run` on a PostgreSQL that refuses the connection, or on a database that does not
  exist, says which database could not be reached (the migration lock's own connection used
  to fail first: "máy chủ từ chối kết nối" without saying which server, or a traceback), and
  what to check.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from drills.ports import free_port
from reportbot.workers.roles import MIGRATION_LOCK_KEY
from tests.conftest import FORMS_DIR, PG_ADMIN_URL, _pg_admin, _pg_url

DEADLINE_S = 60.0


def _env(database_url: str, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env.update(
        REPORTBOT_DATABASE_URL=database_url,
        REPORTBOT_FORMS_DIR=str(FORMS_DIR),
        REPORTBOT_MEDIA_DIR=str(folder / "media"),
        REPORTBOT_MIRROR_XLSX=str(folder / "mirror.xlsx"),
        REPORTBOT_HTTP_PORT=str(free_port()),
        REPORTBOT_TELEGRAM_TOKEN="123456:TEST-never-used-token-for-itops-sweep",
        REPORTBOT_TELEGRAM_API_URL="http://127.0.0.1:9",
    )
    return env


def _reportbot(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reportbot.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A PostgreSQL database with nothing in it (not migrated), dropped at the end."""
    name = f"reportbot_itops_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    yield _pg_url(name)
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _waiting_on_migration_lock(admin: asyncpg.Connection, database: str) -> bool:
    """True once a session of `database` waits for the migration advisory lock."""
    rows = await admin.fetch(
        "SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = $1 "
        "AND ((l.classid::bigint << 32) | l.objid::bigint) = $2",
        database,
        MIGRATION_LOCK_KEY,
    )
    return bool(rows)


async def _hold_lock_and_migrate(url: str, env: dict[str, str]) -> subprocess.Popen[str]:
    holder = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    admin = await asyncpg.connect(PG_ADMIN_URL.replace("postgres://", "postgresql://", 1))
    database = url.rsplit("/", 1)[1]
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        migrate = _reportbot("db", "migrate", env=env)
        deadline = time.monotonic() + DEADLINE_S
        while not await _waiting_on_migration_lock(admin, database):
            if migrate.poll() is not None or time.monotonic() > deadline:
                migrate.kill()
                out, err = migrate.communicate()
                pytest.fail(f"`db migrate` did not wait for the migration lock: {out}{err}")
            await asyncio.sleep(0.1)
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        return migrate
    finally:
        await holder.close()
        await admin.close()


def test_db_migrate_waits_for_a_migration_in_progress(empty_database: str, tmp_path: Path) -> None:
    migrate = asyncio.run(_hold_lock_and_migrate(empty_database, _env(empty_database, tmp_path)))
    out, err = migrate.communicate(timeout=DEADLINE_S)
    assert migrate.returncode == 0, err
    assert "cơ sở dữ liệu đã cập nhật" in out
    assert "Traceback" not in err


def test_two_db_migrate_at_once_both_succeed(empty_database: str, tmp_path: Path) -> None:
    env = _env(empty_database, tmp_path)
    both = [_reportbot("db", "migrate", env=env) for _ in range(2)]
    results = [process.communicate(timeout=DEADLINE_S) for process in both]
    for process, (_out, err) in zip(both, results, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err


def _run_fails(url: str, tmp_path: Path, role: str) -> str:
    process = _reportbot("run", "--role", role, env=_env(url, tmp_path))
    out, err = process.communicate(timeout=DEADLINE_S)
    assert process.returncode == 1, (out, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize("role", ["worker", "all"])
def test_run_on_a_database_that_does_not_exist(tmp_path: Path, role: str) -> None:
    url = _pg_url(f"reportbot_itops_missing_{uuid.uuid4().hex[:8]}")
    line = _run_fails(url, tmp_path, role)
    assert line.startswith("reportbot: Không kết nối được cơ sở dữ liệu postgres")
    assert "does not exist" in line
    assert line.endswith("kiểm tra PostgreSQL đang chạy và REPORTBOT_DATABASE_URL (máy, cổng, tên "
                         "cơ sở dữ liệu, người dùng, mật khẩu)")  # fmt: skip


def test_run_on_a_server_that_refuses(tmp_path: Path) -> None:
    url = f"postgres://reportbot:S3cret-pass@127.0.0.1:{free_port()}/reportbot"
    line = _run_fails(url, tmp_path, "worker")
    assert line.startswith("reportbot: Không kết nối được cơ sở dữ liệu postgres://reportbot:***@")
    assert "S3cret-pass" not in line
    assert "kiểm tra PostgreSQL đang chạy và REPORTBOT_DATABASE_URL" in line
