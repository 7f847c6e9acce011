"""Zalo Official Account (OA API v3) connector, over aiohttp.

Turned on by ``REPORTBOT_ZALO_OA_APP_ID``, ``REPORTBOT_ZALO_OA_APP_SECRET``,
``REPORTBOT_ZALO_OA_SECRET_KEY`` (signs webhook events) and the initial
``REPORTBOT_ZALO_OA_REFRESH_TOKEN``; optional ``REPORTBOT_ZALO_OA_ACCESS_TOKEN``,
``REPORTBOT_ZALO_OA_API_URL``, ``REPORTBOT_ZALO_OA_OAUTH_URL``,
``REPORTBOT_ZALO_OA_WEBHOOK_MAX_AGE`` (seconds an event never seen before may be old, default
46800: Zalo's retry horizon of about 13 hours) and ``REPORTBOT_ZALO_OA_RATE``.
Events arrive on the web app at ``/webhook/zalo-oa`` (config ``webhook_path``). Rotating tokens
are kept in the database (``connector_state``), or in memory with ``token_store = "memory"``.
"""

from __future__ import annotations

from connectors.base import ConnectorContext
from connectors.zalo_oa.config import ZaloOaSettings, load_settings
from connectors.zalo_oa.connector import MessagingWindowError, ZaloOaConnector
from connectors.zalo_oa.followers import NotFollowingError
from connectors.zalo_oa.tokens import MemoryTokenStore, TokenPair, TokenStore

__all__ = [
    "MemoryTokenStore",
    "MessagingWindowError",
    "NotFollowingError",
    "TokenPair",
    "TokenStore",
    "ZaloOaConnector",
    "ZaloOaSettings",
    "create",
]


def create(context: ConnectorContext) -> ZaloOaConnector | None:
    """Build the connector from the context, or None when the OA is not configured."""
    settings = load_settings(context.env, context.config)
    if settings is None:
        return None
    seed = TokenPair(access_token=settings.access_token, refresh_token=settings.refresh_token)
    store: TokenStore
    if settings.token_store == "memory":
        store = MemoryTokenStore(seed)
    else:
        from connectors.zalo_oa.db_tokens import DatabaseTokenStore

        store = DatabaseTokenStore(context.kv, seed, key=f"tokens:{settings.app_id}"[:64])
    return ZaloOaConnector(context, settings, store)
