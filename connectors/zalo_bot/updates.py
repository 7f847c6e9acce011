"""Turning Zalo Bot Platform updates into neutral `Incoming` messages (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.base import Attachment, Incoming

PLATFORM = "zalo_bot"
TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"


def unwrap(body: Any) -> Mapping[str, Any] | None:
    """The update inside a webhook body, bare or wrapped in `{"ok", "result"}`."""
    if not isinstance(body, Mapping):
        return None
    if "result" in body and "message" not in body:
        inner = body.get("result")
        if body.get("ok") is False or not isinstance(inner, Mapping):
            return None
        return inner
    return body


def parse_update(update: Mapping[str, Any]) -> Incoming | None:
    """The Incoming for an update, or None when it carries no user message.

    The photo URL of an image is kept in the attachment; downloading it is the connector's job.
    """
    message = update.get("message")
    if not isinstance(message, Mapping):
        return None
    event = str(update.get("event_name") or _guess_event(message))
    if not event.startswith("message."):
        return None
    chat = message.get("chat") if isinstance(message.get("chat"), Mapping) else {}
    sender = message.get("from") if isinstance(message.get("from"), Mapping) else {}
    user_id = _text(sender.get("id")) or _text(chat.get("id"))
    if not user_id:
        return None
    chat_id = _text(chat.get("id")) or user_id
    message_id = _text(message.get("message_id"))
    chat_type = str(chat.get("chat_type") or "PRIVATE").upper()
    common: dict[str, Any] = {
        "platform": PLATFORM,
        "user_id": user_id,
        "chat_id": chat_id,
        "display_name": _text(
            sender.get("display_name") or sender.get("first_name") or sender.get("name")
        ),
        "message_id": message_id,
        "update_id": f"{event}:{message_id}" if message_id else None,
        "is_private": chat_type == "PRIVATE",
        "received_at": _from_millis(message.get("date")),
    }
    if event == TEXT:
        text = message.get("text")
        if not isinstance(text, str):
            return Incoming(**common, unsupported="unsupported")
        return Incoming(**common, text=text)
    if event == IMAGE:
        url = photo_url(message)
        if url is None:
            return Incoming(**common, unsupported="unsupported")
        return Incoming(**common, attachment=Attachment(kind="photo", url=url))
    if event == STICKER:
        return Incoming(**common, unsupported="sticker")
    return Incoming(**common, unsupported="unsupported")


def photo_url(message: Mapping[str, Any]) -> str | None:
    """The image URL of a photo message, whatever shape the platform used."""
    for key in ("photo_url", "photo", "image", "url"):
        value = message.get(key)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
        if isinstance(value, Mapping) and isinstance(value.get("url"), str):
            return value["url"]
        if isinstance(value, list) and value:
            # Largest size last, as in Telegram-like APIs.
            last = value[-1]
            if isinstance(last, Mapping) and isinstance(last.get("url"), str):
                return last["url"]
            if isinstance(last, str):
                return last
    return None


def _guess_event(message: Mapping[str, Any]) -> str:
    # Some clients and older payloads omit event_name; infer it from the content.
    if isinstance(message.get("text"), str):
        return TEXT
    if photo_url(message):
        return IMAGE
    if message.get("sticker"):
        return STICKER
    return UNSUPPORTED


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _from_millis(value: Any) -> datetime | None:
    try:
        millis = float(value)
    except (TypeError, ValueError):
        return None
    if millis < 1e11:  # seconds, not milliseconds
        millis *= 1000
    try:
        return datetime.fromtimestamp(millis / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
