"""Start-up checks of the settings that a ConfigError would be too harsh for, and log hygiene.

- A misspelt `REPORTBOT_*` variable or `reportbot.toml` key is silently ignored by the code
  that reads settings; here it is warned about, with the closest known name (difflib).
  Known names are a list of the core and Telegram ones (read through a prefix) plus every
  `REPORTBOT_*` literal in the project's source, so a setting added anywhere is known.
- Logs never hold answers or secrets: `check_settings` installs the guards of
  `reportbot.ops.logs` (the one log-privacy module) with the values of the secret settings
  first, before anything else logs.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from reportbot.config import PREFIX, Settings
from reportbot.ops.logs import guard_logs, hide_secret
from reportbot.vocabulary.catalogue import register

__all__ = ["check_settings", "guard_logs", "hide_secret", "unknown_settings"]

log = logging.getLogger("reportbot.config")

CORE = [
    "CONFIG",
    "DATABASE_URL",
    "DATABASE_POOL",
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
    "PROCESSING_LIMIT",
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
    "GROUP_LIMIT",
    "GROUP_WINDOW",
    "POLL_TIMEOUT",
    "REQUEST_TIMEOUT",
    "RETRY_DELAY",
    "RETRY_MAX_DELAY",
    "DRAIN_TIMEOUT",
    "SET_COMMANDS",
    "JOIN_MESSAGES",
    "PASTE_MIN_CHARS",
    "PASTE_WINDOW",
    "ALBUM_WINDOW",
    "UNREADABLE_FILE",
]
SOURCE_PACKAGES = ("reportbot", "connectors")
_LITERAL = re.compile(r"\bREPORTBOT_[A-Z0-9_]*[A-Z0-9]\b")

TEXTS: dict[str, dict[str, str]] = {
    "suggest": {
        "vi": "cảnh báo: {name} không phải thiết lập đã biết, bị bỏ qua; có phải là {close}?",
        "en": "warning: {name} is not a known setting and is ignored; did you mean {close}?",
    },
    "ignored": {
        "vi": "cảnh báo: {name} không phải thiết lập đã biết, bị bỏ qua",
        "en": "warning: {name} is not a known setting and is ignored",
    },
    "file": {"vi": "khóa {name} trong {file}", "en": "key {name} in {file}"},
}
SETTINGS_TEXTS = register("settings", TEXTS)


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
    return found + _unknown_tables(settings.file_config)


def _unknown_tables(file_config: Mapping[str, object]) -> list[tuple[str, str | None]]:
    """`[connectors.NAME]` tables of no installed connector, and tables other than those."""
    from reportbot.connectors_registry import available_connectors

    known = [f"connectors.{name}" for name in available_connectors()]
    found: list[tuple[str, str | None]] = []
    for key, value in sorted(file_config.items()):
        if not isinstance(value, Mapping):
            continue
        if key != "connectors":  # the one table read; [connector] is a typo of it
            found.append((f"file:{key}", closest(key, ["connectors"])))
            continue
        for name in (f"{key}.{inner}" for inner in value):
            if name not in known:
                found.append((f"file:{name}", closest(name, known)))
    return found


def warn_unknown_settings(settings: Settings) -> list[str]:
    """Log one warning per unknown setting in the settings' language; return the lines."""
    say, locale = SETTINGS_TEXTS.say, settings.locale
    config_file = settings.env.get(PREFIX + "CONFIG", "reportbot.toml")
    lines = []
    for name, close in unknown_settings(settings):
        if name.startswith("file:"):
            name = say("file", locale, name=name[5:], file=config_file)
        if close:
            lines.append(say("suggest", locale, name=name, close=close))
        else:
            lines.append(say("ignored", locale, name=name))
    for line in lines:
        log.warning("%s", line)
    return lines


def check_settings(settings: Settings) -> None:
    """The start-up checks: guard the logs first, then warn about unknown settings."""
    guard_logs(settings.env)
    warn_unknown_settings(settings)
