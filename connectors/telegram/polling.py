"""Long polling: getUpdates in a loop, each batch handled before its updates are confirmed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.types import Update

from connectors.telegram.sender import backoff
from connectors.telegram.updates import ALLOWED_UPDATES, chat_key

log = logging.getLogger(__name__)

Process = Callable[[Update], Awaitable[None]]


class Poller:
    """Fetches updates and hands them to `process`: chats in parallel, each chat in order.

    The offset that confirms a batch to Telegram is sent only with the next request, after the
    batch was handled, so a crash redelivers it (the application ignores repeated updates).
    """

    def __init__(
        self,
        bot: Bot,
        process: Process,
        *,
        timeout: int = 25,
        retry_base_delay: float = 0.5,
        retry_max_delay: float = 30.0,
    ) -> None:
        self.bot = bot
        self.process = process
        self.timeout = timeout
        self.base_delay = retry_base_delay
        self.max_delay = retry_max_delay
        self.offset: int | None = None
        self._confirmed: int | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the polling task."""
        self._task = asyncio.create_task(self._run(), name="telegram-polling")

    async def stop(self) -> None:
        """Stop fetching, finish the batch in hand and confirm it to Telegram."""
        self._stopping.set()
        if self._task is not None:
            await self._task
        if self.offset is not None and self.offset != self._confirmed:
            try:
                await self.bot.get_updates(offset=self.offset, timeout=0, limit=1)
            except TelegramAPIError as error:
                log.info("telegram: could not confirm the last updates: %s", error)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                updates = await self._fetch()
            except TelegramRetryAfter as error:
                await self._pause(error.retry_after)
                continue
            except TelegramAPIError as error:
                failures += 1
                delay = backoff(failures, self.base_delay, self.max_delay)
                log.warning("telegram: getUpdates failed (%s), retry in %.1fs", error, delay)
                await self._pause(delay)
                continue
            if updates is None:
                break
            failures = 0
            self._confirmed = self.offset
            if updates:
                await self._handle_batch(updates)
                self.offset = updates[-1].update_id + 1

    async def _fetch(self) -> list[Update] | None:
        """One getUpdates call; None when stop() interrupted it."""
        fetch = asyncio.ensure_future(
            self.bot.get_updates(
                offset=self.offset,
                timeout=self.timeout,
                allowed_updates=ALLOWED_UPDATES,
                request_timeout=self.timeout + 10,
            )
        )
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return None
        return fetch.result()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _handle_batch(self, updates: list[Update]) -> None:
        by_chat: dict[str | None, list[Update]] = {}
        for update in updates:
            by_chat.setdefault(chat_key(update), []).append(update)
        await asyncio.gather(*(self._in_order(group) for group in by_chat.values()))

    async def _in_order(self, updates: list[Update]) -> None:
        for update in updates:
            await self.process(update)
