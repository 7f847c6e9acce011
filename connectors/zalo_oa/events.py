"""Turning Zalo OA webhook events into neutral `Incoming` messages (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.base import Attachment, Incoming

PLATFORM = "zalo_oa"


def parse_event(event: Mapping[str, Any], event_id: str | None = None) -> Incoming | None:
    """The Incoming for a user's message event; None for OA echoes and other events.

    `event_id` (the webhook's id of the event) names an update without a msg_id, so that a
    replay of it is recognised downstream too.
    """
    name = str(event.get("event_name") or "")
    if not name.startswith("user_send_"):
        return None  # oa_* echoes of our own messages, follows, reactions, ...
    sender = event.get("sender")
    user_id = str(sender.get("id") or "") if isinstance(sender, Mapping) else ""
    if not user_id:
        return None
    message = event.get("message") if isinstance(event.get("message"), Mapping) else {}
    msg_id = message.get("msg_id")
    common: dict[str, Any] = {
        "platform": PLATFORM,
        "user_id": user_id,
        "chat_id": user_id,
        "message_id": str(msg_id) if msg_id else None,
        "update_id": f"{name}:{msg_id}" if msg_id else (f"{name}:{event_id}" if event_id else None),
        "is_private": True,
        "received_at": _from_millis(event.get("timestamp")),
    }
    if name == "user_send_text":
        text = message.get("text")
        if isinstance(text, str):
            return Incoming(**common, text=text)
        return Incoming(**common, unsupported="unsupported")
    if name == "user_send_image":
        url = image_url(message)
        if url is not None:
            return Incoming(**common, attachment=Attachment(kind="photo", url=url))
        return Incoming(**common, unsupported="unsupported")
    if name in ("user_send_audio", "user_send_video"):
        kind = name.removeprefix("user_send_")
        url = attachment_url(message, kind)
        if url is not None:
            return Incoming(**common, attachment=Attachment(kind=kind, url=url))
        return Incoming(**common, unsupported="unsupported")
    if name == "user_send_location":
        location = location_of(message)
        if location is not None:
            return Incoming(**common, location=location)
        return Incoming(**common, unsupported="location")
    if name in ("user_send_sticker", "user_send_gif"):
        return Incoming(**common, unsupported="sticker")
    return Incoming(**common, unsupported="unsupported")


def image_url(message: Mapping[str, Any]) -> str | None:
    """The URL of the first image attachment."""
    return attachment_url(message, "image")


def attachment_url(message: Mapping[str, Any], kind: str) -> str | None:
    """The URL of the first attachment of this type ("image", "audio", "video")."""
    payload = _payload(message, kind)
    if payload is not None and isinstance(payload.get("url"), str):
        return payload["url"]
    return None


def location_of(message: Mapping[str, Any]) -> tuple[float, float, None] | None:
    """The position of a `user_send_location` event. Zalo sends the coordinates as strings
    in a "location" attachment: {"payload": {"coordinates": {"latitude": "10.79",
    "longitude": "106.78"}}, "type": "location"}, with the place's name as `text` (the shape a
    production integration logged; developers.zalo.me, Official Account webhook events).
    Zalo gives no accuracy."""
    payload = _payload(message, "location")
    coordinates = payload.get("coordinates") if payload is not None else None
    if not isinstance(coordinates, Mapping):
        return None
    try:
        lat, lon = float(coordinates["latitude"]), float(coordinates["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return (lat, lon, None)


def _payload(message: Mapping[str, Any], kind: str) -> Mapping[str, Any] | None:
    attachments = message.get("attachments")
    if not isinstance(attachments, list):
        return None
    for attachment in attachments:
        if not isinstance(attachment, Mapping) or attachment.get("type") != kind:
            continue
        payload = attachment.get("payload")
        if isinstance(payload, Mapping):
            return payload
    return None


def _from_millis(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
