"""Turning Zalo Bot Platform updates into neutral `Incoming` messages (pure functions).

Read as the Telegram connector reads its messages: the text where there is text (a photo's
caption included), a photo or a file as an attachment (its URL, downloaded by the connector),
and anything else (a sticker, a voice message, a location) marked `unsupported` with its
kind, so that the application answers it politely.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors._http import valid_id
from connectors.base import Attachment, Incoming

PLATFORM = "zalo_bot"
TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
# Kinds that carry no readable answer, by the word in "message.<kind>.received".
UNREADABLE = {"sticker": "sticker", "voice": "voice", "audio": "voice", "location": "location"}
FILE_KINDS = ("file", "document")


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
    kind = event.split(".")[1] if event.count(".") >= 2 else "unsupported"
    if kind == "text" and isinstance(message.get("text"), str):
        return Incoming(**common, text=message["text"])
    text = _readable(message.get("text")) or _readable(message.get("caption"))
    if kind == "image":
        url = photo_url(message)
        if url is not None:
            return Incoming(**common, text=text, attachment=Attachment(kind="photo", url=url))
    if kind in FILE_KINDS:
        url = _url(message.get("file_url") or message.get("url") or message.get("file"))
        if url is not None:
            name = _text(message.get("file_name") or message.get("name"))
            attachment = Attachment(kind="file", url=url, name=name[:200] if name else None)
            return Incoming(**common, text=text, attachment=attachment)
    if text is not None and kind in ("text", "image", "unsupported", *FILE_KINDS):
        return Incoming(**common, text=text)
    return Incoming(**common, unsupported=UNREADABLE.get(kind, "unsupported"))


def check_ids(update: Mapping[str, Any]) -> str | None:
    """What is wrong with an update's ids (types, lengths), or None when they look right."""
    message = update.get("message")
    if message is None:
        return None
    if not isinstance(message, Mapping):
        return "message is not an object"
    event = update.get("event_name")
    if event is not None and not valid_id(event, 64):
        return "event_name is not a short string"
    for party in ("from", "chat"):
        value = message.get(party)
        if value is None:
            continue
        if not isinstance(value, Mapping) or not valid_id(value.get("id"), 64):
            return f"message.{party}.id is not an id"
    message_id = message.get("message_id")
    if message_id is not None and not valid_id(message_id, 128):
        return "message_id is not an id"
    return None


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


def _readable(value: Any) -> str | None:
    """A text or caption the user typed (not empty)."""
    return value if isinstance(value, str) and value.strip() else None


def _url(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("url")
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return value
    return None


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
