"""The Zalo half of the fuzz drill: both Zalo webhooks of the running bot, fuzzed.

`/webhook/zalo-bot` authenticates by the `X-Bot-Api-Secret-Token` header, `/webhook/zalo-oa`
by `X-ZEvent-Signature` (sha256 of app id + body + the body's timestamp + OA secret key).
Most requests carry no, a wrong or a non-UTF-8 credential (pre-authentication: never a 5xx);
some are correctly authenticated but carry odd payloads (ids of every JSON type, deep nesting,
missing fields), to find 5xx after authentication too. The platforms are the fakes in
`tests/fakes/` (the connector starts against them: getMe, setWebhook, the OA token refresh).
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.zalo_bot import FakeZaloBot
from tests.fakes.zalo_oa import FakeZaloOa

BOT_PATH = "/webhook/zalo-bot"
OA_PATH = "/webhook/zalo-oa"
BOT_SECRET = "drill-zalo-bot-secret"
ODD: list[Any] = [{"x": 1}, [1, 2], "12", -1, 2**70, 1.5, None, True, "", "🙂" * 50]
# Mostly texts a person types; one in eight over the 64 KiB body limit.
TEXTS = ["/start", "/start " + "A" * 300, "12", "💥", "hello", "/xem", "\u0000", "x" * 70000]
BAD_CREDENTIALS: list[bytes | None] = [None, b"wrong", b"\xff\xfe\xfd", b"x" * 5000, b"mac="]


@dataclass
class ZaloRequest:
    """One fuzzed request to a Zalo webhook."""

    path: str
    headers: dict[str, bytes]
    body: bytes
    authenticated: bool


@dataclass
class ZaloTargets:
    """The two Zalo fakes the bot starts against, and the fuzzed requests for its webhooks."""

    bot: FakeZaloBot = field(default_factory=FakeZaloBot)
    oa: FakeZaloOa = field(default_factory=FakeZaloOa)

    async def start(self) -> None:
        """Start both fakes."""
        await self.bot.start()
        await self.oa.start()

    async def stop(self) -> None:
        """Stop both fakes."""
        await self.bot.stop()
        await self.oa.stop()

    def env(self, http_port: int) -> dict[str, str]:
        """The bot's environment for both connectors, the Zalo Bot one in webhook mode."""
        _access, refresh = self.oa.issue_tokens()
        webhook = f"http://127.0.0.1:{http_port}{BOT_PATH}"
        return {
            **self.bot.env(
                REPORTBOT_ZALO_BOT_WEBHOOK_URL=webhook,
                REPORTBOT_ZALO_BOT_WEBHOOK_SECRET=BOT_SECRET,
            ),
            **self.oa.env(refresh),
        }

    def request(self, rng: random.Random, body: bytes) -> ZaloRequest:
        """A fuzzed request to one of the two webhooks (`body`: the generic fuzzed body)."""
        authenticated = rng.random() < 0.4
        if rng.random() < 0.5:
            payload = _bot_update(rng) if authenticated else body
            credential = BOT_SECRET.encode() if authenticated else rng.choice(BAD_CREDENTIALS)
            headers = {} if credential is None else {"X-Bot-Api-Secret-Token": credential}
            return ZaloRequest(BOT_PATH, headers, payload, authenticated)
        payload = self._oa_event(rng) if authenticated else body
        if authenticated:
            credential: bytes | None = self._sign(payload).encode()
        else:
            credential = rng.choice(BAD_CREDENTIALS)
        headers = {} if credential is None else {"X-ZEvent-Signature": credential}
        return ZaloRequest(OA_PATH, headers, payload, authenticated)

    def _oa_event(self, rng: random.Random) -> bytes:
        text = rng.choice(TEXTS)
        message: dict[str, Any] = {"msg_id": _maybe(rng, f"m{rng.random()}"), "text": text}
        if rng.random() < 0.1:
            del message["msg_id"]  # a signed event without msg_id (found replayable, issue 12)
        event: dict[str, Any] = {
            "app_id": _maybe(rng, self.oa.app_id),
            "event_name": _maybe(rng, rng.choice(["user_send_text", "user_send_image", "follow"])),
            "timestamp": str(int(time.time() * 1000)),
            "sender": {"id": _maybe(rng, str(rng.randint(1, 10**18)))},
            "recipient": {"id": _maybe(rng, "1800000000000000001")},
            "message": _maybe(rng, message),
        }
        if rng.random() < 0.1:
            event["message"] = json.loads("[" * 30 + "1" + "]" * 30)
        return json.dumps(event).encode()

    def _sign(self, body: bytes) -> str:
        timestamp = json.loads(body)["timestamp"]
        key = self.oa.app_id.encode() + body + timestamp.encode() + self.oa.secret_key.encode()
        return "mac=" + hashlib.sha256(key).hexdigest()


def _maybe(rng: random.Random, good: Any) -> Any:
    """`good` three times in four, else a value of an odd JSON type."""
    return good if rng.random() < 0.75 else rng.choice(ODD)


def _bot_update(rng: random.Random) -> bytes:
    """A Zalo Bot update (Telegram-like shape) with some fields of odd types."""
    text = rng.choice(TEXTS)
    message = {
        "message_id": _maybe(rng, f"m{rng.random()}"),
        "date": _maybe(rng, int(time.time() * 1000)),
        "chat": {"id": _maybe(rng, str(rng.randint(1, 10**18))), "chat_type": "PRIVATE"},
        "from": {"id": _maybe(rng, str(rng.randint(1, 10**18))), "display_name": "X"},
        "text": _maybe(rng, text),
    }
    update = {
        "ok": _maybe(rng, True),
        "result": {"event_name": _maybe(rng, "message.text.received"), "message": message},
    }
    return json.dumps(update).encode()
