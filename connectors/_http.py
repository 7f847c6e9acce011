"""Plumbing shared by the HTTP connectors: a paced send queue, JSON calls, downloads.

`SendQueue` delivers outgoing messages at a bounded rate (globally and per chat), keeps the
order within a chat, retries what may succeed later (network errors, timeouts, 5xx, rate
limits) with exponential backoff, and never drops a message silently: each submission has a
future that ends with success or a `DeliveryError`, and `stop()` drains what is queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import random
import uuid
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from connectors.base import (
    Capabilities,
    DeliveryError,
    Handler,
    Incoming,
    Outgoing,
    render_plain,
    split_text,
)
from connectors.pacing import TokenBucket

log = logging.getLogger(__name__)

SORRY_TEXT = {
    "vi": (
        "Xin lỗi, hệ thống đang gặp trục trặc nên chưa xử lý được tin nhắn của bạn. "
        "Bạn vui lòng gửi lại sau ít phút."
    ),
    "en": "Sorry, something went wrong with your message. Please send it again in a few minutes.",
}


class RetryableError(Exception):
    """A call failed for a reason that may pass: network, timeout, server error, rate limit.

    `retry_after` is the wait the server asked for, if any; `rate_limited` pauses every
    chat, not only the one that hit the limit.
    """

    def __init__(
        self, reason: str, *, retry_after: float | None = None, rate_limited: bool = False
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.rate_limited = rate_limited


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to wait between attempts, and when to give up (None: keep trying)."""

    base_delay: float = 0.5
    max_delay: float = 30.0
    max_attempts: int | None = None

    def delay(self, attempt: int) -> float:
        """Exponential backoff with jitter for the given attempt number (0 = first retry)."""
        raw = min(self.max_delay, self.base_delay * (2 ** min(attempt, 20)))
        return raw * (0.75 + random.random() / 2)


@dataclass(slots=True)
class _Job:
    item: Any
    future: asyncio.Future[None]
    attempts: int = 0


@dataclass(slots=True)
class _Chat:
    jobs: deque[_Job] = field(default_factory=deque)
    bucket: TokenBucket | None = None
    worker: asyncio.Task[None] | None = None


class SendQueue:
    """A paced, ordered, retrying queue of outgoing calls.

    `send(item)` performs one call; it raises `RetryableError` (or an aiohttp error or a
    timeout) to be retried, `DeliveryError` to fail the item for good.
    """

    def __init__(
        self,
        send: Callable[[Any], Awaitable[None]],
        *,
        global_rate: float = 5.0,
        per_chat_rate: float = 1.0,
        burst: float = 3.0,
        policy: RetryPolicy | None = None,
        name: str = "send",
    ) -> None:
        self._send = send
        self._global = TokenBucket(global_rate, burst=max(burst, global_rate))
        self._per_chat_rate = per_chat_rate
        self._burst = burst
        self._policy = policy or RetryPolicy()
        self._name = name
        self._chats: dict[str, _Chat] = {}
        self._paused_until = 0.0

    def submit(self, chat_id: str, item: Any) -> asyncio.Future[None]:
        """Queue one call for a chat; the future ends when it is delivered or given up."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        # Mark failures as retrieved: replies are fire-and-forget, reminders await them.
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(
                bucket=TokenBucket(self._per_chat_rate, burst=self._burst)
            )
        chat.jobs.append(_Job(item, future))
        if chat.worker is None:
            chat.worker = asyncio.create_task(self._run(chat_id, chat))
        return future

    def pending(self) -> int:
        """How many calls are queued or in flight."""
        return sum(len(chat.jobs) for chat in self._chats.values())

    async def join(self, timeout: float | None = None) -> bool:
        """Wait until everything queued is delivered or given up; False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            workers = [c.worker for c in self._chats.values() if c.worker is not None]
            if not workers:
                return True
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            await asyncio.wait(workers, timeout=remaining)

    async def stop(self, timeout: float = 30.0) -> None:
        """Drain the queue; what is still unsent after `timeout` fails with DeliveryError."""
        if await self.join(timeout):
            return
        left = self.pending()
        log.error("%s queue: %d message(s) still unsent at shutdown", self._name, left)
        for chat in list(self._chats.values()):
            if chat.worker is not None:
                chat.worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await chat.worker
            while chat.jobs:
                job = chat.jobs.popleft()
                if not job.future.done():
                    job.future.set_exception(DeliveryError("stopped before delivery"))
        self._chats.clear()

    async def _run(self, chat_id: str, chat: _Chat) -> None:
        try:
            while chat.jobs:
                await self._deliver(chat_id, chat, chat.jobs[0])
                chat.jobs.popleft()
        finally:
            chat.worker = None
            if not chat.jobs and self._chats.get(chat_id) is chat:
                del self._chats[chat_id]

    async def _deliver(self, chat_id: str, chat: _Chat, job: _Job) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if chat.bucket is not None:
                await chat.bucket.acquire()
            await self._global.acquire()
            pause = self._paused_until - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
            retry_after: float | None = None
            try:
                await self._send(job.item)
            except RetryableError as exc:
                reason, retry_after = str(exc), exc.retry_after
                if exc.rate_limited and retry_after:
                    self._paused_until = max(self._paused_until, loop.time() + retry_after)
            except (TimeoutError, aiohttp.ClientError) as exc:
                reason = f"{type(exc).__name__}: {exc}"
            except DeliveryError as exc:
                log.warning("%s to chat %s not delivered: %s", self._name, chat_id, exc)
                job.future.set_exception(exc)
                return
            except Exception as exc:
                log.exception("%s to chat %s failed unexpectedly", self._name, chat_id)
                job.future.set_exception(DeliveryError(f"unexpected error: {type(exc).__name__}"))
                return
            else:
                job.future.set_result(None)
                return
            job.attempts += 1
            limit = self._policy.max_attempts
            if limit is not None and job.attempts >= limit:
                log.error(
                    "%s to chat %s given up after %d attempts: %s",
                    self._name,
                    chat_id,
                    job.attempts,
                    reason,
                )
                job.future.set_exception(
                    DeliveryError(f"gave up after {job.attempts} attempts: {reason}")
                )
                return
            delay = retry_after if retry_after is not None else self._policy.delay(job.attempts)
            log.warning(
                "%s to chat %s failed (attempt %d), retrying in %.2fs: %s",
                self._name,
                chat_id,
                job.attempts,
                delay,
                reason,
            )
            await asyncio.sleep(delay)


