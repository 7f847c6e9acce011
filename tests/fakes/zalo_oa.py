"""A fake Zalo Official Account API (v3) and OAuth server for tests (aiohttp, 127.0.0.1).

One server plays both hosts: `POST /v3.0/oa/message/cs` (header `access_token`) and
`POST /v4/oa/access_token` (header `secret_key`, form `refresh_token`, `app_id`,
`grant_type=refresh_token`). Each behaviour names its public source; [G] is the public
integration guide github.com/hoangnd25/monorepo, wip/zalo-platform-integration.md, which
summarises developers.zalo.me with links to each page:

- access tokens live `access_ttl` seconds (25 hours at Zalo: 90,000 s in the answer's
  `expires_in`, a string), refresh tokens are single-use (each refresh answers a new one) and
  expire unused after `refresh_ttl` (3 months at Zalo): developers.zalo.me/docs/official-account/
  bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new ("Token Types & Lifespans" in [G]); Chatwoot's
  Channel::ZaloOa#refresh_access_token stores the rotated pair. Both lifetimes read `clock`
  (wall time by default), so a test can move time with time-machine;
- an expired access token is answered with -220 "access_token is expired or removed", an
  unknown or malformed one with -216 "Access token is invalid" (Zalo's OA error table, [G]
  "Error Codes"). *Unsure*: the code of a reused or expired refresh token (-14014 here; the
  OAuth host answers `error`/`error_name`, no public table lists the code);
- texts must be 1 to 2,000 characters, else -201 "<data_field> is invalid!" (send API
  developers.zalo.me/docs/official-account/tin-nhan/tin-tu-van/gui-tin-tu-van; -201 per [G]);
- the messaging window: with `window` set (7 days at Zalo), a customer-service message to a
  user whose last event (built by `event()`, i.e. the user wrote) is older is refused with
  -230 "User has not interacted with OA in past 7 days" ([G], "Messaging Window" and the
  error table; -232 and the older -213 are the neighbouring codes); `refuse_window(user)`
  refuses one user at once;
- `sign()` / `post_event()`: `X-ZEvent-Signature: mac=sha256(app_id + body + timestamp +
  OA secret key)` ([G], "Webhook Signature Validation"; developers.zalo.me/docs/
  official-account/webhook/tong-quan);
- `deliver()` delivers a webhook event as Zalo does: counted as failed unless answered 200
  within `deadline` (2 seconds), then sent again after waits of `RETRY_SCHEDULE` (30 s, 5 min,
  15 min, 30 min, 1 h), byte for byte the same event (same msg_id, timestamp and signature)
  with a `num_retry` header counting the attempts from 0 ([G], "Performance Requirements" and
  "Webhook Retry Behavior"; Chatwoot's Webhooks::ZaloController answers at once and works in
  a job for this reason); the waits are multiplied by `retry_scale` so a test runs in seconds;
- `verify_webhook()` posts the unsigned `{}` one public source (cited in issue 14, not found
  in Zalo's pages) reports Zalo sending to check a new webhook URL: *unsure*, kept as cheap;
- a customer-service call over the API's rate is answered -32 "Your application reached limit
  call api" (Zalo's OA error table, [G] "Error Codes": back off and try again);
  `refuse_next(code)` answers the next message calls with a Zalo error of our choice;
- events of the OA's GMF chat groups: `user_send_group_text|image|link|...`, with
  `recipient.id` the group's id and `oa_id` in the body (developers.zalo.me/docs/
  official-account/webhook, "Sự kiện người dùng gửi tin nhắn văn bản tới nhóm"; a GMF bot
  answering in its group: github.com/vyn-huy-nguyen/ai-zalo-bot-oa); the OA answers a
  group with `POST /v3.0/oa/group/message`,
  `{"recipient": {"group_id"}, "message": {"text"}}` (developers.zalo.me/docs/
  official-account/nhom-chat-gmf/tin-nhan/text_message), recorded in `group_sent`;
- a file arrives as `user_send_file` with a "file" attachment `{url, name, size, checksum,
  type}`, a link as `user_send_link` with a "link" attachment `{url, description,
  thumbnail}` (same webhook page, "Cấu trúc attachments"; the file shape also in [G]);
- a user's profile: `GET /v3.0/oa/user/detail?data={"user_id": ...}` with the `access_token`
  header answers `data.display_name` (developers.zalo.me, OA API "Lấy thông tin người dùng";
  integrations read `data.display_name` from it, e.g. Support Board's Zalo channel and the
  public guide [G]'s `ZaloUserProfile`); a user the fake does not know (`profiles`) is
  answered -201 "user_id is invalid" (*unsure*: the code Zalo uses for it);
- followers: a customer-service message to a user who does not follow the OA (never followed,
  or unfollowed) is refused with -213 "User has not followed OA" ("Người dùng chưa quan tâm
  OA"; Zalo's OA error table, [G] "Error Codes"; public integrations treat it as final, e.g.
  "-213 | khách chưa quan tâm OA | không gửi được, chờ khách tương tác"). A user who writes
  with a `user_send_*` event is counted a follower (*unsure*: no public source says only a
  follower's messages come as `user_send_*`; Zalo's webhook page lists `anonymous_send_*` for
  people chatting without following, below, and the fake takes the rest as followers);
  `follow_event()` / `unfollow_event()` build Zalo's
  `follow` / `unfollow` events, `{"event_name", "app_id", "oa_id", "follower": {"id"},
  "user_id_by_app", "timestamp", "source"}` (developers.zalo.me/docs/official-account/webhook,
  "Sự kiện người dùng quan tâm / bỏ quan tâm OA"; the `follower.id` shape is what public
  integrations read, e.g. Chatwoot's Zalo channel and the payloads in [G]), and change who
  follows. `everyone_follows=True` (the default, for the many tests about other things)
  counts a user the fake has never heard of as a follower; a user who unfollowed, or one
  named by `not_following()`, is refused whatever that switch says;
- anonymous users (people chatting with the OA without following it or sharing their
  identity) arrive as `anonymous_send_text|image|file|sticker` with the sender's anonymous id
  and `message.conversation_id` (developers.zalo.me/docs/official-account/webhook, "Người dùng
  ẩn danh gửi tin"; public webhook handlers list the same names). Zalo's answer to them went
  through the v2 message API (`recipient: {anonymous_id, conversation_id}`), which Zalo shut
  down (-240 "MessageV2 API has been shut down", [G] "Error Codes"); a v3 SDK lists an
  "anonymous message" that Zalo must approve for an OA first (@warriorteam/redai-zalo-sdk,
  GeneralMessageService), shape not public, so the fake has none. The v3 `message/cs` takes
  a `user_id` only: the fake refuses an anonymous id there with -213 as for any non-follower;
- `fail("cs", status=...)` answers a non-JSON error page, as a gateway (5xx) or a wrong URL
  or proxy (4xx) does: generic HTTP, no Zalo source; `stall(..., act=True)` answers too
  late for the client but carries the call out, as a slow server would.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes._server import PNG as PNG
from tests.fakes._server import FakeServer

MAX_TEXT = 2000
EXPIRED = -220  # access_token is expired or removed
INVALID_TOKEN = -216  # Access token is invalid (unknown, malformed or revoked)
BAD_REFRESH = -14014
BAD_TEXT = -201
OUT_OF_WINDOW = -230
NOT_FOLLOWING = -213  # User has not followed OA
RATE_LIMITED = -32  # Your application reached limit call api
RETRY_SCHEDULE = (30.0, 300.0, 900.0, 1800.0, 3600.0)  # seconds between deliveries


@dataclass(slots=True)
class Attempt:
    """One webhook delivery: its HTTP status (None: no answer within the deadline)."""

    status: int | None
    seconds: float


@dataclass(slots=True)
class Sent:
    """A message the fake accepted."""

    user_id: str
    text: str
    access_token: str
    at: float = field(default_factory=time.monotonic)


class FakeZaloOa(FakeServer):
    """The fake server; `async with FakeZaloOa() as fake:` then `fake.base_url`."""

    def __init__(
        self,
        app_id: str = "3105432100123456789",
        app_secret: str = "fake-app-secret",
        secret_key: str = "fake-oa-secret-key",
        access_ttl: float = 90000.0,
        refresh_delay: float = 0.0,
        refresh_ttl: float = 90 * 86400.0,
        clock: Callable[[], float] = time.time,
        window: float | None = None,
        everyone_follows: bool = True,
    ) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret = app_secret
        self.secret_key = secret_key
        self.access_ttl = access_ttl
        self.refresh_delay = refresh_delay
        self.refresh_ttl = refresh_ttl
        self.clock = clock
        self.window = window  # seconds after a user's last message (None: no window)
        self.everyone_follows = everyone_follows
        self.followers: set[str] = set()
        self.unfollowed: set[str] = set()  # unfollowed, or named by `not_following`
        self._last_seen: dict[str, float] = {}
        self.sent: list[Sent] = []
        self.cs_calls = 0
        self.cs_texts: list[str] = []  # the text of every message call, accepted or not
        self.cs_errors: list[int] = []  # the error code of every refused message call
        self.sent_count: dict[str, int] = {}  # messages accepted per user
        self._arrived: dict[str, asyncio.Event] = {}
        self.refresh_calls: list[dict[str, str]] = []
        self.refused_refreshes = 0
        # Called with the access token of each accepted message (to check the sender's state).
        self.on_message: Callable[[str], Awaitable[None]] | None = None
        self._access: dict[str, float] = {}  # token -> expiry (self.clock)
        self._refresh: dict[str, bool] = {}  # token -> already used
        self._refresh_expiry: dict[str, float] = {}  # token -> expiry (self.clock)
        self._window: dict[str, tuple[int, str]] = {}
        self._refusals: deque[tuple[int, str]] = deque()
        self.group_sent: list[Sent] = []  # messages to GMF groups (`user_id`: the group's id)
        self.profiles: dict[str, str] = {}  # user id -> Zalo display name
        self.profile_calls = 0
        self._faults: dict[str, deque[tuple[str, float, bool]]] = defaultdict(deque)
        self._ids = itertools.count(1)

    def routes(self, router: web.UrlDispatcher) -> None:
        """The OA message API and the OAuth token endpoint, on one host."""
        router.add_post("/v3.0/oa/message/cs", self._message_cs)
        router.add_post("/v4/oa/access_token", self._access_token)
        router.add_post("/v3.0/oa/group/message", self._group_message)
        router.add_get("/v3.0/oa/user/detail", self._user_detail)

    def env(self, refresh_token: str, access_token: str | None = None) -> dict[str, str]:
        """The environment that points the connector at this fake, with these tokens."""
        env = {
            "REPORTBOT_ZALO_OA_APP_ID": self.app_id,
            "REPORTBOT_ZALO_OA_APP_SECRET": self.app_secret,
            "REPORTBOT_ZALO_OA_SECRET_KEY": self.secret_key,
            "REPORTBOT_ZALO_OA_REFRESH_TOKEN": refresh_token,
            "REPORTBOT_ZALO_OA_API_URL": self.base_url,
            "REPORTBOT_ZALO_OA_OAUTH_URL": self.base_url,
        }
        if access_token:
            env["REPORTBOT_ZALO_OA_ACCESS_TOKEN"] = access_token
        return env

    # --- tokens -------------------------------------------------------------------------

    def issue_tokens(self) -> tuple[str, str]:
        """A fresh valid (access token, refresh token) pair, as the OA authorisation gives."""
        access = f"at-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        refresh = f"rt-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
        self._access[access] = self.clock() + self.access_ttl
        self._refresh[refresh] = False
        self._refresh_expiry[refresh] = self.clock() + self.refresh_ttl
        return access, refresh

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far expired."""
        for token in self._access:
            self._access[token] = 0.0

    def access_token_valid(self, token: str | None) -> bool:
        """Whether an access token would be accepted now."""
        return token is not None and self._access.get(token, 0.0) > self.clock()

    def refresh_token_used(self, token: str) -> bool:
        """Whether a refresh token has been spent."""
        return self._refresh.get(token, False)

    # --- faults -------------------------------------------------------------------------

    def refuse_window(self, user_id: str, code: int = OUT_OF_WINDOW, message: str = "") -> None:
        """Refuse messages to a user as outside the interaction window."""
        self._window[user_id] = (
            code,
            message or "User has not interacted with the OA in the past 7 days",
        )

    def not_following(self, user_id: str) -> None:
        """A user who does not follow the OA (messages to them: -213)."""
        self.followers.discard(user_id)
        self.unfollowed.add(user_id)

    def follows(self, user_id: str) -> bool:
        """Whether Zalo would let the OA send this user a customer-service message."""
        if user_id in self.unfollowed:
            return False
        return user_id in self.followers or self.everyone_follows

    def refuse_next(self, code: int = RATE_LIMITED, message: str = "", times: int = 1) -> None:
        """Answer the next message calls with Zalo's error `code` (-32: over the rate)."""
        for _ in range(times):
            self._refusals.append((code, message or "Your application reached limit call api"))

    def fail(self, endpoint: str, times: int = 1, status: int = 500) -> None:
        """Answer the next calls of "cs", "group", "oauth" or "detail" with an HTTP error page."""
        for _ in range(times):
            self._faults[endpoint].append(("error", float(status), False))

    def stall(self, endpoint: str, times: int = 1, seconds: float = 2.0, *, act: bool = False):
        """Answer the next calls late (a client timeout); `act`: carry them out all the same."""
        for _ in range(times):
            self._faults[endpoint].append(("stall", seconds, act))

    # --- webhook events -----------------------------------------------------------------

    def event(self, event_name: str, user_id: str, **message: Any) -> dict[str, Any]:
        """A real-shaped webhook event from a user (or an `oa_*` echo)."""
        oa_id = "1800000000000000001"
        from_user = not event_name.startswith("oa_")
        if from_user:
            self._last_seen[user_id] = self.clock()  # the user wrote to the OA now
        # *unsure* (no public source): a user_send_* sender is taken to follow the OA.
        if event_name.startswith("user_send_"):
            self.followers.add(user_id)
            self.unfollowed.discard(user_id)
        return {
            "app_id": self.app_id,
            "user_id_by_app": f"app-{user_id}",
            "event_name": event_name,
            "timestamp": str(int(time.time() * 1000)),
            "sender": {"id": user_id if from_user else oa_id},
            "recipient": {"id": oa_id if from_user else user_id},
            "message": {"msg_id": message.pop("msg_id", None) or uuid.uuid4().hex, **message},
        }

    def text_event(self, user_id: str, text: str, **kwargs: Any) -> dict[str, Any]:
        """A user_send_text event."""
        return self.event("user_send_text", user_id, text=text, **kwargs)

    def image_event(self, user_id: str, url: str, **kwargs: Any) -> dict[str, Any]:
        """A user_send_image event."""
        attachment = {"type": "image", "payload": {"url": url, "thumbnail": url}}
        return self.event("user_send_image", user_id, attachments=[attachment], **kwargs)

    def sticker_event(self, user_id: str, **kwargs: Any) -> dict[str, Any]:
        """A user_send_sticker event."""
        attachment = {"type": "sticker", "payload": {"id": "abc", "url": "https://zalo.me/s"}}
        return self.event("user_send_sticker", user_id, attachments=[attachment], **kwargs)

    def file_event(self, user_id: str, url: str, name: str, **kwargs: Any) -> dict[str, Any]:
        """A user_send_file event."""
        payload = {"url": url, "name": name, "size": "1024", "checksum": "0f" * 16, "type": "pdf"}
        attachment = {"type": "file", "payload": payload}
        return self.event("user_send_file", user_id, attachments=[attachment], **kwargs)

    def link_event(self, user_id: str, url: str, **kwargs: Any) -> dict[str, Any]:
        """A user_send_link event (a link the user pasted)."""
        payload = {"url": url, "description": "", "thumbnail": ""}
        attachment = {"type": "link", "payload": payload}
        return self.event("user_send_link", user_id, attachments=[attachment], **kwargs)

    def group_event(self, group_id: str, user_id: str, text: str) -> dict[str, Any]:
        """A user's text in one of the OA's GMF groups: the recipient is the group."""
        event = self.event("user_send_group_text", user_id, text=text)
        event["recipient"] = {"id": group_id}
        event["oa_id"] = "1800000000000000001"
        return event

    def follow_event(self, user_id: str) -> dict[str, Any]:
        """A `follow` event: the user taps "Quan tâm" (follow) on the OA; they follow now."""
        self.followers.add(user_id)
        self.unfollowed.discard(user_id)
        return self._follower_event("follow", user_id)

    def unfollow_event(self, user_id: str) -> dict[str, Any]:
        """An `unfollow` event: the user stops following; messages to them are refused."""
        self.not_following(user_id)
        return self._follower_event("unfollow", user_id)

    def _follower_event(self, event_name: str, user_id: str) -> dict[str, Any]:
        return {
            "app_id": self.app_id,
            "oa_id": "1800000000000000001",
            "user_id_by_app": f"app-{user_id}",
            "event_name": event_name,
            "timestamp": str(int(time.time() * 1000)),
            "source": "oa_profile",
            "follower": {"id": user_id},
        }

    def anonymous_event(self, anonymous_id: str, text: str) -> dict[str, Any]:
        """An `anonymous_send_text` event: someone who does not follow the OA writes."""
        event = self.event("anonymous_send_text", anonymous_id, text=text)
        event["message"]["conversation_id"] = f"conv-{anonymous_id}"
        # *unsure*: what `message/cs` answers for an anonymous id (no public source); -213
        # here, as for anyone who does not follow.
        self.not_following(anonymous_id)
        return event

    def echo_event(self, user_id: str, text: str) -> dict[str, Any]:
        """The echo of a message the OA itself sent."""
        return self.event("oa_send_text", user_id, text=text)

    def sign(self, body: bytes, timestamp: str, secret_key: str | None = None) -> str:
        """The `X-ZEvent-Signature` header value for a body."""
        key = self.secret_key if secret_key is None else secret_key
        digest = hashlib.sha256(self.app_id.encode() + body + timestamp.encode() + key.encode())
        return f"mac={digest.hexdigest()}"

    async def post_event(
        self,
        url: str,
        event: dict[str, Any],
        *,
        signed: bool = True,
        signature: str | None = None,
        body: bytes | None = None,
    ) -> int:
        """POST an event to a webhook, correctly signed unless told otherwise; the status."""
        raw = body if body is not None else json.dumps(event).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers["X-ZEvent-Signature"] = signature
        elif signed:
            headers["X-ZEvent-Signature"] = self.sign(raw, str(event.get("timestamp", "")))
        async with self.client.post(url, data=raw, headers=headers) as response:
            await response.read()
            return response.status

    async def deliver(
        self,
        url: str,
        event: dict[str, Any],
        *,
        deadline: float = 2.0,
        retry_scale: float = 1.0,
        schedule: tuple[float, ...] = RETRY_SCHEDULE,
    ) -> list[Attempt]:
        """Deliver a signed event like Zalo: retried, unchanged, until answered 200 in time."""
        raw = json.dumps(event).encode()
        headers = {
            "Content-Type": "application/json",
            "X-ZEvent-Signature": self.sign(raw, str(event.get("timestamp", ""))),
        }
        attempts: list[Attempt] = []
        for number, wait in enumerate((0.0, *schedule)):
            await asyncio.sleep(wait * retry_scale)
            started = time.monotonic()
            status: int | None = None
            # The body and signature never change; only `num_retry` counts the attempts.
            sent = {**headers, "num_retry": str(number)}
            try:
                async with asyncio.timeout(deadline):
                    async with self.client.post(url, data=raw, headers=sent) as response:
                        await response.read()
                        status = response.status
            except TimeoutError:
                status = None
            attempts.append(Attempt(status, time.monotonic() - started))
            if status == 200:
                break
        return attempts

    async def verify_webhook(self, url: str) -> int:
        """Zalo's unsigned check of a newly saved webhook URL; the status."""
        async with self.client.post(
            url, data=b"{}", headers={"Content-Type": "application/json"}
        ) as r:
            await r.read()
            return r.status

    # --- inspection ---------------------------------------------------------------------

    async def wait_sent(self, user_id: str, count: int, timeout: float = 30.0) -> None:
        """Wait until `count` messages have been accepted for a user (cheap with many users)."""
        async with asyncio.timeout(timeout):
            while self.sent_count.get(user_id, 0) < count:
                arrived = self._arrived.setdefault(user_id, asyncio.Event())
                arrived.clear()
                await arrived.wait()

    def texts(self, user_id: str | None = None) -> list[str]:
        """Texts accepted (for one user, or all), in order."""
        return [s.text for s in self.sent if user_id is None or s.user_id == user_id]

    # --- the API ------------------------------------------------------------------------

    async def _fault(self, endpoint: str) -> web.Response | None:
        faults = self._faults.get(endpoint)
        if not faults:
            return None
        kind, value, act = faults.popleft()
        if kind == "stall":
            await asyncio.sleep(value)
            return None if act else web.Response(status=504, text="Gateway Timeout")
        page = "<html><body><h1>Error</h1></body></html>"
        return web.Response(status=int(value), text=page, content_type="text/html")

    def _refusal(self, token: str, body: Any, user_id: str, text: Any) -> tuple[int, str] | None:
        """Why Zalo would refuse a message call (code, message), in Zalo's order; or None."""
        expiry = self._access.get(token)
        if expiry is None:
            return (INVALID_TOKEN, "Access token is invalid")
        if self.clock() >= expiry:
            return (EXPIRED, "access_token is expired or removed")
        if body is None or not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            return (BAD_TEXT, "text is invalid!")
        if self._refusals:
            return self._refusals.popleft()
        if user_id and not self.follows(user_id):
            return (NOT_FOLLOWING, "User has not followed OA")
        refused = self._window.get(user_id)
        if refused is not None:
            return refused
        # *unsure*: no public source says whether the 7-day window applies to a GMF group;
        # the fake applies it to users only.
        if self.window is not None and user_id:
            last = self._last_seen.get(user_id)
            if last is None or self.clock() - last > self.window:
                return (OUT_OF_WINDOW, "User has not interacted with OA in past 7 days")
        return None

    async def _message_cs(self, request: web.Request) -> web.Response:
        self.cs_calls += 1
        try:
            body = await request.json()
            user_id = str(body["recipient"]["user_id"])
            text = body["message"]["text"]
        except (ValueError, KeyError, TypeError):
            body, user_id, text = None, "", None
        self.cs_texts.append(text if isinstance(text, str) else "")
        fault = await self._fault("cs")
        if fault is not None:
            return fault
        token = request.headers.get("access_token", "")
        refusal = self._refusal(token, body, user_id, text)
        if refusal is not None:
            self.cs_errors.append(refusal[0])
            return _error(*refusal)
        if self.on_message is not None:
            await self.on_message(token)
        self.sent.append(Sent(user_id, text, token))
        self.sent_count[user_id] = self.sent_count.get(user_id, 0) + 1
        self._arrived.setdefault(user_id, asyncio.Event()).set()
        data = {"message_id": uuid.uuid4().hex, "user_id": user_id}
        return web.json_response({"error": 0, "message": "Success", "data": data})

    async def _group_message(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
            group_id = str(body["recipient"]["group_id"])
            text = body["message"]["text"]
        except (ValueError, KeyError, TypeError):
            body, group_id, text = None, "", None
        fault = await self._fault("group")  # `fail("group", ...)`, `stall("group", ...)`
        if fault is not None:
            return fault
        token = request.headers.get("access_token", "")
        refusal = self._refusal(token, body, "", text)
        if refusal is not None:
            self.cs_errors.append(refusal[0])
            return _error(*refusal)
        self.group_sent.append(Sent(group_id, text, token))
        data = {"message_id": uuid.uuid4().hex}
        return web.json_response({"error": 0, "message": "Success", "data": data})

    async def _user_detail(self, request: web.Request) -> web.Response:
        self.profile_calls += 1
        fault = await self._fault("detail")
        if fault is not None:
            return fault
        expiry = self._access.get(request.headers.get("access_token", ""))
        if expiry is None:
            return _error(INVALID_TOKEN, "Access token is invalid")
        if self.clock() >= expiry:
            return _error(EXPIRED, "access_token is expired or removed")
        try:
            user_id = str(json.loads(request.query.get("data", ""))["user_id"])
        except (ValueError, KeyError, TypeError):
            user_id = ""
        name = self.profiles.get(user_id)
        if name is None:
            return _error(BAD_TEXT, "user_id is invalid")
        data = {"user_id": user_id, "display_name": name, "user_is_follower": True}
        return web.json_response({"error": 0, "message": "Success", "data": data})

    async def _access_token(self, request: web.Request) -> web.Response:
        fault = await self._fault("oauth")
        if fault is not None:
            return fault
        form = await request.post()
        call = {key: str(value) for key, value in form.items()}
        self.refresh_calls.append(call)
        if self.refresh_delay:
            await asyncio.sleep(self.refresh_delay)
        if request.headers.get("secret_key") != self.app_secret:
            return _oauth_error(-14001, "Invalid app secret", "secret_key is wrong")
        if call.get("app_id") != self.app_id or call.get("grant_type") != "refresh_token":
            return _oauth_error(-14002, "Invalid parameter", "app_id or grant_type is wrong")
        token = call.get("refresh_token", "")
        expired = self._refresh_expiry.get(token, 0.0) <= self.clock()
        if token not in self._refresh or self._refresh[token] or expired:
            self.refused_refreshes += 1
            return _oauth_error(
                BAD_REFRESH, "Invalid refresh token", "Refresh token is invalid or already used"
            )
        self._refresh[token] = True
        access, refresh = self.issue_tokens()
        ttl = str(int(self.access_ttl))  # a string, as Zalo sends it
        return web.json_response(
            {"access_token": access, "refresh_token": refresh, "expires_in": ttl}
        )


def _error(code: int, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message})


def _oauth_error(code: int, name: str, description: str) -> web.Response:
    return web.json_response(
        {"error": code, "error_name": name, "error_reason": name, "error_description": description}
    )
