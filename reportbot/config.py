"""Settings from `REPORTBOT_*` environment variables and an optional `reportbot.toml`.

The environment wins over the file. A wrong value stops start-up with `ConfigError`: one line
naming the variable and quoting the value, in the settings' language (Vietnamese unless
REPORTBOT_LOCALE=en; see `reportbot.startup_errors`). Connector-specific variables are read by each
connector from the environment it is handed; the `[connectors.NAME]` tables of the file are
passed to it as its config.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reportbot.config_url import check_postgres_url
from reportbot.startup_errors import ConfigError
from reportbot.store.database import (
    DEFAULT_DATABASE_URL,
    DEFAULT_MIGRATE_STEP_TIMEOUT,
    SUPPORTED_SCHEMES,
)

PREFIX = "REPORTBOT_"
LOCALES = ("vi", "en")
LOG_FORMATS = ("text", "json")
# Updates handled at once by a process that serves webhooks: few enough that the event loop
# answers a webhook within a few turns (benchmarks/RESULTS.md, brief "ackp99").
DEFAULT_PROCESSING_LIMIT = 8
# Connections one process may open to PostgreSQL; all processes together must stay under the
# server's max_connections (100 by default).
MAX_DATABASE_POOL = 1000

__all__ = ["LOCALES", "LOG_FORMATS", "ConfigError", "Settings", "load_settings"]


@dataclass(frozen=True)
class Settings:
    """The application's settings, validated."""

    database_url: str = DEFAULT_DATABASE_URL
    forms_dir: Path = Path("forms")
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    locale: str = "vi"
    media_dir: Path = Path("media")
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    mirror_xlsx: Path = Path("reportbot-mirror.xlsx")
    delivery_start: time = time(7, 30)
    delivery_end: time = time(20, 0)
    demo: bool = True
    log_format: str = "text"
    processing_limit: int = DEFAULT_PROCESSING_LIMIT
    database_pool: int | None = None  # PostgreSQL pool size; None: the driver's (5)
    migrate_step_timeout: int = DEFAULT_MIGRATE_STEP_TIMEOUT  # seconds
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    file_config: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def connector_config(self, name: str) -> Mapping[str, Any]:
        """The `[connectors.NAME]` table of reportbot.toml, or an empty mapping."""
        connectors = self.file_config.get("connectors", {})
        table = connectors.get(name, {}) if isinstance(connectors, Mapping) else {}
        return table if isinstance(table, Mapping) else {}


def load_settings(
    env: Mapping[str, str] | None = None, config_file: Path | None = None
) -> Settings:
    """Read and validate settings; raise ConfigError with one clear line on a bad value."""
    environ = dict(os.environ if env is None else env)
    path = _config_path(environ, config_file)
    file_values, file_config = _read_file(environ, config_file, path)
    merged: dict[str, str] = {
        **file_values,
        **{k: v for k, v in environ.items() if k.startswith(PREFIX)},
    }

    def get(name: str, default: str) -> str:
        value = merged.get(PREFIX + name)
        return default if value is None or value == "" else value

    def where(name: str) -> str:
        """How the IT officer wrote the setting: its variable, or the file and its field."""
        if environ.get(PREFIX + name, "") == "" and PREFIX + name in file_values:
            return f"{path}: {name.lower()}"
        return PREFIX + name

    try:
        return _settings(get, where, {**environ, **merged}, file_config)
    except ConfigError as error:  # said in the language the settings ask for, when valid
        locale = get("LOCALE", "vi")
        error.locale = locale if locale in LOCALES else "vi"
        raise


def _settings(
    get: Callable[[str, str], str],
    where: Callable[[str], str],
    env: dict[str, str],
    file_config: dict[str, Any],
) -> Settings:
    # Each check names the setting as the IT officer wrote it (`where`): its variable, or
    # the file and its key.
    pool = get("DATABASE_POOL", "")
    return Settings(
        database_url=_database_url(
            where("DATABASE_URL"), get("DATABASE_URL", DEFAULT_DATABASE_URL)
        ),
        forms_dir=Path(get("FORMS_DIR", "forms")),
        timezone=_timezone(where("TIMEZONE"), get("TIMEZONE", "Asia/Ho_Chi_Minh")),
        locale=_choice(where("LOCALE"), get("LOCALE", "vi"), LOCALES),
        media_dir=Path(get("MEDIA_DIR", "media")),
        http_host=get("HTTP_HOST", "127.0.0.1"),
        http_port=_port(where("HTTP_PORT"), get("HTTP_PORT", "8080")),
        mirror_xlsx=Path(get("MIRROR_XLSX", "reportbot-mirror.xlsx")),
        delivery_start=_clock(where("DELIVERY_START"), get("DELIVERY_START", "07:30")),
        delivery_end=_clock(where("DELIVERY_END"), get("DELIVERY_END", "20:00")),
        demo=_boolean(where("DEMO"), get("DEMO", "true")),
        log_format=_choice(where("LOG_FORMAT"), get("LOG_FORMAT", "text"), LOG_FORMATS),
        processing_limit=_positive(
            where("PROCESSING_LIMIT"),
            get("PROCESSING_LIMIT", str(DEFAULT_PROCESSING_LIMIT)),
        ),
        database_pool=_pool(where("DATABASE_POOL"), pool) if pool else None,
        migrate_step_timeout=_positive(
            where("MIGRATE_STEP_TIMEOUT"),
            get("MIGRATE_STEP_TIMEOUT", str(DEFAULT_MIGRATE_STEP_TIMEOUT)),
        ),
        env=env,
        file_config=file_config,
    )


