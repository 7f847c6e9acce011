"""`reportbot status` on SQLite where no database file is: say so, create nothing.

Seen: an IT officer running `reportbot status` from another folder than the service's (the
default `sqlite://reportbot.db` is relative to the working directory) was told "chưa tạo bảng:
chạy `reportbot db migrate`" and found an empty reportbot.db made there by the read-only
command; following the advice would have migrated a second, empty database beside the real
one. Now status names the file it looked for (absolute), says it is not there, exits 1 and
leaves the folder as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_process import run_cli


def _status(folder: Path, url: str, locale: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env.update(REPORTBOT_DATABASE_URL=url, REPORTBOT_LOCALE=locale)
    return run_cli(["status"], env, folder)


@pytest.mark.parametrize(
    ("locale", "words"),
    [("vi", "không có tệp cơ sở dữ liệu"), ("en", "no database file")],
)
def test_status_where_no_database_file_is_says_so_and_creates_none(
    tmp_path: Path, locale: str, words: str
) -> None:
    result = _status(tmp_path, "sqlite://reportbot.db", locale)
    assert result.returncode == 1
    assert words in result.stdout
    assert str(tmp_path / "reportbot.db") in result.stdout  # where it looked, in full
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # read-only: nothing created


def test_status_after_migrate_reads_the_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env["REPORTBOT_DATABASE_URL"] = "sqlite://reportbot.db"
    subprocess.run(
        [sys.executable, "-m", "reportbot.cli", "db", "migrate"],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    result = _status(tmp_path, "sqlite://reportbot.db", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reachable; migrations: 9" in result.stdout
