"""Telling the bot that a step's replies reached the platform (`Outgoing.receipt`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from connectors.base import Outgoing

log = logging.getLogger(__name__)


def confirm_when_sent(
    futures: Sequence[asyncio.Future[Any]],
    messages: Sequence[Outgoing],
    delivered: Callable[[str], Awaitable[None]] | None,
) -> None:
    """Tell the bot once the platform accepted the last of these messages.

    The bot keeps a step's replies until then (`Outgoing.receipt`, set on the last reply) and
    sends them again if no confirmation comes. A chat's queue sends in order, so the last
    future succeeding means the platform has them all.
    """
    receipts = [m.receipt for m in messages if m.receipt]
    if delivered is None or not receipts or not futures:
        return
    receipt = receipts[-1]

    def done(sent: asyncio.Future[Any]) -> None:
        if sent.cancelled() or sent.exception() is not None:
            return  # kept by the bot: sent again later
        task = asyncio.ensure_future(delivered(receipt))
        _CONFIRMING.add(task)
        task.add_done_callback(_confirmed)

    futures[-1].add_done_callback(done)


_CONFIRMING: set[asyncio.Future[Any]] = set()


def _confirmed(task: asyncio.Future[Any]) -> None:
    _CONFIRMING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.warning("could not record a delivery: %s", task.exception())
