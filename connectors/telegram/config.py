"""Telegram connector settings, read from ``REPORTBOT_TELEGRAM_*`` variables.

The environment wins over the ``[connectors.telegram]`` table of ``reportbot.toml`` (keys are the
variable names without the prefix, in lower case: ``api_url``, ``webhook_url``, ...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from connectors.base import ConnectorStartError

PREFIX = "REPORTBOT_TELEGRAM_"
DEFAULT_WEBHOOK_PATH = "/webhook/telegram"
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class TelegramConfigError(ConnectorStartError):
    """The Telegram settings are inconsistent; the line (in each language) names the variable
    to fix and quotes the value unless it is a secret."""


@dataclass(frozen=True, slots=True)
class TelegramConfig:
    """Everything the connector needs to know, validated."""

    token: str
    api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_path: str = DEFAULT_WEBHOOK_PATH
    max_file_bytes: int = 20 * 1024 * 1024
    global_rate: float = 30.0
    chat_rate: float = 1.0
    chat_burst: int = 3
    group_limit: int = 20  # messages per `group_window` seconds in one group (Bot FAQ)
    group_window: float = 60.0
    poll_timeout: int = 25
    request_timeout: float = 30.0
    retry_base_delay: float = 0.5
    retry_max_delay: float = 30.0
    drain_timeout: float = 30.0
    set_commands: bool = True
    join_messages: bool = True
    # A message of at least `paste_min_chars` (UTF-16 units, as Telegram counts) starts a
    # paste: text messages following within `paste_window` seconds are joined to it.
    paste_min_chars: int = 4000
    paste_window: float = 1.5
    album_window: float = 1.5  # photos of one album arriving within this are one answer
    unreadable_file: str | None = None  # where undecodable updates are kept (JSON lines)

    @property
    def webhook_mode(self) -> bool:
        """True when updates come by webhook rather than long polling."""
        return self.webhook_url is not None

    def __repr__(self) -> str:
        # Never print the token or the secret.
        mode = "webhook" if self.webhook_mode else "polling"
        return f"TelegramConfig(mode={mode}, api_url={self.api_url!r})"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], config: Mapping[str, Any] | None = None
    ) -> TelegramConfig | None:
        """Read the settings; None when no token is set (the connector is off)."""
        reader = _Reader(env, config or {})
        token = reader.text("TOKEN")
        if not token:
            return None
        webhook_url = reader.text("WEBHOOK_URL") or None
        secret = reader.text("WEBHOOK_SECRET") or None
        if webhook_url is not None:
            if secret is None:
                raise TelegramConfigError(
                    f"{PREFIX}WEBHOOK_URL đã đặt nhưng thiếu {PREFIX}WEBHOOK_SECRET: webhook "
                    "không có mã bí mật sẽ nhận cả tin giả mạo",
                    f"{PREFIX}WEBHOOK_URL is set but {PREFIX}WEBHOOK_SECRET is not: "
                    "a webhook without a secret accepts forged updates",
                )
            if not _SECRET_RE.match(secret):  # a secret: its length is said, never its text
                raise TelegramConfigError(
                    f"{PREFIX}WEBHOOK_SECRET: cần 1-256 ký tự A-Z, a-z, 0-9, _ và -, "
                    f"giá trị đang đặt có {len(secret)} ký tự",
                    f"{PREFIX}WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -, "
                    f"the value set has {len(secret)} characters",
                )
            if urlsplit(webhook_url).scheme not in ("http", "https"):
                raise TelegramConfigError(
                    f"{PREFIX}WEBHOOK_URL: cần bắt đầu bằng https://, nhận {webhook_url[:60]!r}",
                    f"{PREFIX}WEBHOOK_URL must start with https://, not {webhook_url[:60]!r}",
                )
        path = reader.text("WEBHOOK_PATH") or _path_of(webhook_url)
        if not path.startswith("/"):
            raise TelegramConfigError(
                f"{PREFIX}WEBHOOK_PATH: cần bắt đầu bằng /, nhận {path[:60]!r}",
                f"{PREFIX}WEBHOOK_PATH must start with /, not {path[:60]!r}",
            )
        return cls(
            token=token,
            api_url=reader.text("API_URL") or None,
            webhook_url=webhook_url,
            webhook_secret=secret,
            webhook_path=path,
            max_file_bytes=int(reader.number("MAX_FILE_MB", 20) * 1024 * 1024),
            global_rate=reader.number("GLOBAL_RATE", 30),
            chat_rate=reader.number("CHAT_RATE", 1),
            chat_burst=int(reader.number("CHAT_BURST", 3)),
            group_limit=int(reader.number("GROUP_LIMIT", 20)),
            group_window=reader.number("GROUP_WINDOW", 60),
            poll_timeout=int(reader.number("POLL_TIMEOUT", 25)),
            request_timeout=reader.number("REQUEST_TIMEOUT", 30),
            retry_base_delay=reader.number("RETRY_DELAY", 0.5),
            retry_max_delay=reader.number("RETRY_MAX_DELAY", 30),
            drain_timeout=reader.number("DRAIN_TIMEOUT", 30),
            set_commands=reader.flag("SET_COMMANDS", True),
            join_messages=reader.flag("JOIN_MESSAGES", True),
            paste_min_chars=int(reader.number("PASTE_MIN_CHARS", 4000)),
            paste_window=reader.number("PASTE_WINDOW", 1.5),
            album_window=reader.number("ALBUM_WINDOW", 1.5),
            unreadable_file=reader.text("UNREADABLE_FILE") or None,
        )


def _path_of(url: str | None) -> str:
    if not url:
        return DEFAULT_WEBHOOK_PATH
    path = urlsplit(url).path
    return path if path and path != "/" else DEFAULT_WEBHOOK_PATH


class _Reader:
    def __init__(self, env: Mapping[str, str], config: Mapping[str, Any]) -> None:
        self.env = env
        self.config = config

    def raw(self, name: str) -> Any:
        value = self.env.get(PREFIX + name)
        if value is None or value == "":
            return self.config.get(name.lower())
        return value

    def text(self, name: str) -> str:
        value = self.raw(name)
        return "" if value is None else str(value).strip()

    def number(self, name: str, default: float) -> float:
        value = self.raw(name)
        if value is None or value == "":
            return float(default)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise TelegramConfigError(
                f"{PREFIX}{name}: cần một số, nhận {str(value)[:20]!r}",
                f"{PREFIX}{name} must be a number, not {str(value)[:20]!r}",
            ) from None
        if number <= 0:
            raise TelegramConfigError(
                f"{PREFIX}{name}: cần một số lớn hơn 0, nhận {str(value)[:20]!r}",
                f"{PREFIX}{name} must be greater than 0, not {str(value)[:20]!r}",
            )
        return number

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() not in ("0", "false", "no", "off")
