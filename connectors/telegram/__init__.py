"""Telegram connector (aiogram 3): long polling by default, a webhook when configured.

Entry point ``telegram = "connectors.telegram:create"`` in the ``reportbot.connectors`` group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from connectors.base import ConnectorContext
from connectors.telegram.config import TelegramConfig, TelegramConfigError

if TYPE_CHECKING:
    from connectors.telegram.connector import TelegramConnector

__all__ = ["CAPABILITIES", "TelegramConfigError", "TelegramConnector", "create"]

# aiogram is imported only once Telegram is configured: every installed connector's entry
# point is loaded at start-up, and importing aiogram costs about 1.5 s of CPU (pydantic builds
# its ~450 models), which a console or Zalo-only bot, and every restart after a crash that
# must be back within seconds, should not pay for nothing.
_LAZY = frozenset({"CAPABILITIES", "TelegramConnector"})


def __getattr__(name: str) -> Any:
    """The connector's aiogram-based names, imported on first use (PEP 562)."""
    if name in _LAZY:
        from connectors.telegram import connector

        return getattr(connector, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def create(context: ConnectorContext) -> TelegramConnector | None:
    """Build the connector from ``REPORTBOT_TELEGRAM_*``; None when no token is set.

    In webhook mode the POST route is added to ``context.web_app`` here, before that app
    starts; webhook mode without a web app or without a secret is refused.
    """
    config = TelegramConfig.from_env(context.env, context.config)
    if config is None:
        return None
    from connectors.telegram.connector import TelegramConnector
    from connectors.telegram.webhook import make_handler

    if config.webhook_mode and context.web_app is None:
        raise TelegramConfigError(
            "REPORTBOT_TELEGRAM_WEBHOOK_URL đã đặt nhưng ứng dụng không chạy máy chủ web",
            "REPORTBOT_TELEGRAM_WEBHOOK_URL is set but the application has no web server",
        )
    connector = TelegramConnector(config, context)
    if config.webhook_mode and context.web_app is not None:
        handler = make_handler(
            config.webhook_secret or "",
            connector.reader,
            connector.take_in,
            lambda: connector.accepting,
        )
        context.web_app.router.add_post(config.webhook_path, handler)
    return connector
