"""Operations: misspelt settings are warned about with the closest name; logs hold neither
officers' answers (SQL parameters) nor secrets, at any level."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from reportbot import cli as core_cli
from reportbot.config import Settings, load_settings
from reportbot.config_check import (
    guard_logs,
    hide_secret,
    known_variables,
    unknown_settings,
    warn_unknown_settings,
)
from reportbot.store.models import Person, Unit

TOKEN = "123456789:AAHfakeTelegramTokenForTests_xyz"
DB_PASSWORD = "s3cret-pg-pass"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG and above, formatted with tracebacks, as a handler sees it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        guard_logs({})  # no secrets remembered for the tests that follow


def test_misspelt_variables_get_the_closest_name() -> None:
    env = {
        "REPORTBOT_DATABSE_URL": "sqlite://x.db",
        "REPORTBOT_TELEGRAM_TOKN": "x",
        "REPORTBOT_EXTRA_DAY_OFF": "2026-06-10",
        "REPORTBOT_COMPLETELY_DIFFERENT": "1",
        "REPORTBOT_DATABASE_URL": "sqlite://y.db",
        "REPORTBOT_ZALO_OA_APP_ID": "1",  # read by a connector: known from the source
        "PATH": "/usr/bin",
    }
    assert unknown_settings(Settings(env=env)) == [
        ("REPORTBOT_COMPLETELY_DIFFERENT", None),
        ("REPORTBOT_DATABSE_URL", "REPORTBOT_DATABASE_URL"),
        ("REPORTBOT_EXTRA_DAY_OFF", "REPORTBOT_EXTRA_DAYS_OFF"),
        ("REPORTBOT_TELEGRAM_TOKN", "REPORTBOT_TELEGRAM_TOKEN"),
    ]
    lines = warn_unknown_settings(Settings(env=env))
    assert lines[1] == (
        "cảnh báo: REPORTBOT_DATABSE_URL không phải thiết lập đã biết, bị bỏ qua; "
        "có phải là REPORTBOT_DATABASE_URL?"
    )
    assert (
        lines[0]
        == "cảnh báo: REPORTBOT_COMPLETELY_DIFFERENT không phải thiết lập đã biết, bị bỏ qua"
    )


def test_every_variable_the_readme_names_is_known() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bREPORTBOT_[A-Z0-9_]*[A-Z0-9]\b", readme))
    assert named - known_variables() == set()


def test_misspelt_config_file_keys_in_english(tmp_path: Path) -> None:
    config = tmp_path / "reportbot.toml"
    config.write_text('locale = "en"\ntimezon = "Asia/Ho_Chi_Minh"\n[connectors.telegram]\n')
    settings = load_settings(env={}, config_file=config)
    assert warn_unknown_settings(settings) == [
        "warning: key timezon in reportbot.toml is not a known setting and is ignored; "
        "did you mean timezone?"
    ]


def test_the_cli_warns_once_and_goes_on(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    for name in [k for k in __import__("os").environ if k.startswith("REPORTBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("REPORTBOT_TIMEZNE", "Asia/Bangkok")
    units = tmp_path / "don_vi.csv"
    units.write_text("code,name,type\nubnd,UBND xã,co_quan\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="reportbot.config"):
        assert core_cli.main(["units", "import", str(units)]) == 0
    warnings = [r.getMessage() for r in caplog.records if r.name == "reportbot.config"]
    assert warnings == [
        "cảnh báo: REPORTBOT_TIMEZNE không phải thiết lập đã biết, bị bỏ qua; "
        "có phải là REPORTBOT_TIMEZONE?"
    ]
    guard_logs({})


async def test_sql_parameters_never_reach_the_logs(db: str, captured: io.StringIO) -> None:
    guard_logs({})
    logging.getLogger("tortoise.db_client").setLevel(logging.DEBUG)
    unit = await Unit.create(code="hoi_pn", name="Hội Phụ nữ", type="doan_the")
    await Person.create(name="Nguyễn Thị Bí Mật", phone="0905999888", unit=unit)
    await Person.filter(phone="0905999888").first()
    text = captured.getvalue()
    assert "INSERT INTO" in text and "SELECT" in text  # the statements are logged ...
    assert "[parameters hidden]" in text
    for value in ("Nguyễn Thị Bí Mật", "0905999888", "Hội Phụ nữ"):  # ... their values are not
        assert value not in text


def test_secrets_are_masked_in_messages_and_tracebacks(captured: io.StringIO) -> None:
    env = {
        "REPORTBOT_TELEGRAM_TOKEN": TOKEN,
        "REPORTBOT_DATABASE_URL": f"postgres://bot:{DB_PASSWORD}@127.0.0.1/reportbot",
        "REPORTBOT_TELEGRAM_WEBHOOK_SECRET": "hook-secret-123",
        "REPORTBOT_LOCALE": "vi",  # not a secret: "vi" stays readable
    }
    guard_logs(env)
    log = logging.getLogger("connectors.telegram.test")
    log.debug("GET https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info("webhook secret %s, locale %s", "hook-secret-123", "vi")
    try:
        raise ConnectionError(f"cannot connect to postgres://bot:{DB_PASSWORD}@127.0.0.1")
    except ConnectionError:
        log.exception("database down")
    text = captured.getvalue()
    assert TOKEN not in text and DB_PASSWORD not in text and "hook-secret-123" not in text
    assert "https://api.telegram.org/bot***/getMe" in text
    assert "webhook secret ***, locale vi" in text
    assert "ConnectionError: cannot connect to postgres://bot:***@127.0.0.1" in text


def test_a_secret_learnt_at_run_time_is_masked_too(captured: io.StringIO) -> None:
    guard_logs({})
    fresh = "zalo-oa-access-token-refreshed-42"
    hide_secret(fresh)
    hide_secret("ok")  # too short to mask without blanking ordinary words
    logging.getLogger("connectors.zalo_oa.test").warning("new token %s ok", fresh)
    assert "new token *** ok" in captured.getvalue()


def test_every_variable_the_settings_read_is_known() -> None:
    # A setting added to config.py but not to config_check would be warned about as unknown
    # (and its misspellings never matched): REPORTBOT_PROCESSING_LIMIT once was.
    source = (Path(__file__).parent.parent / "reportbot" / "config.py").read_text("utf-8")
    read = {f"REPORTBOT_{name}" for name in re.findall(r'\bget\("([A-Z0-9_]+)"', source)}
    assert len(read) >= 10  # the pattern still finds the settings
    assert read - known_variables() == set()
