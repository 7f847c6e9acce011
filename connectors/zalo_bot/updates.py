"""Turning Zalo Bot Platform updates into neutral `Incoming` messages (pure functions).

Read as the Telegram connector reads its messages: the text where there is text (a photo's
or a file's caption included), a photo, a file, a voice note or a video as an attachment (its
URL, downloaded by the connector), a shared location as a position, and anything else (a
sticker, a voice note or a location without its content) marked `unsupported` with its kind,
so that the application answers it politely.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors._http import valid_id
from connectors.base import Attachment, Incoming

PLATFORM = "zalo_bot"
# The four events Zalo documents (bot.zaloplatforms.com/docs, getUpdates and Webhook; the
# same four in openclaw's Zalo Bot client, extensions/zalo/src/api.ts `ZaloUpdate`). Voice,
# files, locations and videos come as "unsupported"; their fields are not documented, so the
# kind is read from the hints production parsers look at (openclaw's
# extensions/zalo/src/inbound-parsing.ts: `message_type`, `attachments[].type`, and keys such as
# `file`, `voice`, `audio`, `video`), and "message.<kind>.received" is read too.
TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
# Kinds with no readable content, by the word in "message.<kind>.received" or a hint.
UNREADABLE = {"sticker": "sticker", "voice": "voice", "audio": "voice", "location": "location"}
# Media read as the Telegram connector reads them: an attachment of this kind (a voice note is
# "audio" there too), downloaded by the connector.
MEDIA = {"file": "file", "document": "file", "voice": "audio", "audio": "audio", "video": "video"}
FILE_KINDS = ("file", "document")
HINTS = ("location", "voice", "audio", "video", "file", "document", "sticker", "image")


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
    if kind not in ("text", "image", "sticker", *MEDIA, "location"):
        kind = _hint(message) or "unsupported"
    return Incoming(**common, **_content(kind, message))


def _content(kind: str, message: Mapping[str, Any]) -> dict[str, Any]:
    """The Incoming fields of a message of `kind`: text, attachment, location or unsupported."""
    if kind == "text" and isinstance(message.get("text"), str):
        return {"text": message["text"]}
    text = _readable(message.get("text")) or _readable(message.get("caption"))
    if kind == "image":
        url = photo_url(message)
        if url is not None:
            # The URL is also the file's reference (`file_id`): lazy until downloaded.
            return {"text": text, "attachment": Attachment(kind="photo", url=url, file_id=url)}
    if kind == "location":
        place = location_of(message)
        if place is not None:
            return {"location": place}
    if kind in MEDIA:
        url = _media_url(message, kind)
        if url is not None:
            name = _text(
                message.get("file_name") or message.get("name") or _attached(message, kind, "name")
            )
            label = name[:200] if name else None
            attachment = Attachment(kind=MEDIA[kind], url=url, file_id=url, name=label)
            return {"text": text, "attachment": attachment}
    if text is not None and kind not in UNREADABLE:
        return {"text": text}
    link = link_of(message) if kind not in UNREADABLE else None
    if link is not None:  # a pasted link without a text: the link is what the user sent
        return {"text": link}
    return {"unsupported": UNREADABLE.get(kind, "unsupported")}


def link_of(message: Mapping[str, Any]) -> str | None:
    """The URL of a shared link: `link`, `links[]`, or a "link" attachment. Zalo's Bot docs do
    not describe links; these are the fields openclaw reads as a link preview in an
    unsupported message (extensions/zalo/src/inbound-parsing.ts, `extractLinkPreviewText`)."""
    candidates: list[Any] = [message.get("link")]
    links = message.get("links")
    if isinstance(links, list):
        candidates.extend(links[:5])
    for attachment in _attachments(message):
        if "link" in str(attachment.get("type") or attachment.get("media_type") or "").lower():
            candidates.extend((attachment.get("payload"), attachment))
    for candidate in candidates:
        url = _url(candidate)
        if url is not None:
            return url
    return None


def location_of(message: Mapping[str, Any]) -> tuple[float, float, None] | None:
    """A shared position: `location` {latitude, longitude} (numbers or strings), or a
    "location" attachment with `payload.coordinates` as Zalo's OA events send it
    (developers.zalo.me, Official Account webhook "user_send_location"). No accuracy."""
    place = message.get("location")
    if not isinstance(place, Mapping):
        payload = _attachment(message, "location")
        place = payload.get("coordinates") if payload is not None else None
    if not isinstance(place, Mapping):
        return None
    try:
        lat, lon = float(place["latitude"]), float(place["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (lat, lon, None)


def _hint(message: Mapping[str, Any]) -> str | None:
    """The kind of an "unsupported" message, from the hints it carries, or None."""
    words: list[str] = []
    if isinstance(message.get("message_type"), str):
        words.append(message["message_type"].lower())
    for attachment in _attachments(message):
        words.extend(str(attachment.get(k) or "").lower() for k in ("type", "media_type"))
    words.extend(key for key in HINTS if message.get(key))
    for word in words:
        for kind in HINTS:
            if kind in word:
                return "sticker" if kind == "image" and "sticker" in word else kind
    return None


def _media_url(message: Mapping[str, Any], kind: str) -> str | None:
    for key in (kind, "file_url", "url", "file"):
        url = _url(message.get(key))
        if url is not None:
            return url
    return _url(_attached(message, kind, "url"))


def _attachments(message: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = message.get("attachments")
    if not isinstance(found, list):
        return []
    return [item for item in found if isinstance(item, Mapping)]


def _attachment(message: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    """The payload of the first attachment of `kind` (a voice note may say "audio")."""
    for attachment in _attachments(message):
        if MEDIA.get(str(attachment.get("type")), attachment.get("type")) != MEDIA.get(kind, kind):
            continue
        payload = attachment.get("payload")
        return payload if isinstance(payload, Mapping) else attachment
    return None


def _attached(message: Mapping[str, Any], kind: str, field: str) -> Any:
    payload = _attachment(message, kind)
    return payload.get(field) if payload is not None else None


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
