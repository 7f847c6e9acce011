"""REPORTBOT_DATABASE_POOL: the size of a process's PostgreSQL pool (issue 17, deadclaims).

A bad value stops start-up with one line naming the setting (the variable, or the file and its
field); a good one reaches asyncpg's pool, read back from the pool itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise import connections

from reportbot.app import Application
from reportbot.config import ConfigError, load_settings
from reportbot.workers import roles
from tests.conftest import FORMS_DIR, FakeClock


@pytest.mark.parametrize("value", ["0", "-1", "five", "2.5", "1001", "²", "1²"])
def test_a_bad_pool_size_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"REPORTBOT_DATABASE_POOL": value, "REPORTBOT_LOCALE": "en"}, None)
    line = str(caught.value)
    assert line.startswith("REPORTBOT_DATABASE_POOL: ") and repr(value) in line, line
    assert "from 1 to 1000" in line
    vietnamese = caught.value.text("vi")
    assert vietnamese.startswith("REPORTBOT_DATABASE_POOL: ") and "từ 1 đến 1000" in vietnamese


@pytest.mark.parametrize("name", ["REPORTBOT_PROCESSING_LIMIT", "REPORTBOT_HTTP_PORT"])
def test_a_superscript_digit_is_a_config_error_not_a_traceback(name: str) -> None:
    """ "²".isdigit() is true but int("²") raises ValueError (review of issue 17, nit 10)."""
    with pytest.raises(ConfigError) as caught:
        load_settings({name: "8²", "REPORTBOT_LOCALE": "en"}, None)
    assert "'8²'" in str(caught.value), str(caught.value)


def test_a_bad_pool_size_in_the_file_names_the_file_and_field(tmp_path: Path) -> None:
    config = tmp_path / "reportbot.toml"
    config.write_text('database_pool = 0\nlocale = "en"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings({}, config)
    assert str(caught.value).startswith(f"{config}: database_pool: expected"), str(caught.value)
    # the environment wins over the file, and is the one named when it is wrong
    with pytest.raises(ConfigError) as caught:
        load_settings({"REPORTBOT_DATABASE_POOL": "x"}, config)
    assert str(caught.value).startswith("REPORTBOT_DATABASE_POOL: ")
    assert load_settings({"REPORTBOT_DATABASE_POOL": " 12"}, config).database_pool == 12


def test_the_pool_size_is_optional_and_read_from_the_file(tmp_path: Path) -> None:
    assert load_settings({}, None).database_pool is None
    config = tmp_path / "reportbot.toml"
    config.write_text("database_pool = 10\n", encoding="utf-8")
    assert load_settings({}, config).database_pool == 10


@pytest.mark.parametrize("size", [None, 7])
async def test_the_setting_reaches_the_asyncpg_pool(
    postgres_database: str, size: int | None
) -> None:
    env = {
        "REPORTBOT_DATABASE_URL": postgres_database,
        "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
    }
    if size is not None:
        env["REPORTBOT_DATABASE_POOL"] = str(size)
    settings = load_settings(env, None)
    app = Application(
        settings, clock=FakeClock(datetime(2026, 12, 1, 3, tzinfo=UTC)), role=roles.WORKER
    )
    await app.open()  # the worker role's path to the database
    try:
        pool = connections.get("default")._pool  # tortoise's asyncpg client keeps it here
        assert pool.get_max_size() == (5 if size is None else size)
    finally:
        await app.close()
