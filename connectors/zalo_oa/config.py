"""Settings of the Zalo Official Account connector, read from the environment and config."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connectors._http import setting
from connectors._queued import QueueSettings, config_number, queue_settings
from connectors.base import ConnectorStartError

DEFAULT_API_URL = "https://openapi.zalo.me"
DEFAULT_OAUTH_URL = "https://oauth.zaloapp.com"
DEFAULT_WEBHOOK_PATH = "/webhook/zalo-oa"
REQUIRED = {
    "app_id": "REPORTBOT_ZALO_OA_APP_ID",
    "app_secret": "REPORTBOT_ZALO_OA_APP_SECRET",
    "secret_key": "REPORTBOT_ZALO_OA_SECRET_KEY",
    "refresh_token": "REPORTBOT_ZALO_OA_REFRESH_TOKEN",
}


@dataclass(frozen=True, slots=True)
class ZaloOaSettings(QueueSettings):
    """Everything the OA connector needs."""

    app_id: str
    app_secret: str
    secret_key: str  # the OA secret key that signs webhook events
    refresh_token: str  # the initial one; later ones live in the token store
    access_token: str | None = None
    api_url: str = DEFAULT_API_URL
    oauth_url: str = DEFAULT_OAUTH_URL
    webhook_path: str = DEFAULT_WEBHOOK_PATH
    max_age: float = 13 * 3600.0  # seconds an UNKNOWN event may be old: Zalo's retry horizon
    token_store: str = "database"  # or "memory" (tests, single process without a database)
    refresh_lifetime: float = 90 * 86400.0  # seconds a refresh token lives unused (~3 months)
    rate_limit_wait: float = 60.0  # seconds every chat waits after a -32 (api.RATE_WAIT)


def load_settings(env: Mapping[str, str], config: Mapping[str, Any]) -> ZaloOaSettings | None:
    """Read the settings; None when the OA is not configured at all.

    Raises ConnectorStartError (a ValueError) naming what is missing when only part of it is
    configured.
    """
    values = {key: setting(env, config, var, key) for key, var in REQUIRED.items()}
    if not any(values.values()):
        return None
    missing = [REQUIRED[key] for key, value in values.items() if not value]
    if missing:
        names = ", ".join(missing)
        raise ConnectorStartError(
            f"thiếu {names}: Zalo OA cần đủ cả bốn biến {', '.join(REQUIRED.values())}",
            f"missing {names}: the Zalo OA needs all four of {', '.join(REQUIRED.values())}",
        )
    pacing = queue_settings(env, config, "REPORTBOT_ZALO_OA_RATE", "zalo_oa")
    store = str(config.get("token_store", "database"))
    if store not in ("database", "memory"):
        raise ConnectorStartError(
            f"[connectors.zalo_oa] token_store: {store[:20]!r} không hợp lệ, "
            "chọn 'database' hoặc 'memory'",
            f"[connectors.zalo_oa] token_store: {store[:20]!r} is not valid, "
            "choose 'database' or 'memory'",
        )
    return ZaloOaSettings(
        app_id=str(values["app_id"]),
        app_secret=str(values["app_secret"]),
        secret_key=str(values["secret_key"]),
        refresh_token=str(values["refresh_token"]),
        access_token=setting(env, config, "REPORTBOT_ZALO_OA_ACCESS_TOKEN", "access_token"),
        api_url=str(setting(env, config, "REPORTBOT_ZALO_OA_API_URL", "api_url", DEFAULT_API_URL)),
        oauth_url=str(
            setting(env, config, "REPORTBOT_ZALO_OA_OAUTH_URL", "oauth_url", DEFAULT_OAUTH_URL)
        ),
        webhook_path=str(config.get("webhook_path") or DEFAULT_WEBHOOK_PATH),
        max_age=float(
            setting(env, config, "REPORTBOT_ZALO_OA_WEBHOOK_MAX_AGE", "webhook_max_age", 46800)
        ),
        token_store=store,
        refresh_lifetime=config_number(config, "zalo_oa", "refresh_token_days", 90) * 86400.0,
        rate_limit_wait=config_number(config, "zalo_oa", "rate_limit_wait", 60.0),
        **pacing,
    )
