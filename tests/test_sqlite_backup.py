"""`reportbot db backup FILE` keeps every answer of a SQLite database a crash left in its WAL,
where the documented `cp reportbot.db` lost the last ones (the tester's copy had 16 of 18)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_cli import run_cli

# A writer killed mid-life, as the bot by kill -9: 18 committed rows, none checkpointed into
# the main file yet (the WAL is checkpointed only every 1000 pages by default).
WRITER = (
    "import os, signal, sqlite3, sys\n"
    "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "db.execute('PRAGMA journal_mode=WAL')\n"
    "db.execute('PRAGMA wal_autocheckpoint=0')\n"
    "for n in range(18):\n"
    "    db.execute('INSERT INTO organisations (code, name, kind, created_at) '\n"
    "               \"VALUES (?, ?, 'province', datetime())\", (f'P{n}', f'T{n}'))\n"
    "os.kill(os.getpid(), signal.SIGKILL)\n"
)


def _count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        query = "SELECT COUNT(*) FROM organisations WHERE kind = 'province'"
        return connection.execute(query).fetchone()[0]
    finally:
        connection.close()


def test_a_backup_after_kill_9_keeps_every_committed_row(tmp_path: Path) -> None:
    database = tmp_path / "reportbot.db"
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{database}"}
    assert run_cli(["db", "migrate"], env=env, cwd=tmp_path).returncode == 0
    writer = subprocess.run([sys.executable, "-c", WRITER, str(database)], check=False)
    assert writer.returncode == -signal.SIGKILL
    assert Path(f"{database}-wal").stat().st_size > 0  # the rows are in the WAL
    copied = tmp_path / "cp-copy.db"
    shutil.copyfile(database, copied)  # what the documentation said to do
    assert _count(copied) < 18

    result = run_cli(["db", "backup", "sao-luu.db"], env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "đã sao lưu cơ sở dữ liệu vào sao-luu.db" in result.stdout
    assert not Path(f"{tmp_path / 'sao-luu.db'}-wal").exists()  # one self-contained file
    assert _count(tmp_path / "sao-luu.db") == 18

    again = run_cli(["db", "backup", "sao-luu.db"], env=env, cwd=tmp_path)
    assert again.returncode == 1 and "tệp đã có, không ghi đè" in again.stderr
    assert _count(tmp_path / "sao-luu.db") == 18


def test_postgresql_is_pointed_to_pg_dump(tmp_path: Path) -> None:
    env = {"REPORTBOT_DATABASE_URL": "postgres://u@127.0.0.1:1/db", "REPORTBOT_LOCALE": "en"}
    result = run_cli(["db", "backup", "x.db"], env=env, cwd=tmp_path)
    assert result.returncode == 1 and "pg_dump" in result.stderr
    assert not (tmp_path / "x.db").exists()


def _migrated(tmp_path: Path) -> dict[str, str]:
    database = tmp_path / "reportbot.db"
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{database}"}
    assert run_cli(["db", "migrate"], env=env, cwd=tmp_path).returncode == 0
    return env


def test_a_missing_target_folder_is_one_line_naming_it(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    result = run_cli(["db", "backup", "khong-co/sao-luu.db"], env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("reportbot: Không sao lưu được vào khong-co/sao-luu.db")
    assert "thư mục khong-co không có" in line
    assert not (tmp_path / "khong-co").exists()


# The copy process may write files of at most 40 KB: past that a write fails mid-copy with EFBIG
# (SQLite: "disk I/O error"; SIGXFSZ is ignored so the write returns the error instead of
# killing the process).
LIMITED = (
    "import resource, runpy, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))\n"
    "sys.argv = ['reportbot', *sys.argv[1:]]\n"
    "runpy.run_module('reportbot.cli', run_name='__main__')\n"
)


def test_a_write_error_mid_copy_names_the_target_and_leaves_no_partial(tmp_path: Path) -> None:
    env = _migrated(tmp_path)
    assert (tmp_path / "reportbot.db").stat().st_size > 40_000  # the copy cannot fit
    base = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    base["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-c", LIMITED, "db", "backup", "sao-luu.db"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**base, **env, "REPORTBOT_LOCALE": "en"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("reportbot: Cannot back up to sao-luu.db: disk I/O error; ")
    assert "no file was written (the database itself is unchanged)" in line
    assert not (tmp_path / "sao-luu.db").exists()
    assert not (tmp_path / ".sao-luu.db.partial").exists()
    assert _count(tmp_path / "reportbot.db") == 0  # the source is whole
