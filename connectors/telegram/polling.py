"""Long polling: getUpdates in a loop, each batch handled before its updates are confirmed.

The answer of getUpdates is read raw and each update validated alone (`decode.UpdateReader`),
so one update aiogram cannot read never blocks the others. The loop runs under a supervisor:
if it dies of anything unforeseen it is logged and restarted with backoff, and `healthy` says
whether updates are coming in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramRetryAfter
from aiogram.types import Update

from connectors.base import NotAccepted
from connectors.telegram.client import GetRawUpdates
from connectors.telegram.decode import UpdateReader, update_id_of
from connectors.telegram.sender import backoff
from connectors.telegram.updates import ALLOWED_UPDATES, chat_key

log = logging.getLogger(__name__)

Process = Callable[[Update], Awaitable[None]]
UNHEALTHY_AFTER = 3  # consecutive failed getUpdates calls before the poller is unhealthy


class Poller:
    """Fetches updates and hands them to `process`: chats in parallel, each chat in order.

    The offset that confirms a batch to Telegram is sent only with the next request, after the
    batch was handled, so a crash redelivers it (the application ignores repeated updates).
    An update the application refuses (`NotAccepted`: it could not be stored) is not confirmed:
    the offset stops before it, the rest of its chat waits (order kept) and the next request
    comes after a backoff, so Telegram hands it over again once the database is back.
    """

    def __init__(
        self,
        bot: Bot,
        process: Process,
        reader: UpdateReader,
        *,
        timeout: int = 25,
        retry_base_delay: float = 0.5,
        retry_max_delay: float = 30.0,
        on_health: Callable[[bool], None] | None = None,
    ) -> None:
        self.bot = bot
        # Told when getUpdates starts or stops failing (first answer included): the
        # connector records it where `reportbot status` reads (`watch.WarningRecord`).
        self.on_health = on_health
        self._reported: bool | None = None
        self.process = process
        self.reader = reader
        self.timeout = timeout
        self.base_delay = retry_base_delay
        self.max_delay = retry_max_delay
        self.offset: int | None = None
        self.restarts = 0
        self.failures = 0  # consecutive failed getUpdates calls
        self.last_error: str | None = None
        self.last_poll: float | None = None  # monotonic time of the last answered getUpdates
        self._confirmed: int | None = None
        self.refusals = 0  # consecutive batches with an update the application refused
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the supervised polling task."""
        self._task = asyncio.create_task(self._supervise(), name="telegram-polling")

    async def stop(self) -> None:
        """Stop fetching, finish the batch in hand and confirm it to Telegram."""
        self._stopping.set()
        if self._task is not None:
            await self._task
        if self.offset is not None and self.offset != self._confirmed:
            # Read raw: the next update waiting may be one aiogram cannot read.
            confirm = GetRawUpdates(offset=self.offset, timeout=0, limit=1)
            try:
                await self.bot(confirm)
            except Exception as error:  # stopping must not fail on a last confirmation
                log.info("telegram: could not confirm the last updates: %s", error)

    @property
    def healthy(self) -> bool:
        """True while the loop runs and getUpdates answers (a few failures in a row: False)."""
        running = self._task is not None and not self._task.done()
        return running and self.failures < UNHEALTHY_AFTER

    def health(self) -> dict[str, Any]:
        """Figures for /healthz: running, restarts, failures in a row, last error, last poll."""
        age = None if self.last_poll is None else round(time.monotonic() - self.last_poll, 1)
        return {
            "healthy": self.healthy,
            "restarts": self.restarts,
            "failures": self.failures,
            "last_error": self.last_error,
            "seconds_since_poll": age,
            "faulty_updates": self.reader.faulty,
            "skipped_updates": self.reader.skipped,
        }

    def _note_health(self) -> None:
        """Tell `on_health` when polling turned healthy or unhealthy (not on every call)."""
        healthy = self.failures < UNHEALTHY_AFTER
        if healthy != self._reported and self.on_health is not None:
            self._reported = healthy
            self.on_health(healthy)

    async def _supervise(self) -> None:
        """Run the loop; restart it with backoff if it ever dies of something unforeseen."""
        while not self._stopping.is_set():
            try:
                await self._run()
            except Exception as error:  # the loop must outlive any bug: log it and go on
                self.restarts += 1
                self.failures += 1
                self.last_error = type(error).__name__
                self._note_health()
                delay = backoff(self.restarts, self.base_delay, self.max_delay)
                log.exception("telegram: the polling loop failed; restart in %.1fs", delay)
                await self._pause(delay)

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                raw = await self._fetch()
            except TelegramRetryAfter as error:
                await self._pause(error.retry_after)
                continue
            except (TelegramAPIError, ClientDecodeError) as error:
                # ClientDecodeError: an HTML error page (Telegram's nginx on a 502) for JSON.
                self.failures += 1
                self.last_error = " ".join(str(error).split())[:200]
                self._note_health()
                delay = backoff(self.failures, self.base_delay, self.max_delay)
                log.warning(
                    "telegram: getUpdates failed (%s), retry in %.1fs", self.last_error, delay
                )
                await self._pause(delay)
                continue
            if raw is None:
                break
            self.failures = 0
            self.last_poll = time.monotonic()
            self._note_health()
            self._confirmed = self.offset
            if raw and not await self._handle_batch(raw):
                self.refusals += 1
                await self._pause(backoff(self.refusals, self.base_delay, self.max_delay))
            elif raw:
                self.refusals = 0

    async def _fetch(self) -> list[Any] | None:
        """One getUpdates call, its result raw; None when stop() interrupted it."""
        method = GetRawUpdates(
            offset=self.offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
        )
        fetch = asyncio.ensure_future(self.bot(method, request_timeout=self.timeout + 10))
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return None
        result = fetch.result()
        return list(result) if isinstance(result, list) else []

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _handle_batch(self, raw: list[Any]) -> bool:
        """Read and handle a batch, then move the offset past what the application took.

        Returns False when an update was refused (the offset then stops before it).
        """
        by_chat: dict[str | None, list[Update]] = {}
        for data in raw:
            update = self.reader.read(data)
            if update is not None:
                by_chat.setdefault(chat_key(update), []).append(update)
        refused = await asyncio.gather(*(self._in_order(group) for group in by_chat.values()))
        first_refused = min((r for r in refused if r is not None), default=None)
        ids = [update_id for update_id in map(update_id_of, raw) if update_id is not None]
        if first_refused is not None:
            # Updates of other chats after it come again; the inbox drops the handled ones.
            self.offset = max(first_refused, self.offset or 0)
            return False
        if ids:
            self.offset = max(max(ids) + 1, self.offset or 0)
        return True

    async def _in_order(self, updates: list[Update]) -> int | None:
        """Handle one chat's updates in order; the id of the first refused one, if any."""
        for update in updates:
            try:
                await self.process(update)
            except NotAccepted as error:
                log.warning("telegram: update %s not accepted (%s)", update.update_id, error)
                return update.update_id
            except Exception:  # process() never raises; if it does, the others still go on
                log.exception("telegram: update %s failed", update.update_id)
        return None
