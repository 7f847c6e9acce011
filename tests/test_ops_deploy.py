"""The deployment files: compose and Dockerfile read for what they promise, systemd units
verified by systemd itself, the wheel checked for its migrations, and the backup and restore
scripts run against the test run's real PostgreSQL.

Docker itself is not exercised here (no daemon on the test machines); see docs/DEPLOY.md for
what was and was not run.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from reportbot.store.database import tortoise_config
from tests.conftest import PG_ADMIN_URL, ROOT, _truncate

DEPLOY = ROOT / "deploy"


def test_compose_has_the_database_the_bot_and_a_tls_proxy_with_volumes() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "bot", "proxy"} <= set(services)
    assert set(compose["volumes"]) >= {"pgdata", "media", "data", "caddy_data"}

    assert services["db"]["image"].startswith("postgres:")
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert services["migrate"]["command"] == ["reportbot", "db", "migrate"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"

    bot = services["bot"]  # the YAML merge key (<<: *bot) is resolved by the loader
    assert bot["command"] == ["reportbot", "run"]
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "media:/srv/reportbot/media" in bot["volumes"]
    assert bot["environment"]["REPORTBOT_DATABASE_URL"].startswith("postgres://reportbot:${")
    assert "@db:5432/" in bot["environment"]["REPORTBOT_DATABASE_URL"]
    assert "ports" not in bot, "only the proxy is published"
    assert bot["env_file"] == "reportbot.env"

    proxy = services["proxy"]
    assert proxy["ports"] == ["80:80", "443:443"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert "reverse_proxy bot:8080" in caddyfile and "@internal path /metrics /readyz" in caddyfile


def test_compose_gives_a_stop_time_for_the_jobs_and_the_send_queues() -> None:
    """Docker's default 10 s would kill a worker before its jobs end and its queues drain."""
    from reportbot.jobs import STOP_GRACE_S
    from reportbot.stopping import STOP_DRAIN_S

    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    for name in ("bot", "worker"):
        grace = compose["services"][name]["stop_grace_period"]
        assert grace.endswith("s") and float(grace[:-1]) > STOP_GRACE_S + STOP_DRAIN_S, name


def test_no_secret_is_written_into_the_compose_file() -> None:
    text = (ROOT / "compose.yaml").read_text()
    for name in ("TOKEN", "SECRET", "REFRESH"):
        assert f"REPORTBOT_TELEGRAM_{name}" not in text and f"ZALO_OA_{name}" not in text
    assert "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?" in text  # from .env, required


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), " ".join(rest.split())))
    return out


