"""With REPORTBOT_LOG_FORMAT=json, a refusal at start is one JSON line on stderr.

Seen: with JSON logs on, `reportbot run` refusing a bad setting, an unreachable database or a
connector's setting printed `reportbot: <line>` in plain text, which a log shipper reading
JSON lines cannot parse (the refusal, the one line that matters, was dropped or mangled). Now
in JSON mode each refusal is a JSON object with the same line as `message`, the catalogue key
as `error` and the setting named as `setting`; in text mode it is unchanged. No secret in
either. Real processes, as a service manager starts them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from drills.ports import free_port
from tests.cli_process import run_cli
from tests.conftest import FORMS_DIR

PASSWORD = "hunter2-secret-pw"
TOKEN = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def _reportbot(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    env.update(
        REPORTBOT_DATABASE_URL=f"sqlite://{tmp_path / 'bot.db'}",
        REPORTBOT_FORMS_DIR=str(FORMS_DIR),
        REPORTBOT_MEDIA_DIR=str(tmp_path / "media"),
        REPORTBOT_HTTP_PORT=str(free_port()),
        REPORTBOT_DEMO="false",
    )
    env.update({f"REPORTBOT_{name}": value for name, value in settings.items()})
    return run_cli(args, env, tmp_path)


def _both(tmp_path: Path, *args: str, **settings: str) -> tuple[dict, str, int]:
    """The JSON refusal, the text one (prefix removed) and the exit status (the same)."""
    as_json = _reportbot(tmp_path, *args, LOG_FORMAT="json", **settings)
    as_text = _reportbot(tmp_path, *args, LOG_FORMAT="text", **settings)
    assert as_json.returncode == as_text.returncode
    entries = [json.loads(line) for line in as_json.stderr.strip().splitlines()]  # every one
    refusals = [entry for entry in entries if entry.get("event") == "refused"]
    assert len(refusals) == 1, as_json.stderr
    entry = refusals[0]
    assert entry["level"] == "ERROR" and entry["logger"] == "reportbot"
    assert PASSWORD not in as_json.stderr + as_text.stderr
    assert TOKEN not in as_json.stderr + as_text.stderr
    text = as_text.stderr.strip().splitlines()[-1]  # after any warning logged before it
    assert text.startswith("reportbot: ")
    return entry, text.removeprefix("reportbot: "), as_json.returncode


@pytest.mark.parametrize(
    ("locale", "words"),
    [("vi", "không phải cổng hợp lệ"), ("en", "is not a valid port")],
)
def test_a_bad_setting_is_a_json_line(tmp_path: Path, locale: str, words: str) -> None:
    entry, text, status = _both(tmp_path, "run", HTTP_PORT="99999", LOCALE=locale)
    assert status == 2
    assert entry["message"] == text
    assert words in entry["message"] and "'99999'" in entry["message"]
    assert entry["error"] == "port"
    assert entry["setting"] == "REPORTBOT_HTTP_PORT"


def test_a_bad_database_url_with_a_password_is_a_json_line(tmp_path: Path) -> None:
    url = f"postgres://officer:{PASSWORD}@127.0.0.1:notaport/bot"
    entry, text, status = _both(tmp_path, "status", DATABASE_URL=url)
    assert status == 2
    assert entry["message"] == text
    assert entry["setting"] == "REPORTBOT_DATABASE_URL"
    assert "'notaport'" in entry["message"]


def test_an_unreachable_database_is_a_json_line(tmp_path: Path) -> None:
    url = f"postgres://officer:{PASSWORD}@127.0.0.1:{free_port()}/bot"
    entry, text, status = _both(tmp_path, "db", "migrate", DATABASE_URL=url)
    assert status == 1
    assert entry["message"] == text
    assert entry["error"] == "db_unreachable"
    assert "officer:***@127.0.0.1" in entry["message"]


def test_a_connector_setting_refused_at_run_is_a_json_line(tmp_path: Path) -> None:
    entry, text, status = _both(tmp_path, "run", TELEGRAM_TOKEN=TOKEN, TELEGRAM_GLOBAL_RATE="abc")
    assert status == 2
    assert entry["message"] == text
    assert "REPORTBOT_TELEGRAM_GLOBAL_RATE" in entry["message"] and "'abc'" in entry["message"]


def test_a_service_without_a_platform_is_a_json_line(tmp_path: Path) -> None:
    entry, text, status = _both(tmp_path, "run", LOCALE="en")
    assert status == 2
    assert entry["message"] == text
    assert "REPORTBOT_TELEGRAM_TOKEN" in entry["message"]
