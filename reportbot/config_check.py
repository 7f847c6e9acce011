"""Start-up checks of the settings that a ConfigError would be too harsh for, and log hygiene.

- A misspelt `REPORTBOT_*` variable or `reportbot.toml` key is silently ignored by the code
  that reads settings; here it is warned about, with the closest known name (difflib).
  Known names are a list of the core and Telegram ones (read through a prefix) plus every
  `REPORTBOT_*` literal in the project's source, so a setting added anywhere is known.
- Logs never hold answers or secrets: tortoise logs every SQL statement *with its
  parameters* at DEBUG (`-v`), that is officers' answers, names and phone numbers, so the
  parameters of `tortoise.db_client` records are hidden (and the arguments of aiosqlite's own
  DEBUG records, which repeat them); and the values of secret settings
  (tokens, keys, passwords, the database password) are replaced by *** in every record and
  traceback, whatever logger or handler it goes through.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reportbot.config import PREFIX, Settings

log = logging.getLogger("reportbot.config")

CORE = [
    "CONFIG",
    "DATABASE_URL",
    "FORMS_DIR",
    "TIMEZONE",
    "LOCALE",
    "MEDIA_DIR",
    "HTTP_HOST",
    "HTTP_PORT",
    "MIRROR_XLSX",
    "DELIVERY_START",
    "DELIVERY_END",
    "DEMO",
    "EXTRA_DAYS_OFF",
    "TEST_POSTGRES_URL",
    "TEST_PG_HOST",
    "TEST_PG_PORT",
    "UPDATE_DOCS",  # tests/test_decree_document.py refreshes docs/bao-cao-trang-1.png
]
# connectors/telegram/config.py reads these through its "REPORTBOT_TELEGRAM_" prefix.
TELEGRAM = [
    "TOKEN",
    "BOT_USERNAME",
    "API_URL",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_PATH",
    "MAX_FILE_MB",
    "GLOBAL_RATE",
    "CHAT_RATE",
    "CHAT_BURST",
    "POLL_TIMEOUT",
    "REQUEST_TIMEOUT",
    "RETRY_DELAY",
    "RETRY_MAX_DELAY",
    "DRAIN_TIMEOUT",
    "SET_COMMANDS",
    "JOIN_MESSAGES",
]
SOURCE_PACKAGES = ("reportbot", "connectors")
_LITERAL = re.compile(r"\bREPORTBOT_[A-Z0-9_]*[A-Z0-9]\b")
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|KEY|CREDENTIALS_JSON")
MIN_SECRET_CHARS = 6  # shorter values ("1", "yes") would blank out ordinary words
HIDDEN = "***"
HIDDEN_PARAMETERS = "[parameters hidden]"
SQL_LOGGER = "tortoise.db_client"  # "%s: %s" % (query, parameters)
DRIVER_LOGGERS = ("aiosqlite",)  # "operation %s completed" % partial(execute, query, params)

TEXTS = {
    "vi": {
        "suggest": "cảnh báo: {name} không phải thiết lập đã biết, bị bỏ qua; có phải là {close}?",
        "ignored": "cảnh báo: {name} không phải thiết lập đã biết, bị bỏ qua",
        "file": "khóa {name} trong {file}",
    },
    "en": {
        "suggest": "warning: {name} is not a known setting and is ignored; did you mean {close}?",
        "ignored": "warning: {name} is not a known setting and is ignored",
        "file": "key {name} in {file}",
    },
}


@lru_cache(maxsize=1)
def _source_names() -> frozenset[str]:
    names: set[str] = set()
    root = Path(__file__).resolve().parent.parent
    for package in SOURCE_PACKAGES:
        for path in (root / package).rglob("*.py"):
            try:
                names.update(_LITERAL.findall(path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    return frozenset(names)


def known_variables() -> frozenset[str]:
    """Every REPORTBOT_* variable some part of the bot reads."""
    core = {PREFIX + name for name in CORE}
    telegram = {f"{PREFIX}TELEGRAM_{name}" for name in TELEGRAM}
    return frozenset(core | telegram | _source_names())


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like `name`, if one is close enough to be a typo."""
    found = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.75)
    return found[0] if found else None