def parse_rate(value: str | None, default: tuple[float, float]) -> tuple[float, float]:
    """Read "GLOBAL" or "GLOBAL,PER_CHAT" (messages per second) from a setting."""
    if value is None or not value.strip():
        return default
    parts = [p.strip() for p in value.replace("/", ",").split(",") if p.strip()]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(
            f"rate setting {value!r} must be 'GLOBAL' or 'GLOBAL,PER_CHAT' in messages/second"
        ) from None
    if not numbers or len(numbers) > 2 or any(n <= 0 for n in numbers):
        raise ValueError(f"rate setting {value!r} must hold one or two positive numbers")
    return numbers[0], numbers[1] if len(numbers) == 2 else min(default[1], numbers[0])


def setting(
    env: Mapping[str, str], config: Mapping[str, Any], var: str, key: str, default: Any = None
) -> Any:
    """A value from the connector's config table, else the environment, else the default."""
    if key in config and config[key] is not None:
        return config[key]
    value = env.get(var)
    return value if value not in (None, "") else default


async def read_json(response: aiohttp.ClientResponse) -> Any:
    """The JSON body of a response, or None when it is not JSON."""
    try:
        return await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return None


_EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
}


async def download(
    session: aiohttp.ClientSession,
    url: str,
    directory: Path,
    *,
    timeout: float = 30.0,
    max_bytes: int = 20 * 1024 * 1024,
) -> tuple[Path, int, str | None]:
    """Download a URL into `directory` under a fresh name; return (path, size, mime type).

    The file appears complete or not at all (written aside, then renamed).
    """
    directory.mkdir(parents=True, exist_ok=True)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with session.get(url, timeout=client_timeout) as response:
        if response.status != 200:
            raise RetryableError(f"download answered HTTP {response.status}")
        mime = response.content_type or None
        suffix = _EXTENSIONS.get(mime or "") or mimetypes.guess_extension(mime or "") or ""
        if not suffix:
            suffix = Path(response.url.path).suffix[:8]
        target = directory / f"{uuid.uuid4().hex}{suffix}"
        partial = target.with_name(target.name + ".part")
        size = 0
        try:
            with partial.open("wb") as out:
                async for chunk in response.content.iter_chunked(64 * 1024):
                    size += len(chunk)
                    if size > max_bytes:
                        raise DeliveryError(f"file larger than {max_bytes} bytes")
                    out.write(chunk)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return target, size, mime


async def run_handler(handler: Handler, incoming: Incoming) -> Sequence[Outgoing]:
    """Call the application's handler; on an exception log it and answer a polite apology."""
    try:
        return await handler(incoming)
    except Exception:
        log.exception(
            "handler failed on %s update %s from user %s",
            incoming.platform,
            incoming.update_id,
            incoming.user_id,
        )
        language = "en" if (incoming.language_code or "").startswith("en") else "vi"
        return [Outgoing(text=SORRY_TEXT[language])]


def render_texts(message: Outgoing, capabilities: Capabilities) -> list[str]:
    """A message as plain text pieces within the platform's length limit (none empty)."""
    text = render_plain(message, capabilities)
    if not text.strip():
        return []
    return [piece for piece in split_text(text, capabilities.max_text_length) if piece.strip()]


class ChatLocks:
    """One lock per chat, so a chat's messages are handled (and answered) in order."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, chat_id: str) -> AsyncIterator[None]:
        """Hold the chat's lock; locks nobody waits for are forgotten."""
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users <= 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)