def test_dockerfile_is_slim_non_root_with_migrations_and_a_healthcheck() -> None:
    steps = dockerfile_instructions()
    args = dict(step for step in steps if step[0] == "ARG")
    assert args == {"ARG": "PYTHON_IMAGE=python:3.12-slim-bookworm"}
    final_stage = steps[max(i for i, (word, _) in enumerate(steps) if word == "FROM") :]
    users = [rest for word, rest in final_stage if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("COPY", "migrations ./migrations") in steps
    assert any(w == "RUN" and 'pip install ".[postgres]"' in r for w, r in steps)
    health = [rest for word, rest in final_stage if word == "HEALTHCHECK"]
    assert len(health) == 1 and "http://127.0.0.1:8080/healthz" in health[0]
    assert final_stage[-1] == ("CMD", '["reportbot", "run"]')
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    copied = {"pyproject.toml", "README.md", "reportbot", "connectors", "migrations", "forms"}
    assert not copied & ignored, "the build context must keep what the Dockerfile copies"
    assert {".git", ".venv", "*.db", "*.env"} <= ignored


def test_the_built_wheel_carries_the_migrations_and_every_package(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("reportbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (
        "migrations/0001_initial.py",
        "migrations/0003_reminder_period_index.py",
        "reportbot/ops/health.py",
        "reportbot/cli/__init__.py",
        "connectors/telegram/connector.py",
    ):
        assert path in names, path
    assert not any(name.startswith("tests/") for name in names)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart programs exist: point the units at real ones in tmp_path.
    root = tmp_path / "srv"
    (root / "venv" / "bin").mkdir(parents=True)
    (root / "deploy").mkdir()
    for program in (root / "venv" / "bin" / "reportbot", root / "deploy" / "backup.sh"):
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    units = []
    for name in ("reportbot.service", "reportbot-backup.service", "reportbot-backup.timer"):
        text = (DEPLOY / name).read_text().replace("/srv/reportbot", str(root))
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    result = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        # systemd also checks the host's own units pulled in by ordering; only ours matter.
        if tmp_path.name in line or line.startswith(("reportbot", "Unknown"))
    ]
    assert problems == [], problems
    service = (DEPLOY / "reportbot.service").read_text()
    assert (
        "User=reportbot" in service
        and "ExecStartPre=/srv/reportbot/venv/bin/reportbot db migrate" in service
    )


def _restore_databases() -> set[str]:
    out = subprocess.run(
        ["psql", "-X", "-A", "-t", "-d", PG_ADMIN_URL, "-c",
         "SELECT datname FROM pg_database WHERE datname LIKE 'reportbot_restore_test_%'"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return set(out.stdout.split())


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs the PostgreSQL client")
async def test_backup_then_restore_test_round_trip(postgres_database: str, tmp_path: Path) -> None:
    from tests.support import seed_commune

    await _truncate(postgres_database)
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(postgres_database))
    try:
        await seed_commune()  # 4 units, 4 people, 4 identities
    finally:
        await Tortoise.close_connections()

    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "reportbot-20250101T000000Z.dump"
    recent = backups / "reportbot-20261129T000000Z.dump"
    for path, days in ((old, 30), (recent, 1)):
        path.write_bytes(b"an older archive")
        moment = time.time() - days * 86400
        os.utime(path, (moment, moment))

    env = {**os.environ, "BACKUP_DATABASE_URL": postgres_database, "BACKUP_DIR": str(backups)}
    env["KEEP_DAYS"] = "14"
    made = subprocess.run(
        [str(DEPLOY / "backup.sh")], env=env, capture_output=True, text=True, timeout=120
    )
    assert made.returncode == 0, made.stderr
    archive = Path(made.stdout.strip())
    assert archive.parent == backups and archive.stat().st_size > 0
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # answers and phone numbers inside
    assert not old.exists() and recent.exists()  # older than KEEP_DAYS removed, not newer
    assert not list(backups.glob(".*.part"))

    before = _restore_databases()
    restore_env = {
        **os.environ,
        "RESTORE_ADMIN_URL": PG_ADMIN_URL,
        "REPORTBOT_BIN": str(Path(sys.executable).parent / "reportbot"),
    }
    restored = subprocess.run(
        [str(DEPLOY / "restore-test.sh"), str(archive)],
        env=restore_env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    counts = dict(line.split() for line in restored.stdout.splitlines() if line.count(" ") == 1)
    assert counts["units"] == "4" and counts["people"] == "4" and counts["identities"] == "4"
    assert counts["answers"] == "0"
    # A province's communes and the officers' second units (issue 17) are counted too: the
    # walk's restore showed units and people but not whether the communes came back.
    assert counts["organisations"] == "1" and counts["person_units"] == "0"  # the default commune
    assert "reportbot: cơ sở dữ liệu đã mới nhất (" in restored.stdout  # the bot accepted it
    assert f"restore test OK: {archive}" in restored.stdout
    assert _restore_databases() == before, "the scratch database is dropped"


def test_backup_without_a_database_url_says_so() -> None:
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    result = subprocess.run(
        [str(DEPLOY / "backup.sh")], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "BACKUP_DATABASE_URL" in result.stderr


def test_restore_test_refuses_to_run_the_bot_on_a_socket_only_url(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "REPORTBOT_BIN": "/bin/true",
        "RESTORE_ADMIN_URL": "postgresql:///postgres",
    }
    result = subprocess.run(
        [str(DEPLOY / "restore-test.sh"), str(tmp_path / "none.dump")],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2 and "needs a RESTORE_ADMIN_URL with a host" in result.stderr
