"""deploy/backup.sh takes the bot's own REPORTBOT_DATABASE_URL, as its header says.

Seen: with the pool size in the URL (`?maxsize=10`, which the bot accepts, docs/DEPLOY.md
"Connections") the nightly backup failed every night with pg_dump's "invalid URI query
parameter", and a SQLite URL gave `database "sqlite://reportbot.db" does not exist`. Now the
parameters only the bot's driver reads are left out of pg_dump's URL (libpq's own, such as
sslmode, are kept), and a SQLite URL is refused with what to do instead.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.test_ops_deploy import DEPLOY


def _backup(url: str, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env.update(REPORTBOT_DATABASE_URL=url, BACKUP_DIR=str(folder))
    return subprocess.run(
        [str(DEPLOY / "backup.sh")], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_bots_url_with_pool_settings_backs_up(tmp_path: Path, postgres_database: str) -> None:
    url = f"{postgres_database}?maxsize=10&command_timeout=30&sslmode=disable&minsize=1"
    result = _backup(url, tmp_path)
    assert result.returncode == 0, result.stderr
    archive = Path(result.stdout.strip())
    assert archive.parent == tmp_path and archive.stat().st_size > 0
    listed = subprocess.run(
        ["pg_restore", "--list", str(archive)], capture_output=True, text=True, check=True
    )
    assert "TABLE public form_templates" in listed.stdout


def test_a_sqlite_url_is_refused_with_what_to_do(tmp_path: Path) -> None:
    result = _backup("sqlite:///srv/reportbot/data/reportbot.db", tmp_path / "backups")
    assert result.returncode == 2
    assert "SQLite" in result.stderr and "/srv/reportbot/data/reportbot.db" in result.stderr
    assert "reportbot db backup" in result.stderr  # SQLite's own backup, as DEPLOY.md B.7 says
    assert not (tmp_path / "backups").exists()  # nothing made


def test_the_bots_asyncpg_scheme_backs_up(tmp_path: Path, postgres_database: str) -> None:
    """Review finding: the bot accepts asyncpg://, pg_dump only postgres(ql)://."""
    url = postgres_database.replace("postgres://", "asyncpg://", 1) + "?maxsize=4"
    assert url.startswith("asyncpg://")
    result = _backup(url, tmp_path)
    assert result.returncode == 0, result.stderr
