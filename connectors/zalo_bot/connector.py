"""The Zalo Bot Platform connector: long polling or webhook in, paced queue out."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

from connectors._http import BadBody, RetryableError, load_object, read_body, render_texts
from connectors._queued import QueuedConnector, text_capabilities
from connectors.base import ConnectorContext, ConnectorStartError, NotAccepted, Outgoing
from connectors.sending import Verdict
from connectors.zalo_bot.api import ZaloBotApi, ZaloBotApiError, classify
from connectors.zalo_bot.config import ZaloBotSettings
from connectors.zalo_bot.updates import check_ids, parse_update, unwrap

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_TEXT = 2000
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


@dataclass(frozen=True, slots=True)
class _Send:
    """One API call in the send queue: a text, or a photo by URL with a caption."""

    chat_id: str
    text: str | None = None
    photo_url: str | None = None


class ZaloBotConnector(QueuedConnector[ZaloBotSettings]):
    """Receives Zalo Bot Platform updates and answers through a rate-limited queue."""

    name = "zalo_bot"
    label = "Zalo Bot"

    def __init__(self, context: ConnectorContext, settings: ZaloBotSettings) -> None:
        super().__init__(context, settings)
        self.capabilities = text_capabilities(
            settings, MAX_TEXT, photos=settings.media_url_prefix is not None
        )
        self._api: ZaloBotApi | None = None
        self._poll_task: asyncio.Task[None] | None = None
        if settings.webhook:
            if context.web_app is None:
                raise ConnectorStartError(
                    "REPORTBOT_ZALO_BOT_WEBHOOK_URL đã đặt nhưng ứng dụng không chạy máy chủ web",
                    "REPORTBOT_ZALO_BOT_WEBHOOK_URL is set but the application has no web server",
                )
            # Routes must exist before the shared aiohttp app starts.
            context.web_app.router.add_post(settings.webhook_path, self._on_webhook)

    @property
    def mode(self) -> str:
        """ "webhook" or "polling"."""
        return "webhook" if self._settings.webhook else "polling"

    async def start(self) -> None:
        """Check the token, then register the webhook or start long polling."""
        session = self._open()
        self._open_client(session)
        assert self._api is not None
        try:
            await self._api.get_me()
            if self._settings.webhook:
                assert self._settings.webhook_url and self._settings.webhook_secret
                await self._api.set_webhook(
                    self._settings.webhook_url, self._settings.webhook_secret
                )
            else:
                with contextlib.suppress(ZaloBotApiError):
                    await self._api.delete_webhook()
        except (ZaloBotApiError, RetryableError) as exc:
            await session.close()
            self._session = None
            if isinstance(exc, ZaloBotApiError) and exc.error_code in (401, 403):
                raise ConnectorStartError(
                    "zalo_bot: Zalo từ chối token; kiểm tra REPORTBOT_ZALO_BOT_TOKEN",
                    "zalo_bot: the token was refused; check REPORTBOT_ZALO_BOT_TOKEN",
                ) from None
            # The platform's answer as it came, the token blanked out should it be quoted.
            cause = " ".join(str(exc).replace(self._settings.token, "<token>").split())[:120]
            raise ConnectorStartError(
                f"zalo_bot: không khởi động được ({cause}); kiểm tra mạng hoặc "
                "REPORTBOT_ZALO_BOT_API_URL",
                f"zalo_bot: could not start ({cause}); check the network or "
                "REPORTBOT_ZALO_BOT_API_URL",
            ) from None
        self._running = True
        if not self._settings.webhook:
            self._poll_task = asyncio.create_task(self._poll(), name="zalo_bot-poll")
        log.info("Zalo Bot connector started (%s)", self.mode)

    def _open_client(self, session: aiohttp.ClientSession) -> None:
        self._api = ZaloBotApi(
            session, self._settings.api_url, self._settings.token, self._settings.request_timeout
        )

    async def process_update(self, update: Mapping[str, Any]) -> None:
        """Handle one update: hand it to the application and queue the answers."""
        incoming = parse_update(update)
        if incoming is None:
            log.debug("Zalo Bot update without a user message ignored")
            return
        await self._dispatch(incoming)

    async def _stop_receiving(self) -> None:
        if self._poll_task is not None:
            self._poll_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poll_task
            self._poll_task = None

    async def _poll(self) -> None:
        assert self._api is not None
        failures = 0
        while True:
            try:
                updates = await self._api.get_updates(self._settings.poll_timeout)
            except (RetryableError, ZaloBotApiError) as exc:
                delay = self._policy.backoff(failures + 1)
                failures += 1
                log.warning("Zalo Bot getUpdates failed, retrying in %.1fs: %s", delay, exc)
                await asyncio.sleep(delay)
                continue
            failures = 0
            for update in updates:
                self._spawn(self.process_update(update))

    async def _on_webhook(self, request: web.Request) -> web.StreamResponse:
        """The secret first (before the body is read), then a bounded, checked body."""
        secret = self._settings.webhook_secret or ""
        provided = request.headers.get(SECRET_HEADER)
        if provided is None:
            return self._refuse(401, "missing secret")
        if not hmac.compare_digest(
            provided.encode("utf-8", "surrogateescape"), secret.encode("utf-8")
        ):
            return self._refuse(403, "wrong secret")
        if not self._running:
            return web.json_response({"ok": False, "description": "not ready"}, status=503)
        try:
            body = load_object(await read_body(request))
        except BadBody as exc:
            return self._refuse(exc.status, str(exc))
        update = unwrap(body)
        if update is not None:
            problem = check_ids(update)
            if problem is not None:
                return self._refuse(400, problem)
            try:
                await self._take_in(update)
            except NotAccepted:  # the bot could not store it: Zalo must send it again
                return web.json_response({"ok": False, "description": "busy"}, status=503)
        return web.json_response({"ok": True})

    async def _take_in(self, update: Mapping[str, Any]) -> None:
        """Store the update and hand it over afterwards (answer fast), when the bot can store;
        otherwise handle it before answering. Raises NotAccepted when it cannot be stored."""
        incoming = parse_update(update)
        if self._context.accept is not None and incoming is not None:
            await self._context.accept(incoming)
            self._spawn(self._dispatch(incoming))  # read once: not parsed again
            return
        # Shielded: a caller hanging up must not cut an answer half-way.
        await asyncio.shield(self._spawn(self.process_update(update)))

    def _refuse(self, status: int, reason: str) -> web.StreamResponse:
        log.warning("Zalo Bot webhook call refused (%d): %s", status, reason)
        return web.json_response({"ok": False, "description": reason}, status=status)

    def _items(self, chat_id: str, messages: Sequence[Outgoing]) -> list[_Send]:
        items: list[_Send] = []
        for message in messages:
            photo = self._photo_url(message.attachment_path)
            if photo is not None:
                items.append(_Send(chat_id, photo_url=photo))
            elif message.attachment_path:
                log.warning("Zalo Bot cannot send file %s; text only", message.attachment_path)
            items.extend(
                _Send(chat_id, text=piece) for piece in render_texts(message, self.capabilities)
            )
        return items

    def _photo_url(self, path: str | None) -> str | None:
        prefix = self._settings.media_url_prefix
        if not path or prefix is None or not path.lower().endswith(PHOTO_SUFFIXES):
            return None
        try:
            relative = Path(path).resolve().relative_to(Path(self._context.media_dir).resolve())
        except ValueError:
            return None
        return f"{prefix.rstrip('/')}/{quote(relative.as_posix())}"

    async def _deliver(self, item: _Send) -> None:
        assert self._api is not None
        if item.photo_url is not None:
            await self._api.send_photo(item.chat_id, item.photo_url, item.text)
        else:
            await self._api.send_message(item.chat_id, item.text or "")

    def _classify(self, error: BaseException) -> Verdict | None:
        return classify(error)
