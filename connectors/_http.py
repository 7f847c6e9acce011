"""Plumbing shared by the HTTP connectors: settings, JSON answers, downloads, chat locks.

Sending goes through the one send queue of every connector, `connectors.sending.SendQueue`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import mimetypes
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from connectors.base import (
    Capabilities,
    ConnectorStartError,
    DeliveryError,
    Handler,
    Incoming,
    NotAccepted,
    Outgoing,
    render_plain,
)
from connectors.sending import AnswerTimeout as AnswerTimeout
from connectors.sending import RetryableError as RetryableError
from connectors.text_split import split_text

log = logging.getLogger(__name__)

SORRY_TEXT = {
    "vi": (
        "Xin lỗi, hệ thống đang gặp trục trặc nên chưa xử lý được tin nhắn của bạn. "
        "Bạn vui lòng gửi lại sau ít phút."
    ),
    "en": "Sorry, something went wrong with your message. Please send it again in a few minutes.",
}


def parse_rate(
    value: str | None, default: tuple[float, float], name: str = "rate"
) -> tuple[float, float]:
    """Read "GLOBAL" or "GLOBAL,PER_CHAT" (messages per second) from setting `name`.

    A wrong value is a ConnectorStartError naming the setting and quoting the value.
    """
    if value is None or not value.strip():
        return default
    parts = [p.strip() for p in value.replace("/", ",").split(",") if p.strip()]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if not numbers or len(numbers) > 2 or any(n <= 0 for n in numbers):
        raise ConnectorStartError(
            f"{name}: {value[:40]!r} không hợp lệ, cần một hoặc hai số dương (tin nhắn mỗi "
            "giây: chung, hoặc chung,mỗi cuộc trò chuyện), ví dụ 5,1",
            f"{name}: {value[:40]!r} is not valid, expected one or two positive numbers "
            "(messages per second: global, or global,per chat), e.g. 5,1",
        )
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


async def post_json(
    session: aiohttp.ClientSession,
    url: str,
    what: str,
    detail: Callable[[aiohttp.ClientError], str],
    **kwargs: Any,
) -> tuple[int, Any]:
    """POST and read the answer: (HTTP status, its JSON or None).

    Raises RetryableError when the connection failed (`detail` says how, without secrets), or
    AnswerTimeout when the request went and no answer came: the platform may have acted on
    it, so the send queue decides, not a blind retry.
    """
    try:
        async with session.post(url, **kwargs) as response:
            return response.status, await read_json(response)
    except aiohttp.ConnectionTimeoutError:
        raise RetryableError(f"{what}: connect timeout") from None
    except TimeoutError:
        raise AnswerTimeout(f"{what}: no answer in time") from None
    except aiohttp.ClientError as exc:
        raise RetryableError(f"{what}: {detail(exc)}") from None


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
    except NotAccepted:
        raise  # not stored: the webhook answers 503 so that the platform sends it again
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


MAX_WEBHOOK_BODY = 64 * 1024  # platform events are small: a text of 2,000 characters, some URLs
MAX_JSON_DEPTH = 12  # real events nest 4 deep; deeper is an attack on the parser


class BadBody(Exception):
    """A webhook body that cannot be an event: too large, too deep, not JSON, not an object."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.status = status


async def read_body(request: web.Request, limit: int = MAX_WEBHOOK_BODY) -> bytes:
    """The raw body, refused (413) as soon as it exceeds `limit` bytes, whatever it declares."""
    if request.content_length is not None and request.content_length > limit:
        raise BadBody(f"body of {request.content_length} bytes is over {limit}", 413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16 * 1024):
        size += len(chunk)
        if size > limit:
            raise BadBody(f"body over {limit} bytes", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def json_depth(raw: bytes, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep JSON text nests (stopping early past `limit`), by one pass over the bytes."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x7B, 0x5B):  # { [
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
        elif byte in (0x7D, 0x5D):  # } ]
            depth -= 1
    return deepest


def too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests deeper than `limit`."""
    if raw.count(b"{") + raw.count(b"[") <= limit:
        return False  # fewer brackets than the limit (counted at C speed): the usual case
    return json_depth(raw, limit) > limit


def load_object(raw: bytes, max_depth: int = MAX_JSON_DEPTH) -> dict[str, Any]:
    """A JSON object from a webhook body, bounded in depth; BadBody for anything else."""
    if too_deep(raw, max_depth):
        raise BadBody(f"JSON nested deeper than {max_depth}")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadBody("not JSON") from None
    if not isinstance(value, dict):
        raise BadBody("not a JSON object")
    return value


def valid_id(value: Any, max_length: int = 64) -> bool:
    """Whether a platform id is a plain string or integer of sensible length."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return False
    text = str(value)
    return 0 < len(text) <= max_length and text.isprintable()
