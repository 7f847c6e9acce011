"""The Zalo Official Account connector: signed webhook in, customer-service messages out."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from connectors._http import BadBody, RetryableError, read_body, render_texts
from connectors._queued import QueuedConnector, text_capabilities
from connectors.base import (
    Address,
    ConnectorContext,
    ConnectorStartError,
    DeliveryError,
    Incoming,
    NotAccepted,
    Outgoing,
    RecipientRefused,
    admin_locale,
)
from connectors.zalo_oa import webhook
from connectors.zalo_oa.api import (
    RATE_TRIES,
    TOKEN_ERRORS,
    WINDOW_ERRORS,
    TokenRefreshError,
    ZaloOaApi,
    ZaloOaApiError,
)
from connectors.zalo_oa.config import ZaloOaSettings
from connectors.zalo_oa.events import parse_event
from connectors.zalo_oa.followers import NOT_FOLLOWING, NotFollowingError, note_lifecycle
from connectors.zalo_oa.keepalive import CHECK_INTERVAL, TokenKeeper
from connectors.zalo_oa.tokens import TokenPair, TokenStore

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_TEXT = 2000
NAMES_KEPT = 10_000  # users whose Zalo name is remembered
GROUP = "group:"  # a send queue key naming a GMF group, not a user (Zalo ids have no colon)


class MessagingWindowError(RecipientRefused):
    """Zalo refused a proactive message: the user has not written to the OA recently."""

    def __init__(self, code: int, message: str, locale: str = "vi") -> None:
        super().__init__(  # Zalo's own answer quoted as it came
            f"Outside the OA messaging window: the user has not written to the OA recently "
            f"(error {code}: {message})."
            if locale == "en"
            else "Zalo OA không gửi được tin chủ động vì người dùng chưa nhắn cho OA gần đây "
            f"(ngoài khung tương tác); họ cần nhắn cho OA trước (lỗi {code}: {message})."
        )
        self.code = code


@dataclass(frozen=True, slots=True)
class _Send:
    user_id: str
    text: str


class ZaloOaConnector(QueuedConnector[ZaloOaSettings]):
    """Receives signed OA webhook events and answers with customer-service messages.

    `send()` (reminders) raises MessagingWindowError, a DeliveryError, when Zalo refuses
    because the user has not interacted with the OA recently.
    """

    name = "zalo_oa"
    label = "Zalo OA"

    def __init__(
        self, context: ConnectorContext, settings: ZaloOaSettings, token_store: TokenStore
    ) -> None:
        if context.web_app is None:
            raise ConnectorStartError(
                "Zalo OA cần máy chủ web của bot để nhận sự kiện, nhưng ứng dụng không chạy nó",
                "the Zalo OA needs the bot's web server for its events, and the application "
                "has none",
            )
        super().__init__(context, settings)
        self._store = token_store
        self.capabilities = text_capabilities(settings, MAX_TEXT, photos=False)
        self._api: ZaloOaApi | None = None
        self._pair: TokenPair | None = None
        self._keeper: TokenKeeper | None = None
        self._names: OrderedDict[str, str | None] = OrderedDict()
        self._seen = webhook.SeenEvents(horizon=max(settings.max_age, webhook.RETRY_HORIZON))
        # Routes must exist before the shared aiohttp app starts.
        context.web_app.router.add_post(settings.webhook_path, self._on_webhook)
        context.web_app.router.add_get(settings.webhook_path, self._on_get, allow_head=False)

    async def start(self) -> None:
        """Open the HTTP session and load the tokens; events are accepted from now on."""
        self._open_client(self._open())
        self._pair = await self._store.load()
        self._running = True
        log.info("Zalo OA connector started (webhook %s)", self._settings.webhook_path)

    def _open_client(self, session: aiohttp.ClientSession) -> None:
        self._api = ZaloOaApi(
            session,
            api_url=self._settings.api_url,
            oauth_url=self._settings.oauth_url,
            app_id=self._settings.app_id,
            app_secret=self._settings.app_secret,
            timeout=self._settings.request_timeout,
            refresh_lifetime=self._settings.refresh_lifetime,
            rate_wait=self._settings.rate_limit_wait,
        )
        self._keeper = TokenKeeper(
            self._store, self._api, self._context.kv, admin_locale(self._context.env)
        )

    def periodic_jobs(self) -> list[tuple[str, float, Callable[[], Awaitable[Any]]]]:
        """Jobs the app runs every `interval` seconds (under its database lease):
        (name, interval_seconds, coroutine function)."""
        return [("zalo_oa_tokens", CHECK_INTERVAL, self.refresh_if_due)]

    async def refresh_if_due(self) -> None:
        """Refresh the access token before it expires, even with no traffic; warn admins once
        when a refresh fails or the refresh token expires within 14 days."""
        if self._keeper is None:  # a --role worker runs the jobs but never started this
            await self._open_for_sending()
        assert self._keeper is not None
        self._pair = await self._keeper.refresh_if_due()

    @property
    def token_warning(self) -> str | None:
        """The token problem an admin must act on (for `reportbot status`, the digest)."""
        return self._keeper.warning if self._keeper is not None else None

    def warnings(self) -> list[str]:
        """The problems an administrator must act on (`connectors.base.ReportsWarnings`)."""
        warning = self.token_warning
        return [warning] if warning else []

    async def process_event(self, event: dict[str, Any], event_id: str | None = None) -> None:
        """Handle one verified event: hand it to the application and queue the answers."""
        incoming = parse_event(event, event_id)
        if incoming is not None:
            await self._dispatch(incoming)

    async def user_display_name(self, user_id: str) -> str | None:
        """The user's Zalo name (`connectors.base.NamesUsers`): OA events carry none, and a
        person who registers with a bare invite code is named by it. Asked only then, once
        per user and process: a name or Zalo's definite "no" (no permission, an unknown user)
        is remembered; a passing failure (network, -32, a token refused) is not."""
        if user_id in self._names:
            self._names.move_to_end(user_id)
            return self._names[user_id]
        if self._api is None:  # a --role worker: never started, it sends all the same
            await self._open_for_sending()
        assert self._api is not None
        # The caller gives up after a few seconds (names.NAME_WAIT), but a token refresh
        # spends Zalo's single-use refresh token: shielded, it ends and stores the new pair
        # even when nobody waits for the name any more.
        pair = await asyncio.shield(self._access_token())
        try:
            name = await self._api.user_name(pair.access_token or "", user_id)
        except ZaloOaApiError as exc:
            if exc.code not in TOKEN_ERRORS:
                raise
            pair = await asyncio.shield(self._refresh(pair.access_token))
            name = await self._api.user_name(pair.access_token or "", user_id)
        self._names[user_id] = name
        while len(self._names) > NAMES_KEPT:
            self._names.popitem(last=False)
        return name

    def _recipient(self, who: Address | Incoming) -> str:
        # The customer-service API addresses the user; a group (a chat that is not the user's
        # own: an Incoming, or an Address of the worker's or the recovery's replies to one) is
        # answered in the group.
        if who.chat_id and who.chat_id != who.user_id:
            return GROUP + who.chat_id
        return who.user_id

    async def _on_webhook(self, request: web.Request) -> web.StreamResponse:
        """Check the call (see `webhook`), then hand a new event to the application."""
        try:
            raw = await read_body(request)
        except BadBody as exc:
            return self._refuse(exc.status, str(exc))
        header = request.headers.get(SIGNATURE_HEADER)
        if not header:
            if webhook.is_verification(raw):
                return web.json_response({"error": 0})  # Zalo probing a new webhook URL
            return self._refuse(401, "call without signature")
        settings = self._settings
        try:
            event, timestamp = webhook.authenticate(
                raw, header, app_id=settings.app_id, secret_key=settings.secret_key
            )
            webhook.check_shape(event, settings.app_id)
            key = webhook.event_id(event, raw)
            if not self._running:
                return web.json_response({"error": "not ready"}, status=503)
            if key in self._seen:
                self._log.info("Zalo OA event %s again (a retry): already taken in", key[:24])
                return web.json_response({"error": 0})
            webhook.check_age(timestamp, settings.max_age)
        except webhook.Refusal as refusal:
            return self._refuse(refusal.status, refusal.reason)
        self._seen.claim(key)
        note_lifecycle(event, self._log)
        try:
            if self._context.accept is not None:
                # Zalo wants 200 within 2 s: store the event, answer, handle it afterwards
                # (a photo download included); a crash in between is recovered from the store.
                incoming = parse_event(event, key)
                if incoming is not None:
                    await self._context.accept(incoming)
                    self._spawn(self._dispatch(incoming))  # read once: not parsed again
            else:
                # Shielded: a caller hanging up must not cut an answer half-way.
                await asyncio.shield(self._spawn(self.process_event(event, key)))
        except NotAccepted:  # the bot could not store it: Zalo's retry must be taken in
            self._seen.forget(key)
            return web.json_response({"error": "busy"}, status=503)
        return web.json_response({"error": 0})

    async def _on_get(self, request: web.Request) -> web.StreamResponse:
        """A GET on the webhook URL (a check by a person or by Zalo): 200, nothing else."""
        return web.json_response({"error": 0})

    def _refuse(self, status: int, reason: str) -> web.StreamResponse:
        self._log.warning("Zalo OA webhook call refused (%d): %s", status, reason)
        return web.json_response({"error": reason}, status=status)

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
            if self._keeper is not None:  # logged once, shown in the digest and status
                self._keeper.refused(exc)
            else:
                log.critical("Zalo OA cannot refresh its token; re-authorise the OA: %s", exc)
            raise DeliveryError(
                f"Zalo OA: the refresh token was refused; the OA must be authorised again: {exc}"
                if admin_locale(self._context.env) == "en"
                else f"Zalo OA: refresh token bị từ chối, quản trị viên cần kết nối lại OA: {exc}"
            ) from None
        return self._pair

    def _call(self, item: _Send) -> Callable[[], Awaitable[None]]:
        # -32 counted per message: after RATE_TRIES waits it is given up (api.RATE_TRIES).
        # The reason names every try of the message (a 5xx before the -32s too), as the send
        # queue's log numbers its attempts.
        refused = tries = 0

        async def call() -> None:
            nonlocal refused, tries
            tries += 1
            try:
                await self._deliver(item)
            except RetryableError as exc:
                refused += 1 if exc.rate_limited else 0
                if refused < RATE_TRIES or not exc.rate_limited:
                    raise
                raise DeliveryError(
                    f"Zalo OA: still over the API's rate limit after {tries} tries ({exc})"
                    if admin_locale(self._context.env) == "en"
                    else f"Zalo OA: vẫn vượt giới hạn gọi API sau {tries} lần thử ({exc})"
                ) from None

        return call

    async def _deliver(self, item: _Send) -> None:
        assert self._api is not None
        pair = await self._access_token()
        for attempt in range(2):
            try:
                token = pair.access_token or ""
                if item.user_id.startswith(GROUP):
                    await self._api.send_group_text(token, item.user_id[len(GROUP) :], item.text)
                else:
                    await self._api.send_text(token, item.user_id, item.text)
                return
            except ZaloOaApiError as exc:
                if exc.code in TOKEN_ERRORS and attempt == 0:
                    pair = await self._refresh(pair.access_token)
                    continue
                if exc.code == NOT_FOLLOWING:
                    log.warning("Zalo OA message to %s refused: not a follower", item.user_id)
                    raise NotFollowingError(
                        exc.code, exc.message, admin_locale(self._context.env)
                    ) from None
                if exc.code in WINDOW_ERRORS:
                    log.warning(
                        "Zalo OA message to %s refused, outside the messaging window (%s)",
                        item.user_id,
                        exc,
                    )
                    raise MessagingWindowError(
                        exc.code, exc.message, admin_locale(self._context.env)
                    ) from None
                raise DeliveryError(f"Zalo OA refused the message ({exc})") from None
