"""Webhook updates answered from the durable inbox: stored, answered, handled afterwards.

A mixin of `TelegramConnector` (kept apart so each module stays small). Before this, the
webhook answered Telegram only once the update was handled: the chat's lock, the step's
commit in the group writer, the replies queued. Its answer time was the step's time (in-bot
p50 40-75 ms, p99 0.5-1.3 s in the webhook benchmark), ten times the Zalo connectors', which
store the update (`ConnectorContext.accept`) and answer at once.

Now an update whose Incoming is known on arrival (a lone message, an edit, a button choice)
is stored first, answered 200, and handled afterwards as the Incoming stored (read once: a
crash between the answer and the handling replays the very same message). Whether a message
is handled alone is `intake._group_of`'s answer on arrival. The others are handled before
the answer, as before: a photo of an album or a text that may join a paste (their Incoming
is made of several updates, so no single one can be stored as it will be handled), a "done"
of a multi-select keyboard (its choices are the ticks of the presses before it), presses
that only tick a box. Every update of a chat is handled in arrival order: its task takes the
chat's lock before anything else (the lock wakes its waiters first come, first served) and
then waits until the update is stored.

Without `accept` (no database) every update is handled before the answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiogram.types import Update

from connectors.base import Incoming, NotAccepted
from connectors.telegram import keyboards
from connectors.telegram.locks import ChatLocks
from connectors.telegram.updates import callback_incoming, chat_key

log = logging.getLogger(__name__)


class ArrivalsMixin:
    """Webhook intake for the connector; needs the attributes declared below."""

    _accept_update: Callable[[Incoming], Awaitable[None]] | None
    _stopped: bool
    _arrivals: set[asyncio.Task[None]]
    _unsettled: dict[str, int]  # chats with an update handled before its answer, in hand
    _locks: ChatLocks
    _group_of: Callable[..., str | None]
    _incoming_of: Callable[..., Incoming | None]
    _process_held: Callable[[Update, str, Incoming | None], Awaitable[None]]

    async def take_in(self, update: Update) -> None:
        """Return once the webhook may answer 200: the update is stored (and is handled
        afterwards) or, when it cannot be stored alone, handled.

        Raises NotAccepted when it could not be stored: the webhook answers 503, Telegram
        sends it again.
        """
        if self._stopped:
            # Read while stop() began: not taken in, or it would be handled as the send
            # queue closes. Telegram sends it again to the next run.
            raise NotAccepted("telegram: stopping")
        key = chat_key(update)
        if key is None:
            return
        storable = self._storable(update, key) if self._accept_update is not None else None
        ready = asyncio.get_running_loop().create_future()
        task = self._in_order(update, key, ready, storable)
        if storable is None:
            ready.set_result(True)
            # Shielded: a caller hanging up must not cut the handling half-way.
            await asyncio.shield(task)
            return
        try:
            assert self._accept_update is not None
            await self._accept_update(storable)
        except BaseException:
            ready.set_result(False)  # not stored: not handled either; Telegram sends it again
            raise
        ready.set_result(True)

    def _in_order(
        self, update: Update, key: str, ready: asyncio.Future[bool], stored: Incoming | None
    ) -> asyncio.Task[None]:
        """The update's handling, queued now on its chat's lock (arrival order); an update
        stored on arrival is handled as the Incoming stored (one reading, one `received_at`)."""
        early = stored is not None
        if not early:
            self._unsettled[key] = self._unsettled.get(key, 0) + 1

        async def run() -> None:
            try:
                async with self._locks.hold(key):
                    if await ready:
                        await self._process_held(update, key, stored)
            except NotAccepted:
                if not early:
                    raise  # the webhook answers 503
                # Stored already: it stays pending and is handled at the next start.
                log.warning("telegram: stored update %s not handled now", update.update_id)
            finally:
                if not early:
                    self._unsettled[key] -= 1
                    if not self._unsettled[key]:
                        del self._unsettled[key]

        task = asyncio.create_task(run(), name=f"telegram-update-{update.update_id}")
        self._arrivals.add(task)
        task.add_done_callback(self._arrivals.discard)
        return task

    async def finish_arrivals(self) -> None:
        """Wait for the updates taken in to be handled (at stop, and to settle)."""
        while self._arrivals:
            await asyncio.gather(*self._arrivals, return_exceptions=True)

    def _storable(self, update: Update, key: str) -> Incoming | None:
        """The Incoming the handler will get for this update alone, or None when it cannot be
        known on arrival (the update is then handled before the answer)."""
        if update.message is not None:
            message = update.message
            if self._group_of(key, message, arriving=True) is not None:
                return None
            return self._incoming_of([(update, message)])
        if update.edited_message is not None:
            return self._incoming_of([(update, update.edited_message)], edited=True)
        query = update.callback_query
        press = keyboards.decode(query.data) if query is not None else None
        if query is None or press is None or press.kind != keyboards.CHOICE:
            return None  # a tick or a "done": known only once the presses before it are
        return callback_incoming(
            update, query, reply_to_question=press.question, choice=press.payload
        )
