"""Downloading a user's photo or document into a folder the application chose, within a limit.

The connector hands the application lazy attachments (a Telegram file id, no bytes); this
download runs only when the application fetches one (`IntakeMixin.fetch_attachment`), i.e.
once the sender is known and a file is expected from them.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
from pathlib import Path, PurePosixPath

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiohttp import ClientError, ClientResponseError

from connectors.base import Attachment, AttachmentTooLarge
from connectors.telegram.sender import backoff, call_with_retry
from connectors.telegram.updates import FileRef

CHUNK_BYTES = 64 * 1024
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")


async def download(
    bot: Bot,
    ref: FileRef,
    folder: Path,
    max_bytes: int,
    *,
    retry_base_delay: float = 0.5,
) -> Attachment:
    """Fetch a file through getFile into `folder`; raise AttachmentTooLarge if over.

    The sizes Telegram declares are checked first, then the bytes are counted as they arrive
    and the download stops as soon as they pass `max_bytes` (a declared size is a claim, not a
    limit: a proxy or a changed file can send more). Each download gets a fresh random name,
    so deleting the file of one refused answer never removes a file another answer holds.
    """
    if ref.size is not None and ref.size > max_bytes:
        raise AttachmentTooLarge(ref.size, max_bytes)
    try:
        info = await call_with_retry(
            lambda: bot.get_file(ref.file_id),
            attempts=4,
            base_delay=retry_base_delay,
            max_delay=5.0,
        )
    except TelegramBadRequest as error:
        if "too big" in error.message:
            raise AttachmentTooLarge(ref.size, max_bytes) from error
        raise
    size = info.file_size if info.file_size is not None else ref.size
    if size is not None and size > max_bytes:
        raise AttachmentTooLarge(size, max_bytes)
    if not info.file_path:
        raise FileNotFoundError(f"Telegram gave no path for file {ref.file_id}")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (secrets.token_hex(8) + _suffix(ref, info.file_path))
    partial = target.with_name(target.name + ".part")
    await _fetch(bot, info.file_path, partial, max_bytes, retry_base_delay)
    os.replace(partial, target)
    return Attachment(
        kind=ref.kind,
        path=str(target),
        file_id=ref.file_id,
        name=ref.name,
        size=target.stat().st_size,
        mime_type=ref.mime_type or ("image/jpeg" if ref.kind == "photo" else None),
    )


class DownloadFailed(Exception):
    """The file could not be fetched; the message never contains the file URL (it holds the
    bot token)."""


async def _fetch(
    bot: Bot, file_path: str, destination: Path, max_bytes: int, retry_base_delay: float
) -> None:
    """Download with a few retries on network errors and 5xx answers; stop over `max_bytes`."""
    attempts = 3
    for attempt in range(1, attempts + 1):
        try:
            await _stream(bot, file_path, destination, max_bytes)
            return
        except AttachmentTooLarge:
            destination.unlink(missing_ok=True)
            raise
        except ClientResponseError as error:
            failure = f"the file server answered {error.status}"
            if error.status < 500:
                break
        except (ClientError, TimeoutError) as error:
            failure = type(error).__name__
        if attempt < attempts:
            await asyncio.sleep(backoff(attempt, retry_base_delay, 5.0))
    destination.unlink(missing_ok=True)
    raise DownloadFailed(failure)


async def _stream(bot: Bot, file_path: str, destination: Path, max_bytes: int) -> None:
    """Write the file chunk by chunk, counting; AttachmentTooLarge once past the limit."""
    if bot.session.api.is_local:  # a local Bot API server hands out paths, not downloads
        await bot.download_file(file_path, destination=destination)
        if destination.stat().st_size > max_bytes:
            raise AttachmentTooLarge(destination.stat().st_size, max_bytes)
        return
    url = bot.session.api.file_url(bot.token, file_path)
    received = 0
    with destination.open("wb") as output:
        async for chunk in bot.session.stream_content(url=url, chunk_size=CHUNK_BYTES):
            received += len(chunk)
            if received > max_bytes:
                # The true size is unknown (only that it is over): say the limit, not a size.
                raise AttachmentTooLarge(None, max_bytes)
            output.write(chunk)


def _suffix(ref: FileRef, file_path: str) -> str:
    for candidate in (ref.name, file_path):
        if candidate:
            suffix = PurePosixPath(candidate).suffix
            if _SAFE_SUFFIX.match(suffix):
                return suffix.lower()
    return _KIND_SUFFIX.get(ref.mime_type or "", ".jpg" if ref.kind == "photo" else ".bin")


# Voice notes and round videos come without a file name; their path usually has the suffix.
_KIND_SUFFIX = {"audio/ogg": ".ogg", "video/mp4": ".mp4", "audio/mpeg": ".mp3"}
