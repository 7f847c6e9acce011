"""The Zalo Official Account connector: signed webhook in, customer-service messages out."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from connectors._http import (
    ChatLocks,
    RetryableError,
    RetryPolicy,
    SendQueue,
    download,
    render_texts,
    run_handler,
)
from connectors.base import (
    Address,
    Attachment,
    Capabilities,
    ConnectorContext,
    DeliveryError,
    Incoming,
    Outgoing,
    RateLimit,
)
from connectors.zalo_oa.api import (
    TOKEN_ERRORS,
    WINDOW_ERRORS,
    TokenRefreshError,
    ZaloOaApi,
    ZaloOaApiError,
)
from connectors.zalo_oa.config import ZaloOaSettings
from connectors.zalo_oa.events import parse_event
from connectors.zalo_oa.signature import is_fresh, signature_matches
from connectors.zalo_oa.tokens import TokenPair, TokenStore

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_TEXT = 2000


class MessagingWindowError(DeliveryError):
    """Zalo refused a proactive message: the user has not written to the OA recently."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(
            "Zalo OA không gửi được tin chủ động vì người dùng chưa nhắn cho OA gần đây "
            "(ngoài khung tương tác); họ cần nhắn cho OA trước. / Outside the OA messaging "
            f"window: the user has not written to the OA recently (error {code}: {message})."
        )
        self.code = code


@dataclass(frozen=True, slots=True)
class _Send:
    user_id: str
    text: str


