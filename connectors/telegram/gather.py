"""Messages that belong together, held for a short window and handled as one.

Telegram delivers a photo album as one message per photo (sharing `media_group_id`), and a
client splits a paste longer than 4,096 characters into several messages sent a moment apart.
The connector holds such messages here, per chat and group, until the group is complete (the
window passes with nothing new, or the connector sees the end) and then handles them as one.

Holding never blocks intake: `hold` returns at once, the window runs in its own task, and the
flush happens under the chat's lock, so the chat's order is kept. Anything else arriving in
the chat first flushes what is held (`flush_chat`), so the group is answered before it.
A crash inside the window loses what is held (its updates were already confirmed): at most one
paste or album per chat, within `window` seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from aiogram.types import Message, Update

log = logging.getLogger(__name__)


@dataclass
class Batch:
    """Messages of one group in one chat, oldest first."""

    chat: str
    group: str  # "paste" or "album:<media_group_id>"
    items: list[tuple[Update, Message]] = field(default_factory=list)
    timer: asyncio.Task[None] | None = None


Flush = Callable[[Batch], Awaitable[None]]
Lock = Callable[[str], AbstractAsyncContextManager[None]]


class Gatherer:
    """Holds groups of messages per chat for `window` seconds after the last one."""

    def __init__(self, flush: Flush, lock: Lock) -> None:
        self._flush = flush
        self._lock = lock
        self._batches: dict[tuple[str, str], Batch] = {}
        self._idle = asyncio.Event()
        self._idle.set()

    def held(self, chat: str, group: str) -> Batch | None:
        """The batch held for a chat and group, if any."""
        return self._batches.get((chat, group))

    def groups(self, chat: str) -> list[str]:
        """The groups held for a chat."""
        return [group for (held_chat, group) in self._batches if held_chat == chat]

    def hold(self, chat: str, group: str, update: Update, message: Message, window: float) -> Batch:
        """Add a message to its batch and (re)start the batch's window."""
        batch = self._batches.get((chat, group))
        if batch is None:
            batch = self._batches[(chat, group)] = Batch(chat, group)
            self._idle.clear()
        batch.items.append((update, message))
        if batch.timer is not None:
            batch.timer.cancel()
        batch.timer = asyncio.create_task(self._expire(batch, window), name=f"gather-{group}")
        return batch

    def take(self, chat: str, group: str) -> Batch | None:
        """Remove a batch (its window stops); the caller handles it."""
        batch = self._batches.pop((chat, group), None)
        timer = batch.timer if batch is not None else None
        if timer is not None and timer is not asyncio.current_task():
            timer.cancel()
        if not self._batches:
            self._idle.set()
        return batch

    async def flush_chat(self, chat: str, keep: str | None = None) -> None:
        """Handle every batch of a chat but `keep`; the caller holds the chat's lock."""
        for group in self.groups(chat):
            if group != keep:
                batch = self.take(chat, group)
                if batch is not None:
                    await self._handle(batch)

    async def flush_all(self) -> None:
        """Handle everything held (at stop), each chat under its lock."""
        for chat in {chat for chat, _ in list(self._batches)}:
            async with self._lock(chat):
                await self.flush_chat(chat)

    async def wait_idle(self) -> None:
        """Wait until nothing is held."""
        await self._idle.wait()

    async def _expire(self, batch: Batch, window: float) -> None:
        await asyncio.sleep(window)
        async with self._lock(batch.chat):
            if self._batches.get((batch.chat, batch.group)) is not batch:
                return  # already handled by someone who saw the group end
            self.take(batch.chat, batch.group)
            await self._handle(batch)

    async def _handle(self, batch: Batch) -> None:
        try:
            await self._flush(batch)
        except Exception:  # a failed group must not stop the window tasks of others
            log.exception("telegram: handling held messages of chat %s failed", batch.chat)
