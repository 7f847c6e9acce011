"""Settings an IT officer gets wrong: refused in one line naming where they wrote it.

- REPORTBOT_DATABASE_URL with a port that is not a number, or a query parameter the driver
  does not know, used to pass the check and end every command in a traceback
  (`Port is not an integer`, `connect() got an unexpected keyword argument 'sslmode'`).
  libpq's `sslmode` (what a hosted PostgreSQL's page gives) is understood.
- A wrong value in reportbot.toml is named as the file and its key, not as an environment
  variable the officer never set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbot.cli import main
from reportbot.config import ConfigError, load_settings
from reportbot.config_check import warn_unknown_settings
from reportbot.store.database import session_arguments, tortoise_config

PG = "postgres://reportbot:S3cret-pass@127.0.0.1:5432/reportbot"


def _refused(url: str, locale: str = "vi") -> str:
    env = {"REPORTBOT_DATABASE_URL": url, "REPORTBOT_LOCALE": locale}
    with pytest.raises(ConfigError) as error:
        load_settings(env, config_file=None)
    return str(error.value)


def test_a_port_that_is_not_a_number() -> None:
    line = _refused("postgres://reportbot:S3cret-pass@127.0.0.1:54x2/reportbot")
    assert line.startswith("REPORTBOT_DATABASE_URL:") and "'54x2'" in line
    assert "S3cret-pass" not in line
    english = _refused("postgres://reportbot@127.0.0.1:99999/reportbot", "en")
    assert "'99999'" in english and "port" in english


def test_an_unknown_query_parameter_is_named() -> None:
    line = _refused(PG + "?sslmod=require")
    assert "'sslmod'" in line and "sslmode" in line
    assert "S3cret-pass" not in line


def test_a_wrong_sslmode_value() -> None:
    line = _refused(PG + "?sslmode=yes")
    assert "'yes'" in line and "verify-full" in line


@pytest.mark.parametrize("mode", ["disable", "prefer", "require", "verify-full"])
def test_sslmode_reaches_the_driver(mode: str) -> None:
    settings = load_settings({"REPORTBOT_DATABASE_URL": f"{PG}?sslmode={mode}"}, config_file=None)
    credentials = tortoise_config(settings.database_url)["connections"]["default"]["credentials"]
    assert credentials["ssl"] == mode and "sslmode" not in credentials
    assert session_arguments(settings.database_url)["ssl"] == mode


def test_status_over_sslmode_disable(
    postgres_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", postgres_database + "?sslmode=disable")
    assert main(["status"]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "migration:" in captured.out


def test_a_wrong_value_in_the_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "reportbot.toml"
    path.write_text('http_port = "abc"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings({}, config_file=path)
    line = str(error.value)
    assert line.startswith(f"{path}: http_port:") and "'abc'" in line
    assert "REPORTBOT_HTTP_PORT" not in line


def test_a_misspelt_table_in_the_file_is_warned_about(tmp_path: Path) -> None:
    # Seen: [connectors.telegarm] (and [connector.telegram]) were ignored without a word, so
    # the settings in them silently did nothing.
    path = tmp_path / "reportbot.toml"
    path.write_text(
        '[connectors.telegarm]\ntoken = "x"\n[connector.zalo_bot]\ntoken = "y"\n'
        "[connectors.telegram]\npoll_timeout = 30\n",
        encoding="utf-8",
    )
    settings = load_settings({"REPORTBOT_CONFIG": str(path)}, config_file=None)
    lines = warn_unknown_settings(settings)
    assert len(lines) == 2, lines
    assert any("connectors.telegarm" in line and "connectors.telegram?" in line for line in lines)
    assert any("khóa connector " in line and "connectors?" in line for line in lines)