def _config_path(environ: Mapping[str, str], config_file: Path | None) -> Path:
    return config_file or Path(environ.get(PREFIX + "CONFIG", "reportbot.toml"))


def _read_file(
    environ: Mapping[str, str], config_file: Path | None, path: Path
) -> tuple[dict[str, str], dict[str, Any]]:
    if not path.exists():
        if config_file is not None or PREFIX + "CONFIG" in environ:
            raise ConfigError("config_file_missing", path=str(path))
        return {}, {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("config_file_invalid", path=str(path), detail=str(exc)) from exc
    values: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            continue
        values[PREFIX + key.upper()] = str(value).lower() if isinstance(value, bool) else str(value)
    return values, data


def _database_url(name: str, value: str) -> str:
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in SUPPORTED_SCHEMES:
        # without "://" the value may start with user:password@: quote only up to a ':' or '@'
        quoted = scheme or value.split("@", 1)[0].split(":", 1)[0][:20]
        raise ConfigError("database_url", name=name, value=quoted)
    if scheme != "sqlite":
        check_postgres_url(name, value)
    return value


# POSIX-style names: Etc/GMT+7 is UTC−7 (the sign is reversed), 14 hours off Vietnam. Only the
# "+" names are refused: they are west of UTC, never meant by a Vietnamese deployment, and the
# classic slip for UTC+7; Etc/GMT-7 is UTC+07:00, Vietnam's own offset, and stays accepted.
_ETC_GMT_WEST = re.compile(r"(?:posix/|right/)?Etc/GMT\+\d{1,2}")


def _timezone(name: str, value: str) -> ZoneInfo:
    try:
        zone = ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError("timezone", name=name, value=value) from exc
    if _ETC_GMT_WEST.fullmatch(value) and utc_offset(zone) != "UTC+00:00":
        # Refused, not warned about: a wrong zone shifts every deadline and reminder, and a
        # warning scrolls past in a log nobody reads; the region name says what it means.
        raise ConfigError("timezone_etc_gmt", name=name, value=value, means=utc_offset(zone))
    return zone


def utc_offset(zone: ZoneInfo, at: datetime | None = None) -> str:
    """The zone's offset from UTC now (or `at`), as 'UTC+07:00'."""
    offset = (at or datetime.now(UTC)).astimezone(zone).utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def timezone_label(zone: ZoneInfo) -> str:
    """The zone for the start line and `status`: 'Asia/Ho_Chi_Minh (UTC+07:00)'."""
    return f"{zone.key} ({utc_offset(zone)})"


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError("choice", name=name, value=value, allowed=", ".join(allowed))
    return value


def _whole(text: str) -> bool:
    """ASCII digits only: `"²".isdigit()` is true but `int("²")` raises (review, issue 17)."""
    return text.isascii() and text.isdecimal()


def _port(name: str, value: str) -> int:
    if not _whole(value) or not 0 < int(value) < 65536:
        raise ConfigError("port", name=name, value=value)
    return int(value)


def _pool(name: str, value: str) -> int:
    """A pool size: a whole number from 1 to MAX_DATABASE_POOL; `name` says where it was set."""
    text = value.strip()
    if _whole(text) and 0 < int(text) <= MAX_DATABASE_POOL:
        return int(text)
    raise ConfigError("database_pool", name=name, value=value, maximum=MAX_DATABASE_POOL)


def _positive(name: str, value: str) -> int:
    if _whole(value) and int(value) > 0:
        return int(value)
    raise ConfigError("positive", name=name, value=value)


def _clock(name: str, value: str) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ConfigError("clock", name=name, value=value) from exc


def _boolean(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError("boolean", name=name, value=value)