class ZaloOaConnector:
    """Receives signed OA webhook events and answers with customer-service messages."""

    name = "zalo_oa"

    def __init__(
        self, context: ConnectorContext, settings: ZaloOaSettings, token_store: TokenStore
    ) -> None:
        if context.web_app is None:
            raise ValueError("Zalo OA: the connector needs the bot's web server (web_app).")
        self._context = context
        self._settings = settings
        self._store = token_store
        self.capabilities = Capabilities(
            buttons=False,
            max_text_length=MAX_TEXT,
            can_edit=False,
            photos=False,
            documents=False,
            global_rate=RateLimit(settings.global_rate),
            per_chat_rate=RateLimit(settings.per_chat_rate),
            commands_need_slash=False,
        )
        self._session: aiohttp.ClientSession | None = None
        self._api: ZaloOaApi | None = None
        self._queue: SendQueue | None = None
        self._pair: TokenPair | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._locks = ChatLocks()
        self._running = False
        # Routes must exist before the shared aiohttp app starts.
        context.web_app.router.add_post(settings.webhook_path, self._on_webhook)

    async def start(self) -> None:
        """Open the HTTP session and load the tokens; events are accepted from now on."""
        self._session = aiohttp.ClientSession()
        self._api = ZaloOaApi(
            self._session,
            api_url=self._settings.api_url,
            oauth_url=self._settings.oauth_url,
            app_id=self._settings.app_id,
            app_secret=self._settings.app_secret,
            timeout=self._settings.request_timeout,
        )
        self._queue = SendQueue(
            self._deliver,
            global_rate=self._settings.global_rate,
            per_chat_rate=self._settings.per_chat_rate,
            burst=self._settings.burst,
            policy=RetryPolicy(
                base_delay=self._settings.retry_base,
                max_delay=self._settings.retry_max,
                max_attempts=self._settings.max_attempts,
            ),
            name="zalo_oa",
        )
        self._pair = await self._store.load()
        self._running = True
        log.info("Zalo OA connector started (webhook %s)", self._settings.webhook_path)

    async def stop(self, timeout: float = 30.0) -> None:
        """Refuse new events, finish those being handled, drain the send queue."""
        self._running = False
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
        if self._queue is not None:
            await self._queue.stop(timeout)
        if self._session is not None:
            await self._session.close()
            self._session = None
        log.info("Zalo OA connector stopped")

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
        return await self._queue.join(remaining) and not self._tasks

    async def send(self, address: Address, messages: Sequence[Outgoing]) -> None:
        """Deliver messages with no incoming one (reminders).

        Raises MessagingWindowError (a DeliveryError) when Zalo refuses because the user has
        not interacted with the OA recently, DeliveryError for other refusals.
        """
        if self._queue is None:
            raise DeliveryError("Zalo OA connector is not started")
        items = self._items(address.user_id, messages)
        futures = [self._queue.submit(address.user_id, item) for item in items]
        results = await asyncio.gather(*futures, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result if isinstance(result, DeliveryError) else DeliveryError(str(result))

    async def process_event(self, event: dict[str, Any]) -> None:
        """Handle one verified event: hand it to the application and queue the answers."""
        incoming = parse_event(event)
        if incoming is None:
            return
        async with self._locks.hold(incoming.chat_id):
            incoming = await self._fetch_photo(incoming)
            replies = await run_handler(self._context.handler, incoming)
            if self._queue is not None:
                for item in self._items(incoming.user_id, replies):
                    self._queue.submit(incoming.user_id, item)

    async def _on_webhook(self, request: web.Request) -> web.StreamResponse:
        header = request.headers.get(SIGNATURE_HEADER)
        if not header:
            log.warning("Zalo OA webhook call without signature refused")
            return web.json_response({"error": "missing signature"}, status=401)
        raw = await request.read()
        try:
            event = json.loads(raw)
        except ValueError:
            return web.json_response({"error": "not JSON"}, status=400)
        if not isinstance(event, dict):
            return web.json_response({"error": "not an event"}, status=400)
        timestamp = str(event.get("timestamp", ""))
        settings = self._settings
        if not signature_matches(header, settings.app_id, raw, timestamp, settings.secret_key):
            log.warning("Zalo OA webhook call with a bad signature refused")
            return web.json_response({"error": "bad signature"}, status=403)
        if str(event.get("app_id", settings.app_id)) != settings.app_id:
            return web.json_response({"error": "wrong app"}, status=403)
        if not is_fresh(timestamp, settings.max_age):
            log.warning("Zalo OA webhook event with a stale timestamp refused")
            return web.json_response({"error": "stale event"}, status=403)
        if not self._running:
            return web.json_response({"error": "not ready"}, status=503)
        task = asyncio.create_task(self.process_event(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # Shielded: a caller hanging up must not cut an answer half-way.
        await asyncio.shield(task)
        return web.json_response({"error": 0})

    async def _fetch_photo(self, incoming: Incoming) -> Incoming:
        attachment = incoming.attachment
        if attachment is None or attachment.url is None or self._session is None:
            return incoming
        try:
            path, size, mime = await download(
                self._session,
                attachment.url,
                Path(self._context.media_dir),
                timeout=self._settings.request_timeout,
            )
        except (TimeoutError, aiohttp.ClientError, RetryableError, DeliveryError) as exc:
            log.warning("Zalo OA photo %s not downloaded: %s", incoming.update_id, exc)
            return incoming
        return replace(
            incoming,
            attachment=Attachment(
                kind="photo", path=str(path), url=attachment.url, size=size, mime_type=mime
            ),
        )

    def _items(self, user_id: str, messages: Sequence[Outgoing]) -> list[_Send]:
        items: list[_Send] = []
        for message in messages:
            if message.attachment_path:
                log.warning("Zalo OA cannot send file %s; text only", message.attachment_path)
            pieces = render_texts(message, self.capabilities)
            items.extend(_Send(user_id, piece) for piece in pieces)
        return items

    async def _access_token(self) -> TokenPair:
        if self._pair is None:
            self._pair = await self._store.load()
        pair = self._pair
        expiring = pair.expires_at is not None and time.time() >= pair.expires_at
        if pair.access_token is None or expiring:
            pair = await self._refresh(pair.access_token)
        return pair

    async def _refresh(self, stale: str | None) -> TokenPair:
        assert self._api is not None
        try:
            self._pair = await self._store.refresh(stale, self._api.refresh)
        except TokenRefreshError as exc:
            log.critical("Zalo OA cannot refresh its token; re-authorise the OA: %s", exc)
            raise DeliveryError(
                "Zalo OA: refresh token bị từ chối, quản trị viên cần kết nối lại OA "
                f"(the OA must be authorised again): {exc}"
            ) from None
        return self._pair

    async def _deliver(self, item: _Send) -> None:
        assert self._api is not None
        pair = await self._access_token()
        for attempt in range(2):
            try:
                await self._api.send_text(pair.access_token or "", item.user_id, item.text)
                return
            except ZaloOaApiError as exc:
                if exc.code in TOKEN_ERRORS and attempt == 0:
                    pair = await self._refresh(pair.access_token)
                    continue
                if exc.code in WINDOW_ERRORS:
                    log.warning(
                        "Zalo OA message to %s refused, outside the messaging window (%s)",
                        item.user_id,
                        exc,
                    )
                    raise MessagingWindowError(exc.code, exc.message) from None
                raise DeliveryError(f"Zalo OA refused the message ({exc})") from None
