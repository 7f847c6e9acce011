"""`reportbot run` as a service with no platform token: say so, and what to set.

Seen: the systemd unit runs `reportbot run` (role all) with stdin on /dev/null. An IT officer
who left the tokens commented out in reportbot.env got "không tìm thấy người dùng; dùng --as
<mã số | số điện thoại | tên>" (the console chat's line, meaningless to a service), exit 2,
and a restart every 5 s. In a terminal the console chat stays the fallback (README, `make run`).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from drills.ports import free_port
from tests.cli_process import run_cli
from tests.conftest import FORMS_DIR


def _run(
    tmp_path: Path, *args: str, locale: str = "vi", database_url: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env.update(
        REPORTBOT_DATABASE_URL=database_url or f"sqlite://{tmp_path / 'bot.db'}",
        REPORTBOT_FORMS_DIR=str(FORMS_DIR),
        REPORTBOT_MEDIA_DIR=str(tmp_path / "media"),
        REPORTBOT_HTTP_PORT=str(free_port()),
        REPORTBOT_DEMO="false",
        REPORTBOT_LOCALE=locale,
    )
    return run_cli(["run", *args], env, tmp_path)


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_run_as_a_service_without_tokens_says_what_to_set(tmp_path: Path, locale: str) -> None:
    result = _run(tmp_path, locale=locale)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert "--as" not in line
    assert "REPORTBOT_TELEGRAM_TOKEN" in line and "reportbot chat" in line
    word = "configured" if locale == "en" else "cấu hình"
    assert word in line


def test_a_worker_without_tokens_says_what_to_set(tmp_path: Path, postgres_database: str) -> None:
    result = _run(tmp_path, "--role", "worker", database_url=postgres_database)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--role worker" in lines[0], result.stderr
    assert "REPORTBOT_TELEGRAM_TOKEN" in lines[0]