def unknown_settings(settings: Settings) -> list[tuple[str, str | None]]:
    """Unknown variables and config-file keys, each with the closest known name or None."""
    known = known_variables()
    file_keys = {
        key: PREFIX + key.upper()
        for key, value in settings.file_config.items()
        if not isinstance(value, Mapping)
    }
    from_file = set(file_keys.values())
    found: list[tuple[str, str | None]] = []
    for name in sorted(settings.env):
        if name.startswith(PREFIX) and name not in known and name not in from_file:
            found.append((name, closest(name, known)))
    for key, name in sorted(file_keys.items()):
        if name not in known:
            match = closest(name, known)
            found.append((f"file:{key}", match[len(PREFIX) :].lower() if match else None))
    return found


def warn_unknown_settings(settings: Settings) -> list[str]:
    """Log one warning per unknown setting in the settings' language; return the lines."""
    texts = TEXTS["en" if settings.locale == "en" else "vi"]
    config_file = settings.env.get(PREFIX + "CONFIG", "reportbot.toml")
    lines = []
    for name, close in unknown_settings(settings):
        if name.startswith("file:"):
            name = texts["file"].format(name=name[5:], file=config_file)
        key = "suggest" if close else "ignored"
        lines.append(texts[key].format(name=name, close=close))
    for line in lines:
        log.warning("%s", line)
    return lines


def secret_values(env: Mapping[str, str]) -> tuple[str, ...]:
    """The values of secret settings (and the database password), longest first."""
    values = {
        value
        for name, value in env.items()
        if name.startswith(PREFIX) and SECRET_NAME.search(name) and len(value) >= MIN_SECRET_CHARS
    }
    url = env.get(PREFIX + "DATABASE_URL", "")
    try:
        password = urlsplit(url).password if "://" in url else None
    except ValueError:
        password = None
    if password and len(password) >= MIN_SECRET_CHARS:
        values.add(password)
    return tuple(sorted(values, key=len, reverse=True))


class _Guard:
    """The state of the installed log guards (installed once, secrets replaced on reload)."""

    secrets: tuple[str, ...] = ()
    installed = False


def _redact(text: str) -> str:
    for secret in _Guard.secrets:
        text = text.replace(secret, HIDDEN)
    return text


def _hide_sql_parameters(record: logging.LogRecord) -> bool:
    if isinstance(record.args, tuple) and len(record.args) > 1:
        record.args = (record.args[0], *(HIDDEN_PARAMETERS for _ in record.args[1:]))
    elif isinstance(record.args, Mapping):
        record.args = {key: HIDDEN_PARAMETERS for key in record.args}
    return True


def _hide_all_arguments(record: logging.LogRecord) -> bool:
    if record.args:
        count = len(record.args) if isinstance(record.args, tuple) else 1
        record.args = tuple(HIDDEN_PARAMETERS for _ in range(count))
    return True


def _guarded_factory(previous: Any) -> Any:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = previous(*args, **kwargs)
        if not _Guard.secrets:
            return record
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it later, as usual
            return record
        clean = _redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = _redact(text)
        return record

    return make


def guard_logs(env: Mapping[str, str]) -> None:
    """Hide SQL parameters and the secrets of `env` in every log record from now on."""
    _Guard.secrets = secret_values(env)
    if _Guard.installed:
        return
    logging.getLogger(SQL_LOGGER).addFilter(_hide_sql_parameters)
    for name in DRIVER_LOGGERS:
        logging.getLogger(name).addFilter(_hide_all_arguments)
    logging.setLogRecordFactory(_guarded_factory(logging.getLogRecordFactory()))
    _Guard.installed = True


def hide_secret(value: str) -> None:
    """Mask a secret learnt at run time (a refreshed OAuth token) in every later log record."""
    if not _Guard.installed:
        guard_logs({})
    if len(value) >= MIN_SECRET_CHARS and value not in _Guard.secrets:
        _Guard.secrets = tuple(sorted({*_Guard.secrets, value}, key=len, reverse=True))


def check_settings(settings: Settings) -> None:
    """The start-up checks: guard the logs first, then warn about unknown settings."""
    guard_logs(settings.env)
    warn_unknown_settings(settings)
