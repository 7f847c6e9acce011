"""Reading Telegram updates: who wrote, in which chat, and what (text, file, or unsupported)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from aiogram.types import CallbackQuery, Message, Update, User

from connectors.base import Incoming

PLATFORM = "telegram"
# edited_message: an officer correcting "15" to "150" is a correction of that answer.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file a user sent, before download."""

    kind: str  # "photo" or "file"
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
    unsupported = None
    if text is None and not message.photo and message.document is None:
        content_type = message.content_type
        unsupported = getattr(content_type, "value", str(content_type))
    reply_to = message.reply_to_message
    return Incoming(
        **fields,  # type: ignore[arg-type]
        text=text,
        message_id=str(message.message_id),
        unsupported=unsupported,
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


def file_of(message: Message) -> FileRef | None:
    """The photo (largest size) or document of a message, if any."""
    if message.photo:
        photo = message.photo[-1]
        return FileRef("photo", photo.file_id, photo.file_unique_id, photo.file_size, None, None)
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
