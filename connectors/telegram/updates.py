"""Reading Telegram updates: who wrote, in which chat, and what (text, file, or unsupported)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from aiogram.types import CallbackQuery, Message, Update, User

from connectors.base import Incoming

PLATFORM = "telegram"
# edited_message: an officer correcting "15" to "150" is a correction of that answer.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# What Telegram sends when a media object names no MIME type (voice notes are OGG/Opus and
# round videos MPEG4: https://core.telegram.org/bots/api#voice, #videonote).
_DEFAULT_MIME = {"Voice": "audio/ogg", "Audio": "audio/mpeg", "Video": "video/mp4"}
_DEFAULT_MIME["VideoNote"] = "video/mp4"


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file a user sent, before download."""

    kind: str  # "photo", "file", "audio" or "video"
    file_id: str
    unique_id: str
    size: int | None
    name: str | None
    mime_type: str | None


def chat_key(update: Update) -> str | None:
    """The chat an update belongs to (its updates are handled one at a time, in order)."""
    message = update.message or update.edited_message
    if message is not None:
        return str(message.chat.id)
    query = update.callback_query
    if query is not None:
        if query.message is not None:
            return str(query.message.chat.id)
        return str(query.from_user.id)
    return None


def base_incoming(update: Update, user: User, chat_id: int, chat_type: str) -> dict[str, object]:
    """The fields every Incoming of this update shares."""
    return {
        "platform": PLATFORM,
        "user_id": str(user.id),
        "chat_id": str(chat_id),
        "display_name": user.full_name,
        "language_code": user.language_code,
        "update_id": str(update.update_id),
        "is_private": chat_type == "private",
    }


def message_incoming(update: Update, message: Message, *, edited: bool = False) -> Incoming | None:
    """An Incoming for a message, without its attachment; None for messages of no one.

    For an edit (`edited`), `message_id` is the id of the message that was changed.
    """
    user = message.from_user
    if user is None or user.is_bot:
        return None
    fields = base_incoming(update, user, message.chat.id, message.chat.type)
    text = message.text if message.text is not None else message.caption
    location = location_of(message)
    if edited and location is not None:
        # A live location moves by editing its message every few seconds for up to 8 hours
        # (https://core.telegram.org/bots/api#editmessagelivelocation): the first position
        # answered; the moves are not corrections and get no reply.
        return None
    unsupported = None
    if text is None and location is None and file_of(message) is None:
        content_type = message.content_type
        unsupported = getattr(content_type, "value", str(content_type))
    reply_to = message.reply_to_message
    return Incoming(
        **fields,  # type: ignore[arg-type]
        text=text,
        message_id=str(message.message_id),
        unsupported=unsupported,
        location=location,
        received_at=_received_at(message, edited),
        edited=edited,
        reply_to_message_id=str(reply_to.message_id) if reply_to is not None else None,
    )


def _received_at(message: Message, edited: bool) -> datetime:
    """When the message (or, for an edit, the edit) was made; now if Telegram did not say."""
    if edited and message.edit_date:
        return datetime.fromtimestamp(message.edit_date, UTC)
    return message.date if message.date else datetime.now(UTC)


def callback_incoming(update: Update, query: CallbackQuery, **answer: object) -> Incoming:
    """An Incoming for a button press: `answer` is choice=... or choices=(...)."""
    chat = query.message.chat if query.message is not None else None
    fields = base_incoming(
        update,
        query.from_user,
        chat.id if chat is not None else query.from_user.id,
        chat.type if chat is not None else "private",
    )
    message_id = str(query.message.message_id) if query.message is not None else None
    return Incoming(
        **fields,  # type: ignore[arg-type]
        **answer,  # type: ignore[arg-type]
        message_id=message_id,
        received_at=datetime.now(UTC),
    )


def location_of(message: Message) -> tuple[float, float, float | None] | None:
    """A shared location (or a venue's, which carries one): latitude, longitude, accuracy.

    https://core.telegram.org/bots/api#location: `horizontal_accuracy` is optional (0-1500 m).
    A live location's later positions come as edited messages of the same message.
    """
    place = message.location or (message.venue.location if message.venue else None)
    if place is None:
        return None
    return (place.latitude, place.longitude, place.horizontal_accuracy)


def file_of(message: Message) -> FileRef | None:
    """The photo (largest size), document, voice note, audio, video or round video of a
    message, if any (https://core.telegram.org/bots/api#message)."""
    if message.photo:
        photo = message.photo[-1]
        return FileRef("photo", photo.file_id, photo.file_unique_id, photo.file_size, None, None)
    for kind, media in (
        ("audio", message.voice),  # a voice note: OGG/Opus, no file name
        ("audio", message.audio),
        ("video", message.video),
        ("video", message.video_note),  # a round video: MPEG4, no file name or MIME type
    ):
        if media is not None:
            name = getattr(media, "file_name", None)
            mime = getattr(media, "mime_type", None) or _DEFAULT_MIME[media.__class__.__name__]
            return FileRef(kind, media.file_id, media.file_unique_id, media.file_size, name, mime)
    document = message.document
    if document is not None:
        return FileRef(
            "file",
            document.file_id,
            document.file_unique_id,
            document.file_size,
            document.file_name,
            document.mime_type,
        )
    return None


def utf16_length(text: str) -> int:
    """The length of a text as Telegram counts it (UTF-16 code units, not code points)."""
    return len(text.encode("utf-16-le")) // 2
