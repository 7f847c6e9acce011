"""Telegram connector (aiogram 3): long polling by default, a webhook when configured.

Entry point ``telegram = "connectors.telegram:create"`` in the ``reportbot.connectors`` group.
"""

from __future__ import annotations

from connectors.base import ConnectorContext
from connectors.telegram.config import TelegramConfig, TelegramConfigError
from connectors.telegram.connector import CAPABILITIES, TelegramConnector
from connectors.telegram.webhook import make_handler

__all__ = ["CAPABILITIES", "TelegramConfigError", "TelegramConnector", "create"]


def create(context: ConnectorContext) -> TelegramConnector | None:
    """Build the connector from ``REPORTBOT_TELEGRAM_*``; None when no token is set.

    In webhook mode the POST route is added to ``context.web_app`` here, before that app
    starts; webhook mode without a web app or without a secret is refused.
    """
    config = TelegramConfig.from_env(context.env, context.config)
    if config is None:
        return None
    if config.webhook_mode and context.web_app is None:
        raise TelegramConfigError(
            "REPORTBOT_TELEGRAM_WEBHOOK_URL is set but the application has no web server"
        )
    connector = TelegramConnector(config, context)
    if config.webhook_mode and context.web_app is not None:
        handler = make_handler(
            config.webhook_secret or "",
            connector.reader,
            connector.process_update,
            lambda: connector.accepting,
        )
        context.web_app.router.add_post(config.webhook_path, handler)
    return connector
