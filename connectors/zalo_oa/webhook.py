"""Checking a Zalo OA webhook call before anything acts on it.

Zalo answers its own failures with retries: it expects HTTP 200 within about 2 seconds, else
it sends the SAME event again (same body, timestamp and signature) on a growing schedule
(about 30 s, 5 min, 15 min, 30 min, 1 h, ...) and disables the webhook after about 12 hours
of failures (issue 14, from Zalo's OA webhook documentation and production integrations such
as Chatwoot's `Webhooks::ZaloController`, which answers 200 at once and works in a job). So:

- The signature is checked first, on the raw bytes and before any JSON parsing. It covers
  app id + body + timestamp + OA secret key, and the timestamp sits inside the body, so the
  candidate timestamps are read with one bounded regex, never by parsing unauthenticated JSON.
- A signed event is accepted if its event id (the `msg_id`, or a hash of the signed body when
  it has none) was not processed yet: a retry of an event already handled is answered 200 and
  changes nothing, whatever its age.
- The age window protects only against unknown ids older than Zalo's retry horizon
  (`max_age`, 13 hours by default; a few minutes into the future for clock skew): a captured
  event replayed later than that is refused even if this process forgot its id.
- An unsigned `{}` (Zalo's check of a newly saved webhook URL, per one public source) and a
  GET are answered 200 and change nothing.
- Bodies are bounded (size, JSON depth), ids checked by type and length; every malformed call
  is a 4xx with one warning line, never a traceback. A signed event the bot does not act on
  (anything but `user_send_*`) is answered 200 whatever the shape of its parties: Zalo takes
  any other answer as a failed delivery, retries it, and disables a webhook that keeps failing.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict
from typing import Any

from connectors._http import BadBody, load_object, valid_id
from connectors.zalo_oa.signature import signature_matches

RETRY_HORIZON = 13 * 3600.0  # seconds: Zalo gives up retrying (and disables) after ~12 h
FUTURE_SKEW = 300.0  # seconds an event may be early (clocks differ)
# A top-level "timestamp" member, not one inside a string (those are escaped: \"timestamp\").
_TIMESTAMP = re.compile(rb'(?<!\\)"timestamp"\s{0,8}:\s{0,8}"?(\d{1,16})"?')
MAX_CANDIDATES = 4


class Refusal(Exception):
    """A call refused with `status`; `reason` goes to the one warning line."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def is_verification(raw: bytes) -> bool:
    """Whether an unsigned body is Zalo's empty probe of a new webhook URL."""
    return raw.strip() in (b"", b"{}")


def authenticate(
    raw: bytes, header: str, *, app_id: str, secret_key: str
) -> tuple[dict[str, Any], str]:
    """The event and its timestamp, if the signature matches; else Refusal (403 or 400)."""
    for match in list(_TIMESTAMP.finditer(raw[: 64 * 1024]))[:MAX_CANDIDATES]:
        timestamp = match.group(1).decode()
        if signature_matches(header, app_id, raw, timestamp, secret_key):
            break
    else:
        raise Refusal(403, "bad signature")
    try:
        event = load_object(raw)
    except BadBody as exc:
        raise Refusal(exc.status, f"signed but malformed: {exc}") from None
    if str(event.get("timestamp", "")) != timestamp:
        raise Refusal(403, "signed timestamp is not the event's")
    return event, timestamp


def check_shape(event: dict[str, Any], app_id: str) -> None:
    """Refusal when the event's ids are not what Zalo sends (types, lengths, our app)."""
    if str(event.get("app_id", app_id)) != app_id:
        raise Refusal(403, "event for another app")
    name = event.get("event_name")
    if name is not None and not valid_id(name, 64):
        raise Refusal(400, "event_name is not a short string")
    if not str(name or "").startswith("user_send_"):
        # Not a message the bot acts on (a follow, a read receipt, a ZNS delivery whose
        # `sender` is a bare string, ...): whatever its shape, it is ignored and answered 200,
        # since Zalo counts any other answer to its own signed event as a failed delivery.
        return
    for party in ("sender", "recipient"):
        value = event.get(party)
        if value is None:
            continue
        if not isinstance(value, dict) or not valid_id(value.get("id"), 64):
            raise Refusal(400, f"{party}.id is not an id")
    message = event.get("message")
    if message is not None:
        if not isinstance(message, dict):
            raise Refusal(400, "message is not an object")
        msg_id = message.get("msg_id")
        if msg_id is not None and not valid_id(msg_id, 128):
            raise Refusal(400, "msg_id is not an id")


def event_id(event: dict[str, Any], raw: bytes) -> str:
    """The event's id: its msg_id, else a hash of the signed body (a retry repeats both)."""
    message = event.get("message")
    msg_id = message.get("msg_id") if isinstance(message, dict) else None
    if msg_id and valid_id(msg_id, 128):
        return f"msg:{msg_id}"
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:40]


def check_age(timestamp: str, max_age: float, now: float | None = None) -> None:
    """Refusal for an unknown event older than the retry horizon or from the future."""
    current = time.time() if now is None else now
    age = current - int(timestamp) / 1000
    if age > max_age:
        raise Refusal(403, f"unknown event {age / 3600:.1f} h old, past Zalo's retry horizon")
    if age < -FUTURE_SKEW:
        raise Refusal(403, "event timestamp in the future")


class SeenEvents:
    """Ids of events taken in, kept for the retry horizon (bounded in number)."""

    def __init__(self, horizon: float = RETRY_HORIZON, limit: int = 100_000) -> None:
        self._horizon = horizon
        self._limit = limit
        self._seen: OrderedDict[str, float] = OrderedDict()

    def __contains__(self, key: object) -> bool:
        at = self._seen.get(key) if isinstance(key, str) else None
        return at is not None and time.monotonic() - at <= self._horizon

    def claim(self, key: str, now: float | None = None) -> bool:
        """True the first time an id is claimed within the horizon, False for a repeat."""
        current = time.monotonic() if now is None else now
        while self._seen:
            oldest, at = next(iter(self._seen.items()))
            if current - at <= self._horizon and len(self._seen) < self._limit:
                break
            del self._seen[oldest]
        if key in self._seen:
            return False
        self._seen[key] = current
        return True

    def forget(self, key: str) -> None:
        """Let an id be claimed again (its event was not taken in after all)."""
        self._seen.pop(key, None)
