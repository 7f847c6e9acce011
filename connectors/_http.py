"""Plumbing shared by the HTTP connectors: settings, JSON answers, downloads, chat locks.

Sending goes through the one send queue of every connector, `connectors.sending.SendQueue`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
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
from connectors.sending import AnswerTimeout as AnswerTimeout
from connectors.sending import RetryableError as RetryableError

log = logging.getLogger(__name__)

SORRY_TEXT = {
    "vi": (
        "Xin lỗi, hệ thống đang gặp trục trặc nên chưa xử lý được tin nhắn của bạn. "
        "Bạn vui lòng gửi lại sau ít phút."
    ),
    "en": "Sorry, something went wrong with your message. Please send it again in a few minutes.",
}


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
