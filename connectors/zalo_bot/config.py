"""Settings of the Zalo Bot Platform connector, read from the environment and config table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from connectors._http import setting
from connectors._queued import QueueSettings, config_number, queue_settings
from connectors.base import ConnectorStartError

DEFAULT_API_URL = "https://bot-api.zaloplatforms.com"
DEFAULT_WEBHOOK_PATH = "/webhook/zalo-bot"


@dataclass(frozen=True, slots=True)
class ZaloBotSettings(QueueSettings):
    """Everything the connector needs; `webhook_url` set means webhook mode."""

    token: str
    api_url: str = DEFAULT_API_URL
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_path: str = DEFAULT_WEBHOOK_PATH
    poll_timeout: float = 30.0
    media_url_prefix: str | None = None

    @property
    def webhook(self) -> bool:
        """Whether updates arrive by webhook rather than long polling."""
        return self.webhook_url is not None


def load_settings(
    env: Mapping[str, str], config: Mapping[str, Any], public_base_url: str | None = None
) -> ZaloBotSettings | None:
    """Read the settings; None when no bot token is configured.

    Raises ConnectorStartError (a ValueError) naming the variables when they are inconsistent.
    """
    token = setting(env, config, "REPORTBOT_ZALO_BOT_TOKEN", "token")
    if not token:
        return None
    webhook_url = setting(env, config, "REPORTBOT_ZALO_BOT_WEBHOOK_URL", "webhook_url")
    secret = setting(env, config, "REPORTBOT_ZALO_BOT_WEBHOOK_SECRET", "webhook_secret")
    if webhook_url and not secret:
        raise ConnectorStartError(
            "REPORTBOT_ZALO_BOT_WEBHOOK_URL cần kèm REPORTBOT_ZALO_BOT_WEBHOOK_SECRET "
            "(8 đến 256 ký tự) để từ chối các lời gọi webhook giả mạo",
            "REPORTBOT_ZALO_BOT_WEBHOOK_URL needs REPORTBOT_ZALO_BOT_WEBHOOK_SECRET "
            "(8 to 256 characters) so that forged webhook calls are refused",
        )
    if secret and not webhook_url:
        raise ConnectorStartError(
            "REPORTBOT_ZALO_BOT_WEBHOOK_SECRET đã đặt mà thiếu REPORTBOT_ZALO_BOT_WEBHOOK_URL; "
            "đặt cả hai để dùng webhook, hoặc không đặt cái nào để dùng long polling",
            "REPORTBOT_ZALO_BOT_WEBHOOK_SECRET is set without REPORTBOT_ZALO_BOT_WEBHOOK_URL; "
            "set both for webhook mode or neither for polling",
        )
    if secret is not None and not 8 <= len(secret) <= 256:  # a secret: only its length is said
        raise ConnectorStartError(
            "REPORTBOT_ZALO_BOT_WEBHOOK_SECRET cần dài 8 đến 256 ký tự, giá trị đang đặt có "
            f"{len(secret)} ký tự",
            "REPORTBOT_ZALO_BOT_WEBHOOK_SECRET must be 8 to 256 characters long, the value set "
            f"has {len(secret)}",
        )
    path = config.get("webhook_path")
    if not path and webhook_url:
        url_path = urlsplit(webhook_url).path
        path = url_path if url_path not in ("", "/") else None
    pacing = queue_settings(env, config, "REPORTBOT_ZALO_BOT_RATE", "zalo_bot")
    media_prefix = config.get("media_url_prefix")
    if media_prefix is None and public_base_url:
        media_prefix = public_base_url.rstrip("/") + "/media"
    return ZaloBotSettings(
        token=str(token),
        api_url=str(setting(env, config, "REPORTBOT_ZALO_BOT_API_URL", "api_url", DEFAULT_API_URL)),
        webhook_url=str(webhook_url) if webhook_url else None,
        webhook_secret=str(secret) if secret else None,
        webhook_path=str(path or DEFAULT_WEBHOOK_PATH),
        poll_timeout=config_number(config, "zalo_bot", "poll_timeout", 30.0),
        media_url_prefix=media_prefix,
        **pacing,
    )
