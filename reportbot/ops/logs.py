"""Log privacy and set-up: plain text or JSON lines, never with officers' answers or secrets.

This is the one place that keeps answers and secrets out of the logs; `redact` is its one
masking function. Two things are installed:

- `guard_logs(env)` (at start, by `config_check.check_settings`), for every record whatever
  handler it reaches (a test runner's, a service manager's): the parameters of the database
  drivers' records are hidden at their loggers (tortoise logs every query "%s: %s" with its
  values under `tortoise.db_client`; aiosqlite repeats them in "executing %s"), and a record
  factory freezes each message through `redact`, which masks the values of secret settings
  (tokens, keys, passwords, the database password, and secrets learnt later: `hide_secret`)
  and known secret shapes (Telegram bot tokens, `access_token=`-style pairs, passwords in
  URLs).
- `setup_logging` (the CLI's handler): its `PrivacyFilter` also drops the drivers' records
  below WARNING whatever `-v` says (three lines per answer, noise even when hidden), redacts
  what the factory cannot see (extras, tracebacks) and shortens tracebacks without `-v`.

Redaction runs on a bounded prefix of each message, with bounded patterns, so a huge or
hostile message costs at most a few kilobytes of regex work.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO
from urllib.parse import urlsplit

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers whose DEBUG/INFO records carry SQL parameter values (answers, phone numbers, names).
SQL_LOGGERS = ("tortoise.db_client", "aiosqlite", "asyncpg")
MAX_MESSAGE = 8192  # characters kept of one message; the rest is cut, with a marker
MASK = "***"
HIDDEN_PARAMETERS = "[parameters hidden]"
SETTINGS_PREFIX = "REPORTBOT_"
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|KEY|CREDENTIALS_JSON")
MIN_SECRET_CHARS = 6  # shorter values ("1", "yes") would blank out ordinary words

_SECRETS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Telegram bot token "<bot id>:<35 characters>" (core.telegram.org/bots/api, "Authorizing
    # your bot"); it also appears inside API URLs as /bot<token>/method, hence no \b before it.
    (re.compile(r"\d{5,15}:[A-Za-z0-9_-]{30,64}"), MASK),
    # key=value, "key": "value" and 'key': 'value' (a dict printed: tortoise's start-up line
    # keeps the first third of the database password) pairs: OAuth tokens (Zalo OA
    # access_token / refresh_token, Google), webhook secrets, passwords, API keys.
    (
        re.compile(
            r"(?i)\b((?:access|refresh|secret|bot)_?token|secret|password|passwd|api_?key"
            r"|client_secret|authorization)([\"']?\s{0,3}[:=]\s{0,3}[\"']?(?:bearer\s{1,3})?)"
            r"[^\s&\"',;}]{1,2048}"
        ),
        r"\1\2" + MASK,
    ),
    # Password in a URL's user information: postgres://user:password@host/db.
    (re.compile(r"(://[^/\s:@]{1,256}:)[^/\s@]{1,256}@"), r"\1" + MASK + "@"),
)


class _Guard:
    """The secret values known so far (longest first) and whether the guards are installed."""

    secrets: tuple[str, ...] = ()
    installed = False


def redact(text: str) -> str:
    """Mask secret values and secret shapes in `text` (cut to MAX_MESSAGE characters first)."""
    if len(text) > MAX_MESSAGE:
        text = text[:MAX_MESSAGE] + " …[cut]"
    for secret in _Guard.secrets:
        text = text.replace(secret, MASK)
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def secret_values(env: Mapping[str, str]) -> tuple[str, ...]:
    """The values of secret settings (and the database password), longest first."""
    values = {
        value
        for name, value in env.items()
        if name.startswith(SETTINGS_PREFIX)
        and SECRET_NAME.search(name)
        and len(value) >= MIN_SECRET_CHARS
    }
    url = env.get(SETTINGS_PREFIX + "DATABASE_URL", "")
    try:
        password = urlsplit(url).password if "://" in url else None
    except ValueError:
        password = None
    if password and len(password) >= MIN_SECRET_CHARS:
        values.add(password)
    return tuple(sorted(values, key=len, reverse=True))


def _hide_sql_parameters(record: logging.LogRecord) -> bool:
    """tortoise's "%s: %s" (query, values): keep the statement, hide the values."""
    if isinstance(record.args, tuple) and len(record.args) > 1:
        record.args = (record.args[0], *(HIDDEN_PARAMETERS for _ in record.args[1:]))
    elif isinstance(record.args, Mapping):
        record.args = {key: HIDDEN_PARAMETERS for key in record.args}
    return True


