"""Downloading users' photos and documents to the media folder, within a size limit."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path, PurePosixPath

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiohttp import ClientError, ClientResponseError

from connectors.base import Attachment
from connectors.telegram.sender import backoff, call_with_retry
from connectors.telegram.updates import FileRef

MEDIA_SUBDIR = "telegram"
CHUNK_BYTES = 64 * 1024
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")
_SAFE_STEM = re.compile(r"[^A-Za-z0-9_-]")


class FileTooLarge(Exception):
    """The file is over the configured limit (or over what the Bot API lets bots download)."""

    def __init__(self, size: int | None) -> None:
        super().__init__(f"file too large: {size} bytes")
        self.size = size


def too_large_text(size: int | None, limit_bytes: int) -> str:
    """The sentence a user reads when a file is over the limit, Vietnamese then English."""
    limit_mb = _mb(limit_bytes)
    if size:
        size_mb = _mb(size)
        return (
            f"Tệp anh/chị gửi quá lớn ({size_mb} MB). Vui lòng gửi tệp không quá {limit_mb} MB.\n"
            f"The file is too large ({size_mb} MB). Please send a file of at most {limit_mb} MB."
        )
    return (
        f"Tệp anh/chị gửi quá lớn. Vui lòng gửi tệp không quá {limit_mb} MB.\n"
        f"The file is too large. Please send a file of at most {limit_mb} MB."
    )


def _mb(size: int) -> str:
    value = size / (1024 * 1024)
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


async def download(
    bot: Bot,
    ref: FileRef,
    media_dir: Path,
    max_bytes: int,
    *,
    retry_base_delay: float = 0.5,
) -> Attachment:
    """Fetch a file through getFile into ``media_dir/telegram/``; raise FileTooLarge if over.

    The sizes Telegram declares are checked first, then the bytes are counted as they arrive
    and the download stops as soon as they pass `max_bytes` (a declared size is a claim, not a
    limit). The file is named by Telegram's unique id, so the same file sent twice is stored
    once; `relative_path` is its place under `media_dir`.
    """
    if ref.size is not None and ref.size > max_bytes:
        raise FileTooLarge(ref.size)
    try:
        info = await call_with_retry(
            lambda: bot.get_file(ref.file_id),
            attempts=4,
            base_delay=retry_base_delay,
            max_delay=5.0,
        )
    except TelegramBadRequest as error:
        if "too big" in error.message:
            raise FileTooLarge(ref.size) from error
        raise
    size = info.file_size if info.file_size is not None else ref.size
    if size is not None and size > max_bytes:
        raise FileTooLarge(size)
    if not info.file_path:
        raise FileNotFoundError(f"Telegram gave no path for file {ref.file_id}")
    folder = media_dir / MEDIA_SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (_SAFE_STEM.sub("_", ref.unique_id) + _suffix(ref, info.file_path))
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
        relative_path=f"{MEDIA_SUBDIR}/{target.name}",
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
        except FileTooLarge:
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
    """Write the file chunk by chunk, counting; FileTooLarge as soon as it passes the limit."""
    if bot.session.api.is_local:  # a local Bot API server hands out paths, not downloads
        await bot.download_file(file_path, destination=destination)
        if destination.stat().st_size > max_bytes:
            raise FileTooLarge(destination.stat().st_size)
        return
    url = bot.session.api.file_url(bot.token, file_path)
    received = 0
    with destination.open("wb") as output:
        async for chunk in bot.session.stream_content(url=url, chunk_size=CHUNK_BYTES):
            received += len(chunk)
            if received > max_bytes:
                # The true size is unknown (only that it is over): say the limit, not a size.
                raise FileTooLarge(None)
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
