"""Zalo Bot Platform connector (the Telegram-like Zalo bot API), over aiohttp.

Turned on by ``REPORTBOT_ZALO_BOT_TOKEN``. Long polling by default; webhook mode when
``REPORTBOT_ZALO_BOT_WEBHOOK_URL`` and ``REPORTBOT_ZALO_BOT_WEBHOOK_SECRET`` are set.
Other settings: ``REPORTBOT_ZALO_BOT_API_URL`` (base URL) and ``REPORTBOT_ZALO_BOT_RATE``
("GLOBAL" or "GLOBAL,PER_CHAT" messages per second, default "5,1").
"""

from __future__ import annotations

from connectors.base import ConnectorContext
from connectors.zalo_bot.config import ZaloBotSettings, load_settings
from connectors.zalo_bot.connector import ZaloBotConnector

__all__ = ["ZaloBotConnector", "ZaloBotSettings", "create"]


def create(context: ConnectorContext) -> ZaloBotConnector | None:
    """Build the connector from the context, or None when no bot token is configured."""
    settings = load_settings(context.env, context.config, context.public_base_url)
    if settings is None:
        return None
    return ZaloBotConnector(context, settings)
