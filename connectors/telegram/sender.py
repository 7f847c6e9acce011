"""Telegram's side of the shared send queue: how to read its errors, and its settings.

Every call that puts something in a chat (send, edit) goes through `SendQueue.submit`, the
shared `connectors.sending.SendQueue` (FIFO per chat, global pacer, per-chat token bucket, one
retry policy); this module only classifies aiogram's errors. `call_with_retry` serves the few
calls made outside the queue (getMe, setWebhook, getFile).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from connectors import sending
from connectors.base import DeliveryError, RecipientRefused
from connectors.sending import Fail, Retry, Uncertain, Verdict
from connectors.telegram.config import TelegramConfig

log = logging.getLogger(__name__)

Call = Callable[[], Awaitable[Any]]


def is_transient(error: BaseException) -> bool:
    """True for failures that a later retry can fix."""
    return isinstance(error, TelegramServerError | TelegramNetworkError | TelegramRetryAfter)


def backoff(attempt: int, base: float, cap: float) -> float:
    """Delay before retry number `attempt` (1-based): base, 2·base, 4·base, ... up to cap."""
    return min(cap, base * 2 ** (attempt - 1))


async def call_with_retry(call: Call, *, attempts: int, base_delay: float, max_delay: float) -> Any:
    """Run `call`, retrying transient failures up to `attempts` times in all."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except TelegramRetryAfter as error:
            if attempt == attempts:
                raise
            await asyncio.sleep(error.retry_after)
        except (TelegramServerError, TelegramNetworkError):
            if attempt == attempts:
                raise
            await asyncio.sleep(backoff(attempt, base_delay, max_delay))
    raise AssertionError("unreachable")


def classify(error: BaseException) -> Verdict | None:
    """The send queue's verdict on an aiogram error (None: the common rules decide).

    Telegram's own classes (core.telegram.org/bots/api#making-requests, aiogram.exceptions):
    429 carries `retry_after` for this chat (other chats go on); 5xx passes; aiogram wraps
    network failures in TelegramNetworkError, and a timeout as "Request timeout error" (the
    request left: Telegram may have the message). Any other API error (400 chat not found,
    message too long; 401 bad token; 403 blocked by the user) will not pass by retrying.
    """
    if isinstance(error, TelegramRetryAfter):
        return Retry(f"429, retry after {error.retry_after}s", float(error.retry_after))
    if isinstance(error, TelegramServerError):
        return Retry(str(error))
    if isinstance(error, TelegramNetworkError):
        if "timeout" in error.message.lower():
            return Uncertain(str(error))
        return Retry(str(error))
    if isinstance(error, TelegramForbiddenError):  # 403: blocked by the user, kicked
        return Fail(RecipientRefused(str(error)))
    if isinstance(error, TelegramAPIError):
        return Fail(DeliveryError(str(error)))
    return None


class SendQueue(sending.SendQueue):
    """The shared send queue with Telegram's error classification and settings.

    Telegram's limits (core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-
    this): about 30 messages a second overall, one a second in a chat (short bursts allowed),
    20 a minute in a group; edits count like messages, so they go through the chat's allowance.
    """

    def __init__(
        self,
        *,
        global_rate: float = 30.0,
        chat_rate: float = 1.0,
        chat_burst: int = 3,
        group_limit: int = 20,
        group_window: float = 60.0,
        retry_base_delay: float = 0.5,
        retry_max_delay: float = 30.0,
        share: sending.Share | None = None,
    ) -> None:
        policy = sending.SendPolicy(
            global_rate=global_rate,
            chat_rate=chat_rate,
            chat_burst=chat_burst,
            group_limit=group_limit,
            group_window=group_window,
            retry_base=retry_base_delay,
            retry_max=retry_max_delay,
        )
        super().__init__(classify, policy, name="telegram", share=share)

    @classmethod
    def configured(cls, config: TelegramConfig, share: sending.Share | None) -> SendQueue:
        """The queue of a connector's settings; `share`: this process's part of the bot-wide
        rate (`ConnectorContext.rate_share`, several worker processes), None for all of it."""
        return cls(
            global_rate=config.global_rate,
            chat_rate=config.chat_rate,
            chat_burst=config.chat_burst,
            group_limit=config.group_limit,
            group_window=config.group_window,
            retry_base_delay=config.retry_base_delay,
            retry_max_delay=config.retry_max_delay,
            share=share,
        )

    def is_group(self, chat_id: str) -> bool:
        """Groups, supergroups and channels have negative ids (Bot API, Chat.id); Telegram
        allows a bot 20 messages a minute in one group (Bot FAQ, "My bot is hitting limits")."""
        return chat_id.startswith("-")
