"""Turning Zalo OA webhook events into neutral `Incoming` messages (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.base import Attachment, Incoming

PLATFORM = "zalo_oa"
GROUP_PREFIX = "user_send_group_"  # a user writing in one of the OA's GMF chat groups


def parse_event(event: Mapping[str, Any], event_id: str | None = None) -> Incoming | None:
    """The Incoming for a user's message event; None for OA echoes and other events.

    `event_id` (the webhook's id of the event) names an update without a msg_id, so that a
    replay of it is recognised downstream too. A message in one of the OA's chat groups
    (`user_send_group_*`: developers.zalo.me, OA webhook, "tin nhắn gửi tới nhóm") is read
    like its one-to-one twin, in the group's chat (`recipient.id` is the group's id).
    """
    name = str(event.get("event_name") or "")
    if not name.startswith("user_send_"):
        return None  # oa_* echoes of our own messages, follows, reactions, ...
    sender = event.get("sender")
    user_id = str(sender.get("id") or "") if isinstance(sender, Mapping) else ""
    if not user_id:
        return None
    chat_id = user_id
    if name.startswith(GROUP_PREFIX):
        recipient = event.get("recipient")
        chat_id = str(recipient.get("id") or "") if isinstance(recipient, Mapping) else ""
        if not chat_id:
            return None
    message = event.get("message") if isinstance(event.get("message"), Mapping) else {}
    msg_id = message.get("msg_id")
    kind = name.removeprefix(GROUP_PREFIX).removeprefix("user_send_")
    return Incoming(
        platform=PLATFORM,
        user_id=user_id,
        chat_id=chat_id,
        message_id=str(msg_id) if msg_id else None,
        update_id=f"{name}:{msg_id}" if msg_id else (f"{name}:{event_id}" if event_id else None),
        is_private=chat_id == user_id,
        received_at=_from_millis(event.get("timestamp")),
        **_content(kind, message),
    )


def _content(kind: str, message: Mapping[str, Any]) -> dict[str, Any]:
    """The Incoming fields of a message of this kind ("text", "image", ...)."""
    text = message.get("text")
    if kind == "text":
        return {"text": text} if isinstance(text, str) else {"unsupported": "unsupported"}
    if kind == "link":  # a pasted link: what the user typed, else the link itself
        url = attachment_url(message, "link")
        typed = text if isinstance(text, str) and text.strip() else url
        return {"text": typed} if typed else {"unsupported": "unsupported"}
    if kind in _KINDS:
        found = _attachments_of(message, kind)
        if not found:
            return {"unsupported": "unsupported"}
        if len(found) == 1:
            return {"attachment": found[0]}
        return {"attachment": found[0], "attachments": tuple(found)}  # several sent at once
    if kind == "location":
        location = location_of(message)
        return {"location": location} if location is not None else {"unsupported": "location"}
    if kind in ("sticker", "gif"):
        return {"unsupported": "sticker"}
    return {"unsupported": "unsupported"}


# Zalo's attachment type -> ours (a photo is "photo" everywhere in the bot).
_KINDS = {"image": "photo", "audio": "audio", "video": "video", "file": "file"}
MAX_ATTACHMENTS = 10  # files of one event kept (several photos sent at once arrive together)


def _attachments_of(message: Mapping[str, Any], kind: str) -> list[Attachment]:
    """Every attachment of this type (an image's may say "photo", as one integration shows),
    its URL also its reference (`file_id`): lazy until downloaded."""
    types = ("image", "photo") if kind == "image" else (kind,)
    found: list[Attachment] = []
    items = message.get("attachments")
    for item in items[:MAX_ATTACHMENTS] if isinstance(items, list) else ():
        if not isinstance(item, Mapping) or item.get("type") not in types:
            continue
        payload = item.get("payload")
        if not isinstance(payload, Mapping):
            continue
        url, name = payload.get("url"), payload.get("name")
        if not isinstance(url, str):
            continue
        label = name[:200] if kind == "file" and isinstance(name, str) and name.strip() else None
        found.append(Attachment(kind=_KINDS[kind], url=url, file_id=url, name=label))
    return found


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
    production integration logged; developers.zalo.me, Official Account webhook events); a
    public guide (github.com/hoangnd25/monorepo, wip/zalo-platform-integration.md) shows
    them as `message.location` instead, read too. Zalo gives no accuracy."""
    payload = _payload(message, "location")
    coordinates = payload.get("coordinates") if payload is not None else None
    if coordinates is None:  # `message.location`, as a public guide shows it
        coordinates = message.get("location")
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
