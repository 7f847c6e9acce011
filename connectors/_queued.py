"""What the HTTP connectors that answer through a paced send queue share (Zalo Bot, Zalo OA).

`QueuedConnector` hands each incoming message to the application in a tracked task, one chat
at a time, and queues the answers on the shared `connectors.sending.SendQueue`; `send()` goes
through the same queue; `stop()` finishes the messages being handled, drains the queue and
closes the HTTP session. A platform adds how it receives (`start()`, webhook or polling), how
it turns messages into API calls (`_items`), how it makes one call (`_deliver`) and how it
reads its own errors (`_classify`): the queue decides retries, pacing and order.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

import aiohttp

from connectors._http import (
    ChatLocks,
    RetryableError,
    download,
    parse_rate,
    run_handler,
    setting,
)
from connectors.base import (
    Address,
    Attachment,
    AttachmentTooLarge,
    AttachmentUnavailable,
    Capabilities,
    Connector,
    ConnectorContext,
    ConnectorStartError,
    DeliveryError,
    Incoming,
    Outgoing,
    RateLimit,
)
from connectors.confirming import confirm_when_sent
from connectors.sending import (
    DeliveryUncertain,
    SendPolicy,
    SendQueue,
    Verdict,
)

DEFAULT_RATE = (5.0, 1.0)  # messages per second: whole bot, one chat
MAX_DOWNLOAD = 20 * 1024 * 1024  # bytes of one file fetched by URL


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueSettings:
    """How a queued connector paces, times out and retries its calls."""

    global_rate: float = DEFAULT_RATE[0]
    per_chat_rate: float = DEFAULT_RATE[1]
    burst: float = 3.0
    request_timeout: float = 20.0
    retry_base: float = 0.5
    retry_max: float = 30.0
    max_attempts: int | None = None  # None: keep trying

    @property
    def policy(self) -> SendPolicy:
        """The send policy (rates, bursts, retry timing) these settings describe."""
        return SendPolicy(
            global_rate=self.global_rate,
            chat_rate=self.per_chat_rate,
            chat_burst=self.burst,
            retry_base=self.retry_base,
            retry_max=self.retry_max,
            max_attempts=self.max_attempts,
        )


def queue_settings(
    env: Mapping[str, str], config: Mapping[str, Any], rate_var: str, table: str
) -> dict[str, Any]:
    """The `QueueSettings` fields from the config table `[connectors.TABLE]` (the rate also
    from `rate_var`)."""
    rate = parse_rate(setting(env, config, rate_var, "rate"), DEFAULT_RATE, rate_var)
    max_attempts = config.get("max_attempts")
    return {
        "global_rate": rate[0],
        "per_chat_rate": rate[1],
        "burst": config_number(config, table, "burst", 3.0),
        "request_timeout": config_number(config, table, "request_timeout", 20.0),
        "retry_base": config_number(config, table, "retry_base", 0.5),
        "retry_max": config_number(config, table, "retry_max", 30.0),
        "max_attempts": (
            int(config_number(config, table, "max_attempts", 1))
            if max_attempts is not None
            else None
        ),
    }


def config_number(config: Mapping[str, Any], table: str, key: str, default: float) -> float:
    """A positive number of a connector's `reportbot.toml` table; one clear line naming the
    table, the key and the value when it is not one (never Python's own message)."""
    raw = config.get(key, default)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = float("nan")
    if not value > 0 or value == float("inf"):
        shown = str(raw)[:20]
        raise ConnectorStartError(
            f"[connectors.{table}] {key}: {shown!r} không phải một số dương",
            f"[connectors.{table}] {key}: {shown!r} is not a positive number",
        )
    return value


def text_capabilities(
    settings: QueueSettings, max_text_length: int, *, photos: bool
) -> Capabilities:
    """A platform of plain texts: no buttons, no edits, no documents, commands without "/"."""
    return Capabilities(
        buttons=False,
        max_text_length=max_text_length,
        max_buttons=0,
        can_edit=False,
        photos=photos,
        documents=False,
        global_rate=RateLimit(settings.global_rate),
        per_chat_rate=RateLimit(settings.per_chat_rate),
        commands_need_slash=False,
        confirms_delivery=True,  # through the send queue (`confirm_when_sent`)
    )


S = TypeVar("S", bound=QueueSettings)


class QueuedConnector(Connector, Generic[S]):
    """The shared half of a connector that answers through a paced, retrying send queue."""

    name: str  # the platform name, also the send queue's name
    label: str  # how logs and errors name the platform, e.g. "Zalo Bot"
    capabilities: Capabilities

    def __init__(self, context: ConnectorContext, settings: S) -> None:
        self._context = context
        self._settings = settings
        self._policy = settings.policy
        self._session: aiohttp.ClientSession | None = None
        self._queue: SendQueue | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._locks = ChatLocks()
        self._running = False
        self._opening = asyncio.Lock()
        # The platform module's logger, so that its records keep their name.
        self._log = logging.getLogger(type(self).__module__)

    def _open(self) -> aiohttp.ClientSession:
        """Open the HTTP session and the send queue: the first step of `start()`."""
        self._session = aiohttp.ClientSession()
        share = self._context.rate_share  # this process's part when several workers send
        self._queue = SendQueue(self._classify, self._policy, name=self.name, share=share)
        return self._session

    async def stop(self, timeout: float = 30.0) -> None:
        """Stop receiving, finish the messages being handled, drain the send queue."""
        self._running = False
        await self._stop_receiving()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
        if self._queue is not None:
            await self._queue.close(timeout)
        if self._session is not None:
            await self._session.close()
            self._session = None
        self._log.info("%s connector stopped", self.label)

    async def flush(self, timeout: float = 30.0) -> bool:
        """Wait until the updates being handled are done and their answers sent.

        Returns False if that did not happen within `timeout` seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
        if self._queue is None:
            return not self._tasks
        remaining = max(0.0, deadline - loop.time())
        return await self._queue.drain(remaining) and not self._tasks

    async def send(self, address: Address, messages: Sequence[Outgoing]) -> None:
        """Deliver messages with no incoming one (reminders, notices).

        Raises DeliveryError if one is refused, DeliveryUncertain if one's answer timed out
        (it may have arrived: it is not sent again). A caller that stops waiting (cancels)
        drops what was not sent yet, without holding up the chat.
        """
        if self._queue is None:
            await self._open_for_sending()
        assert self._queue is not None
        recipient = self._recipient(address)
        futures = [
            self._queue.submit(recipient, self._call(item), retry_uncertain=False)
            for item in self._items(recipient, messages)
        ]
        results = await asyncio.gather(*futures, return_exceptions=True)
        for result in results:
            if isinstance(result, DeliveryError | DeliveryUncertain):
                raise result
            if isinstance(result, BaseException):
                raise DeliveryError(str(result))

    async def _open_for_sending(self) -> None:
        """Make `send()` work in a process that never calls `start()`: a `--role worker`
        sends the replies of the updates the web process stored, and receives nothing."""
        async with self._opening:
            if self._queue is None:
                self._open_client(self._open())

    def _open_client(self, session: aiohttp.ClientSession) -> None:
        """Create the platform's API client on `session` (the first step of `start()`)."""

    async def _stop_receiving(self) -> None:
        """Stop fetching new messages (a poller); webhooks need nothing."""

    def _recipient(self, who: Address | Incoming) -> str:
        """The id the platform's send call takes: the chat's, unless a platform says otherwise."""
        return who.chat_id

    def _items(self, recipient: str, messages: Sequence[Outgoing]) -> list[Any]:
        """The API calls (send queue items) that deliver these messages."""
        raise NotImplementedError

    async def _deliver(self, item: Any) -> None:
        """Make one API call; what it raises is read by `_classify`, then the common rules."""
        raise NotImplementedError

    def _classify(self, error: BaseException) -> Verdict | None:
        """The platform's reading of its own error (None: the common rules decide)."""
        return None

    def _call(self, item: Any) -> Any:
        """The send queue's call for one item."""
        return functools.partial(self._deliver, item)

    async def _dispatch(self, incoming: Incoming) -> None:
        """Hand one message to the application (in chat order) and queue its answers."""
        async with self._locks.hold(incoming.chat_id):
            incoming = await self._fetch_photo(incoming)
            replies = await run_handler(self._context.handler, incoming)
            if self._queue is not None:
                recipient = self._recipient(incoming)
                futures = [
                    self._queue.submit(recipient, self._call(item))
                    for item in self._items(recipient, replies)
                ]
                confirm_when_sent(futures, replies, self._context.delivered)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run the handling of one update as a task that `stop()` and `flush()` wait for."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._log.error("%s update failed", self.label, exc_info=task.exception())

    async def fetch_attachment(
        self, attachment: Attachment, folder: Path, max_bytes: int
    ) -> Attachment:
        """Download a file the platform gave by URL (`FetchesAttachments`). The media gate calls
        it for a file still lazy at a file question: any but a private photo, one whose
        download on arrival failed, or an update recovered from the inbox, which keeps the
        URL only. Never an empty answer."""
        url = attachment.url or attachment.file_id
        if self._queue is None:  # a --role worker fetches before it ever sent anything
            await self._open_for_sending()
        if self._session is None or not url:
            raise AttachmentUnavailable(f"{self.label}: no URL to fetch the file from")
        limit = min(max_bytes, MAX_DOWNLOAD)
        try:
            path, size, mime = await download(
                self._session,
                url,
                Path(folder),
                timeout=self._settings.request_timeout,
                max_bytes=limit,
            )
        except DeliveryError:  # `download`'s word for "over max_bytes"
            raise AttachmentTooLarge(None, limit) from None
        except (TimeoutError, aiohttp.ClientError, RetryableError) as exc:
            raise AttachmentUnavailable(f"{self.label}: {type(exc).__name__}") from None
        return replace(attachment, path=str(path), size=size, mime_type=mime)

    async def _fetch_photo(self, incoming: Incoming) -> Incoming:
        """The message with its photo downloaded into the media folder; on failure as it was,
        its attachment lazy (`file_id` is the URL) for the media gate to fetch or refuse.

        Only a photo of a private chat: a file, a recording or anything posted in a group
        stays lazy, fetched by the media gate only for a registered person at a file
        question (under their quota), never written to disk for anyone else."""
        attachment = incoming.attachment
        if attachment is None or attachment.url is None or self._session is None:
            return incoming
        if attachment.kind != "photo" or not incoming.is_private:
            return incoming
        if len(incoming.attachments) > 1:
            return incoming  # several at once: all left lazy, for the media gate to fetch
        try:
            path, size, mime = await download(
                self._session,
                attachment.url,
                Path(self._context.media_dir),
                timeout=self._settings.request_timeout,
            )
        except (TimeoutError, aiohttp.ClientError, RetryableError, DeliveryError) as exc:
            self._log.warning("%s photo %s not downloaded: %s", self.label, incoming.update_id, exc)
            return incoming
        return replace(
            incoming,
            attachment=Attachment(
                kind=attachment.kind,
                path=str(path),
                url=attachment.url,
                name=attachment.name,
                size=size,
                mime_type=mime,
            ),
        )