def _hide_all_arguments(record: logging.LogRecord) -> bool:
    """A driver's own records repeat the whole call, values included: hide every argument."""
    if record.args:
        count = len(record.args) if isinstance(record.args, tuple) else 1
        record.args = tuple(HIDDEN_PARAMETERS for _ in range(count))
    return True


def _redacting_factory(previous: Any) -> Any:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it later, as usual
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    return make


def guard_logs(env: Mapping[str, str]) -> None:
    """Hide SQL parameters and mask secrets (those of `env`) in every log record from now on."""
    _Guard.secrets = secret_values(env)
    if _Guard.installed:
        return
    logging.getLogger(SQL_LOGGERS[0]).addFilter(_hide_sql_parameters)
    for name in SQL_LOGGERS[1:]:
        logging.getLogger(name).addFilter(_hide_all_arguments)
    logging.setLogRecordFactory(_redacting_factory(logging.getLogRecordFactory()))
    _Guard.installed = True


def hide_secret(value: str) -> None:
    """Mask a secret learnt at run time (a refreshed OAuth token) in every later log record."""
    if not _Guard.installed:
        guard_logs({})
    if len(value) >= MIN_SECRET_CHARS and value not in _Guard.secrets:
        _Guard.secrets = tuple(sorted({*_Guard.secrets, value}, key=len, reverse=True))


class PrivacyFilter(logging.Filter):
    """Drop the drivers' SQL records below WARNING; redact secrets in every other record.

    With `tracebacks=False` (the default level, no `-v`) an exception is summarised as its
    last line ("OSError: ..."), so an admin's terminal shows what failed without a stack
    trace; `-v` keeps the whole trace for a developer.
    """

    def __init__(self, *, tracebacks: bool = True) -> None:
        super().__init__()
        self.tracebacks = tracebacks

    def filter(self, record: logging.LogRecord) -> bool:
        """Return False to drop; otherwise freeze the record's message, redacted."""
        if record.levelno < logging.WARNING and _is_sql_logger(record.name):
            return False
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break logging
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and not self.tracebacks:
            record.exc_text = record.exc_text.strip().splitlines()[-1]
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None  # formatted once above, redacted; never again raw
        return True


def _is_sql_logger(name: str) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in SQL_LOGGERS)


# Attributes every LogRecord has; anything else was passed as `extra=` and goes into JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, then any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Render `record` as one JSON line."""
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = _safe(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


def _safe(value: Any) -> Any:
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, list | tuple):  # a JSON array stays one (connector names)
        return [_safe(item) for item in value]
    return redact(str(value))


def masked(text: str, env: Mapping[str, str]) -> str:
    """`redact(text)`, also masking the secret settings of `env` (for a line printed before
    `guard_logs` learnt them: a refusal of the settings themselves)."""
    for secret in secret_values(env):
        text = text.replace(secret, MASK)
    return redact(text)


def refusal_json(
    line: str, env: Mapping[str, str], *, level: int = logging.ERROR, **fields: object
) -> str:
    """A refusal at start (the line the text mode prints after `reportbot: `) as one JSON log
    line, as `JsonFormatter` writes a record: level ERROR, logger `reportbot`, `event:
    refused`, then `fields` (the catalogue key, the setting named); secrets masked. A warning
    printed at start (`level` WARNING) gives its own `event`."""
    record = logging.makeLogRecord(
        {
            "name": "reportbot",
            "levelno": level,
            "levelname": logging.getLevelName(level),
            "msg": masked(line, env),
            "event": "refused",
            **fields,
        }
    )
    return JsonFormatter().format(record)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a record comes (as logging's last resort does):
    a caller that swaps stderr (a test runner, a daemon wrapper) never leaves this handler
    writing into a closed stream."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def setup_logging(*, verbose: bool, log_format: str = "text", stream: TextIO | None = None) -> None:
    """Configure the root logger: one stderr handler, the privacy filter, text or JSON.

    Called again (the CLI run twice in one process), it replaces its own handler and leaves
    any other handler (a test runner's) in place.
    """
    handler = logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    handler.addFilter(PrivacyFilter(tracebacks=verbose))
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    # A JSON log feeds a shipper: it wants the bot's own lifecycle lines (started, stopped,
    # tokens refreshed) without -v; the libraries' INFO chatter stays out.
    ours = logging.INFO if log_format == "json" and not verbose else logging.NOTSET
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(ours)


_HANDLER_NAME = "reportbot"
OWN_LOGGERS = ("reportbot", "connectors")  # the packages whose INFO lines a JSON log keeps
