"""A fake Zalo Bot Platform API server for tests (aiohttp on 127.0.0.1, random port).

Each behaviour names its public source. [D] is Zalo's Bot API documentation,
bot.zaloplatforms.com/docs (a public copy: github.com/XuanNguyenNB/QuanLyThuChi_Bot_Telegram_Zalom,
docs/ZALO_BOT_API.md); [O] is openclaw's Zalo channel, extensions/zalo/src/api.ts:

- `/bot<token>/<method>` JSON POSTs answered with `{"ok": true, "result": ...}` or
  `{"ok": false, "error_code", "description"}` ([D] Base URL; [O] `ZaloApiResponse`);
- `getUpdates` hands out ONE update per call ([O]: "Zalo returns a single update per call,
  not an array like Telegram"; [D] getUpdates sample), or error 408 once its poll timeout
  passes with nothing ([O] `isPollingTimeout`: error_code 408; a production poller,
  github.com/lamdt1/ckvn-bot src/test_zalo_chat_id.py, treats "Request timeout" as no news);
- `sendMessage` takes 1 to 2,000 characters ([D] sendMessage `text`), `sendPhoto` a photo URL
  and an optional caption ([D] sendPhoto);
- a webhook can be registered with a secret of 8 to 256 characters sent back in
  `X-Bot-Api-Secret-Token` ([D] setWebhook), after which getUpdates is refused ([D]: getUpdates
  does not work while a webhook is set); `deliver()` POSTs updates to it as Zalo does;
- updates: the four documented events, text, image (`photo_url`, `caption`), sticker and
  unsupported ([O] `ZaloUpdate`, `ZaloMessage`); `kind()` and `unsupported(**fields)` build the
  undocumented rest (see `connectors.zalo_bot.updates`); a pasted link is one of those:
  `unsupported(link={"url": ...})`, or `links`, or a "link" attachment, the fields openclaw
  reads as a link preview (extensions/zalo/src/inbound-parsing.ts, `extractLinkPreviewText`).

Faults on demand: `fail(method, ...)` answers errors (e.g. 500, or 429 with retry_after; also
Zalo's 408 "request timeout" and 403 "internal server error", which its error table lists, per
issue 14's reading of [D]'s error-code page; *unsure*: that page is not in the public copies
found, and 403 meaning a server error is only that reading), `fail_page(method)` answers a
non-JSON error page (a wrong API URL or a proxy in front of Zalo: generic HTTP; [O] checks the
HTTP status before reading JSON for this reason), `stall(method, ...)` answers late (with
``act=True`` the call is carried out all the same, as a merely slow server would),
`refuse_chat()` refuses a recipient. *Unsure* (not documented by Zalo, chosen to be
plausible): the HTTP status of error answers (the fake uses the error code, as Telegram
does), the 409 for getUpdates under a webhook, and the shape of 429 answers
(`parameters.retry_after`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes._server import PNG as PNG
from tests.fakes._server import FakeServer

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_TEXT = 2000


@dataclass(slots=True)
class Call:
    """One request the fake received."""

    method: str
    payload: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass(slots=True)
class _Fault:
    kind: str  # "error", "page" or "stall"
    error_code: int = 500
    description: str = "Internal Server Error"
    retry_after: float | None = None
    seconds: float = 0.0
    act: bool = False


class FakeZaloBot(FakeServer):
    """The fake server; use `async with FakeZaloBot() as fake:` and `fake.base_url`."""

    def __init__(self, token: str = "1234567890:fake-bot-secret", max_poll: float = 30.0) -> None:
        super().__init__()
        self.token = token
        self.max_poll = max_poll
        self.calls: list[Call] = []
        self.sent: list[dict[str, Any]] = []  # sendMessage / sendPhoto payloads, in order
        self.sent_count: dict[str, int] = {}  # messages accepted per chat
        self._arrived: dict[str, asyncio.Event] = {}
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._refused: dict[str, tuple[int, str]] = {}
        self._ids = itertools.count(1)
        self._polls = 0  # getUpdates calls received
        self._handed_out_at = 0  # the call that handed out the latest update

    def routes(self, router: web.UrlDispatcher) -> None:
        """`/bot<token>/<method>`, every method a JSON POST."""
        router.add_route("*", "/bot{token}/{method}", self._handle)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment that points the connector at this fake (plus `extra`)."""
        return {
            "REPORTBOT_ZALO_BOT_TOKEN": self.token,
            "REPORTBOT_ZALO_BOT_API_URL": self.base_url,
            **extra,
        }

    # --- faults -------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        times: int = 1,
        *,
        error_code: int = 500,
        description: str = "Internal Server Error",
        retry_after: float | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` with an error."""
        for _ in range(times):
            self._faults[method].append(
                _Fault("error", error_code, description, retry_after=retry_after)
            )

    def rate_limit(self, method: str = "sendMessage", times: int = 1, retry_after: float = 1):
        """Refuse the next calls with 429 Too Many Requests and a retry_after."""
        self.fail(
            method,
            times,
            error_code=429,
            description="Too Many Requests: retry later",
            retry_after=retry_after,
        )

    def stall(self, method: str, times: int = 1, seconds: float = 2.0, *, act: bool = False):
        """Answer the next calls late, so the client times out; `act`: carry them out anyway."""
        for _ in range(times):
            self._faults[method].append(
                _Fault("stall", 504, "Gateway Timeout", seconds=seconds, act=act)
            )

    def fail_page(self, method: str, times: int = 1, status: int = 404) -> None:
        """Answer the next calls with an HTML error page instead of Zalo's JSON."""
        for _ in range(times):
            self._faults[method].append(_Fault("page", status))

    def refuse_chat(self, chat_id: str, error_code: int = 400, description: str = "") -> None:
        """Refuse every message to a chat (e.g. the user blocked the bot).

        *Unsure*: Zalo does not document the answer for a blocked or unknown recipient; its
        error table reserves 403 for "internal server error" (which passes), so a refusal is
        a 400 "Bad Request" here.
        """
        self._refused[chat_id] = (error_code, description or "Bad Request: user blocked the bot")

    # --- events -------------------------------------------------------------------------

    def message(
        self,
        event_name: str,
        *,
        user_id: str = "u-1001",
        chat_id: str | None = None,
        display_name: str = "Nguyễn Văn An",
        message_id: str | None = None,
        chat_type: str = "PRIVATE",
        **content: Any,
    ) -> dict[str, Any]:
        """A real-shaped update with the given event name and message content."""
        return {
            "event_name": event_name,
            "message": {
                "from": {"id": user_id, "display_name": display_name, "is_bot": False},
                "chat": {"id": chat_id or user_id, "chat_type": chat_type},
                "message_id": message_id or uuid.uuid4().hex[:20],
                "date": int(time.time() * 1000),
                **content,
            },
        }

    def text(self, text: str, **kwargs: Any) -> dict[str, Any]:
        """A text message update."""
        return self.message(TEXT, text=text, **kwargs)

    def image(self, url: str, caption: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """An image message update (the photo as a URL)."""
        content: dict[str, Any] = {"photo_url": url}
        if caption:
            content["caption"] = caption
        return self.message(IMAGE, **content, **kwargs)

    def sticker(self, **kwargs: Any) -> dict[str, Any]:
        """A sticker message update."""
        return self.message(
            STICKER, sticker="bfe458bf64fa8da4d4eb", url="https://zalo.me/sticker.webp", **kwargs
        )

    def kind(self, kind: str, **content: Any) -> dict[str, Any]:
        """A "message.<kind>.received" update (voice, location, file, ...).

        *Unsure*: the Zalo Bot docs describe text, image and sticker events; other kinds follow
        the same naming here, and clients older than a kind send message.unsupported.received.
        """
        return self.message(f"message.{kind}.received", **content)

    def unsupported(self, **kwargs: Any) -> dict[str, Any]:
        """A message kind the platform does not describe (voice, file, …)."""
        return self.message(UNSUPPORTED, **kwargs)

    def queue(self, update: dict[str, Any]) -> None:
        """Hold an update for the next getUpdates."""
        self.updates.put_nowait(update)

    async def deliver(self, update: dict[str, Any], *, wrapped: bool = False) -> int | None:
        """Send an update as Zalo would: to the webhook if set, else queue it for polling."""
        if self.webhook_url is None:
            self.queue(update)
            return None
        status, _ = await self.post_webhook(
            self.webhook_url, update, secret=self.webhook_secret, wrapped=wrapped
        )
        return status

    async def post_webhook(
        self,
        url: str,
        update: Any,
        *,
        secret: str | None = None,
        wrapped: bool = False,
        raw: bytes | None = None,
    ) -> tuple[int, Any]:
        """POST a body to a webhook URL, with or without the secret header."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        body = (
            raw
            if raw is not None
            else json.dumps({"ok": True, "result": update} if wrapped else update).encode()
        )
        async with self.client.post(url, data=body, headers=headers) as response:
            try:
                payload = await response.json(content_type=None)
            except ValueError:
                payload = None
            return response.status, payload

    # --- inspection ---------------------------------------------------------------------

    async def wait_sent(self, chat_id: str, count: int, timeout: float = 30.0) -> None:
        """Wait until `count` messages have been accepted for a chat (cheap with many chats)."""
        async with asyncio.timeout(timeout):
            while self.sent_count.get(chat_id, 0) < count:
                arrived = self._arrived.setdefault(chat_id, asyncio.Event())
                arrived.clear()
                await arrived.wait()

    def texts(self, chat_id: str | None = None) -> list[str]:
        """Texts sent with sendMessage (to one chat, or all), in order."""
        return [
            p["text"]
            for p in self.sent
            if "text" in p and (chat_id is None or str(p.get("chat_id")) == chat_id)
        ]

    def count(self, method: str) -> int:
        """How many calls of a method arrived."""
        return sum(1 for c in self.calls if c.method == method)

    async def wait_polled(self, timeout: float = 5.0) -> None:
        """Wait until every queued update was fetched and the client polled again after it
        (so it has received the last one)."""
        await self.wait_for(
            lambda: self.updates.empty() and self._polls > self._handed_out_at, timeout
        )

    # --- the API ------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            payload = await request.json() if request.can_read_body else {}
        except ValueError:
            return _error(400, "Bad Request: body is not JSON")
        payload = payload if isinstance(payload, dict) else {}
        self.calls.append(Call(method, payload))
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized: invalid token")
        faults = self._faults.get(method)
        handler = getattr(self, f"_m_{method}", None)
        if faults:
            fault = faults.popleft()
            if fault.kind == "page":
                return web.Response(
                    status=fault.error_code,
                    text="<html><body><h1>Not Found</h1></body></html>",
                    content_type="text/html",
                )
            if fault.kind == "stall":
                await asyncio.sleep(fault.seconds)
                if fault.act and handler is not None:
                    return await handler(payload)
            return _error(fault.error_code, fault.description, fault.retry_after)
        if handler is None:
            return _error(404, f"Not Found: method {method} does not exist")
        return await handler(payload)

    async def _m_getMe(self, payload: dict[str, Any]) -> web.Response:
        return _ok(
            {
                "id": self.token.split(":", 1)[0],
                "account_name": "bot.reportbot",
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        )

    async def _m_getUpdates(self, payload: dict[str, Any]) -> web.Response:
        self._polls += 1
        call = self._polls
        if self.webhook_url is not None:
            return _error(409, "Conflict: a webhook is set; call deleteWebhook first")
        try:
            timeout = float(payload.get("timeout", 30))
        except (TypeError, ValueError):
            timeout = 30.0
        timeout = max(0.0, min(timeout, self.max_poll))
        if timeout == 0 and not self.updates.empty():
            update = self.updates.get_nowait()
        else:
            try:
                # In this task, not wait_for's own: the update leaves the queue and its poll
                # is recorded in one step, so `wait_polled` never sees the one without the other.
                async with asyncio.timeout(timeout):
                    update = await self.updates.get()
            except TimeoutError:
                return _error(408, "Request Timeout")
        self._handed_out_at = call
        return _ok(update)

    async def _m_setWebhook(self, payload: dict[str, Any]) -> web.Response:
        url, secret = payload.get("url"), payload.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return _error(400, "Bad Request: url is invalid")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return _error(400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        return _ok({"url": url, "updated_at": int(time.time() * 1000)})

    async def _m_deleteWebhook(self, payload: dict[str, Any]) -> web.Response:
        self.webhook_url = self.webhook_secret = None
        return _ok({"url": "", "updated_at": int(time.time() * 1000)})

    async def _m_getWebhookInfo(self, payload: dict[str, Any]) -> web.Response:
        return _ok({"url": self.webhook_url or "", "updated_at": int(time.time() * 1000)})

    async def _m_sendMessage(self, payload: dict[str, Any]) -> web.Response:
        chat_id, text = payload.get("chat_id"), payload.get("text")
        if not chat_id:
            return _error(400, "Bad Request: chat_id is required")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            return _error(400, "Bad Request: text must be 1-2000 characters")
        return self._deliver_to(payload)

    async def _m_sendPhoto(self, payload: dict[str, Any]) -> web.Response:
        if not payload.get("chat_id") or not isinstance(payload.get("photo"), str):
            return _error(400, "Bad Request: chat_id and photo are required")
        caption = payload.get("caption")
        if caption is not None and (not isinstance(caption, str) or len(caption) > MAX_TEXT):
            return _error(400, "Bad Request: caption must be 1-2000 characters")
        return self._deliver_to(payload)

    async def _m_sendChatAction(self, payload: dict[str, Any]) -> web.Response:
        if not payload.get("chat_id") or payload.get("action") not in ("typing", "upload_photo"):
            return _error(400, "Bad Request: chat_id and a valid action are required")
        return _ok(None)

    def _deliver_to(self, payload: dict[str, Any]) -> web.Response:
        refused = self._refused.get(str(payload["chat_id"]))
        if refused is not None:
            return _error(*refused)
        self.sent.append(payload)
        chat = str(payload["chat_id"])
        self.sent_count[chat] = self.sent_count.get(chat, 0) + 1
        self._arrived.setdefault(chat, asyncio.Event()).set()
        return _ok({"message_id": uuid.uuid4().hex[:20], "date": int(time.time() * 1000)})


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(code: int, description: str, retry_after: float | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=code if 400 <= code < 600 else 200)
