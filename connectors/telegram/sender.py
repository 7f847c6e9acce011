"""The send queue: Telegram's rate limits, retries, FIFO order per chat, nothing dropped.

Every call that puts something in a chat (send, edit) goes through `SendQueue.submit`. Each chat
has its own FIFO and one worker, so messages arrive in the order they were queued. A global
limiter spaces calls to `global_rate` per second; a per-chat token bucket allows `chat_rate`
messages per second with short bursts. A 429 waits `retry_after` and retries the same call; a 5xx
or a network error (timeouts included) retries with exponential backoff. Only an answer that
retrying cannot change (400, 403: blocked by the user) gives up, as `DeliveryError`.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from connectors.base import DeliveryError
from connectors.pacing import Pacer, TokenBucket

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


@dataclass
class _Job:
    call: Call
    counts: bool
    future: asyncio.Future[Any]
    attempts: int = 0


@dataclass
class _Chat:
    jobs: deque[_Job] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None


class SendQueue:
    """Rate-limited, retrying, per-chat FIFO delivery of Bot API calls."""

    def __init__(
        self,
        *,
        global_rate: float = 30.0,
        chat_rate: float = 1.0,
        chat_burst: int = 3,
        retry_base_delay: float = 0.5,
        retry_max_delay: float = 30.0,
    ) -> None:
        self._global = Pacer(global_rate)
        self._chat_rate = chat_rate
        self._chat_burst = chat_burst
        self._base = retry_base_delay
        self._cap = retry_max_delay
        self._chats: dict[str, _Chat] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self._closed = False

    def submit(self, chat_id: str, call: Call, *, counts: bool = True) -> asyncio.Future[Any]:
        """Queue a call for a chat; the future holds its result or a `DeliveryError`.

        `counts` says whether the call uses the chat's message allowance (sending does; edits
        and chat actions only go through the global limiter and the chat's FIFO).
        """
        if self._closed:
            raise DeliveryError("the Telegram send queue is stopped")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
        chat.jobs.append(_Job(call, counts, future))
        if chat.worker is None:
            self._idle.clear()
            chat.worker = asyncio.create_task(self._work(chat_id, chat))
        return future

    @property
    def pending(self) -> int:
        """How many calls are queued or in flight."""
        return sum(len(chat.jobs) for chat in self._chats.values())

    async def _work(self, chat_id: str, chat: _Chat) -> None:
        try:
            while chat.jobs:
                job = chat.jobs[0]
                if job.future.cancelled():
                    chat.jobs.popleft()
                    continue
                if job.counts:
                    await self._bucket(chat_id).acquire()
                await self._global.acquire()
                outcome = await self._attempt(chat_id, job)
                if outcome:
                    chat.jobs.popleft()
        finally:
            chat.worker = None
            if not chat.jobs:
                self._chats.pop(chat_id, None)
            if not self._chats:
                self._idle.set()

    def _bucket(self, chat_id: str) -> TokenBucket:
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= 4096:
                # A full bucket is the same as a new one, so those can be forgotten.
                now = asyncio.get_running_loop().time()
                self._buckets = {k: b for k, b in self._buckets.items() if not b.full(now)}
            bucket = self._buckets[chat_id] = TokenBucket(self._chat_rate, self._chat_burst)
        return bucket

    async def _attempt(self, chat_id: str, job: _Job) -> bool:
        """Try a job once; True when it is finished (delivered or given up)."""
        job.attempts += 1
        try:
            result = await job.call()
        except TelegramRetryAfter as error:
            log.warning("telegram 429 for chat %s: waiting %ss", chat_id, error.retry_after)
            await asyncio.sleep(error.retry_after)
            return False
        except (TelegramServerError, TelegramNetworkError) as error:
            delay = backoff(job.attempts, self._base, self._cap)
            log.warning("telegram send failed (%s), retry in %.1fs", error, delay)
            await asyncio.sleep(delay)
            return False
        except TelegramAPIError as error:
            log.error("telegram refused a message for chat %s: %s", chat_id, error)
            _finish(job.future, exception=DeliveryError(str(error)))
            return True
        except Exception as error:
            log.exception("unexpected error sending to chat %s", chat_id)
            _finish(job.future, exception=DeliveryError(repr(error)))
            return True
        _finish(job.future, result=result)
        return True

    async def drain(self, timeout: float) -> bool:
        """Wait until everything queued is delivered; False if `timeout` passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self, timeout: float) -> None:
        """Refuse new calls, deliver what is queued, then give up on what is left."""
        self._closed = True
        if await self.drain(timeout):
            return
        left = self.pending
        log.error("telegram: %d message(s) still undelivered at shutdown", left)
        for chat in list(self._chats.values()):
            if chat.worker is not None:
                chat.worker.cancel()
            for job in chat.jobs:
                _finish(job.future, exception=DeliveryError("not delivered before shutdown"))
            chat.jobs.clear()
        self._chats.clear()
        self._idle.set()


def _finish(
    future: asyncio.Future[Any], *, result: Any = None, exception: BaseException | None = None
) -> None:
    if future.done():
        return
    if exception is not None:
        future.set_exception(exception)
    else:
        future.set_result(result)
