"""deploy/restore-test.sh as DEPLOY.md B.6 runs it, read for what the operator sees.

Seen: with REPORTBOT_BIN set (DEPLOY.md's own command), the bot it runs warned "cảnh báo:
REPORTBOT_BIN không phải thiết lập đã biết, bị bỏ qua; có phải là REPORTBOT_TIMEZONE?" in the
middle of the restore test: the script's variable leaked into the bot's settings. An archive
path with a typo created a scratch database before pg_restore said it could not open it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_ADMIN_URL, ROOT
from tests.test_ops_deploy import _restore_databases

DEPLOY = ROOT / "deploy"
needs_client = pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs psql, pg_dump")


@needs_client
def test_the_bot_run_by_the_restore_test_warns_about_nothing(
    postgres_database: str, tmp_path: Path
) -> None:
    backup_env = {**os.environ, "BACKUP_DATABASE_URL": postgres_database}
    backup_env["BACKUP_DIR"] = str(tmp_path)
    made = subprocess.run(
        [str(DEPLOY / "backup.sh")], env=backup_env, capture_output=True, text=True, timeout=120
    )
    assert made.returncode == 0, made.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env.update(
        RESTORE_ADMIN_URL=PG_ADMIN_URL,
        REPORTBOT_BIN=str(Path(sys.executable).parent / "reportbot"),
    )
    restored = subprocess.run(
        [str(DEPLOY / "restore-test.sh"), made.stdout.strip()],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    assert "reportbot: cơ sở dữ liệu đã mới nhất (" in restored.stdout
    assert "REPORTBOT_BIN" not in restored.stderr, restored.stderr


@needs_client
def test_a_missing_archive_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "reportbot-2026.dump"
    env = {**os.environ, "RESTORE_ADMIN_URL": PG_ADMIN_URL}
    before = _restore_databases()
    result = subprocess.run(
        ["sh", "-x", str(DEPLOY / "restore-test.sh"), str(missing)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "CREATE DATABASE" not in result.stderr, "nothing created for a missing archive"
    said = [line for line in result.stderr.splitlines() if not line.startswith("+")]
    assert said == [f"restore-test.sh: cannot read {missing}"], said
    assert _restore_databases() == before
