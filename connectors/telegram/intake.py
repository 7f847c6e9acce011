"""Messages in: one at a time, or held and joined (album photos, parts of a long paste).

A mixin of `TelegramConnector` (kept apart so each module stays small). A message is handled
at once unless it belongs to a group (`gather`): photos sharing a `media_group_id` become one
Incoming with several attachments; a text of at least `paste_min_chars` starts a paste, and
the text messages following it within `paste_window` are joined to it (with a line break: the
client cut the paste at one), the officer being told so. A part shorter than a full one ends
the paste at once.

Photos and documents are handed over lazily: an `Attachment` with Telegram's file id and the
declared size, no bytes. The application calls `fetch_attachment` only for a registered person
from whom it expects a file, so a stranger's or a group's upload never reaches the disk.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Message, Update

from connectors.base import (
    Attachment,
    AttachmentUnavailable,
    Incoming,
    Outgoing,
)
from connectors.telegram import media
from connectors.telegram.config import TelegramConfig
from connectors.telegram.gather import Batch, Gatherer
from connectors.telegram.updates import FileRef, file_of, message_incoming, utf16_length

log = logging.getLogger(__name__)
PASTE = "paste"
MAX_PASTE_PARTS = 16  # 16 full parts: 65,536 characters, far above any form's answer
MAX_ALBUM_ITEMS = 10  # Telegram's own album limit (sendMediaGroup: 2-10 items)


class IntakeMixin:
    """Message handling for the connector; needs the attributes declared below."""

    bot: Bot
    config: TelegramConfig
    media_dir: Path
    _gather: Gatherer
    _unsettled: dict[str, int]  # chats with an update handled before its answer, in hand
    _ask: Callable[[Incoming], Awaitable[tuple[Sequence[Outgoing], bool]]]
    _reply: Callable[[str, Sequence[Outgoing]], None]
    _question_of: Callable[[str, str | None], str | None]

    async def _on_message(
        self, update: Update, message: Message, chat: str, stored: Incoming | None = None
    ) -> None:
        """Handle a message now, or hold it in its group. `stored`: the Incoming the webhook
        stored for it on arrival (`arrivals`), which was handled alone by definition."""
        group = self._group_of(chat, message) if stored is None else None
        await self._gather.flush_chat(chat, keep=group)
        if group is None:
            await self._handle_messages([(update, message)], stored=stored)
            return
        paste = group == PASTE
        window = self.config.paste_window if paste else self.config.album_window
        batch = self._gather.hold(chat, group, update, message, window)
        # A part shorter than a full one is the last of the paste: no need to wait. A group
        # at its bound goes at once too, so nobody can make the bot hold text without end.
        last = paste and utf16_length(message.text or "") < self.config.paste_min_chars
        if last or len(batch.items) >= (MAX_PASTE_PARTS if paste else MAX_ALBUM_ITEMS):
            taken = self._gather.take(chat, group)
            if taken is not None:
                await self._flush_batch(taken)

    def _group_of(self, chat: str, message: Message, *, arriving: bool = False) -> str | None:
        """The group a message is held in: an album, a paste, or none (handled at once).

        The one definition of "gathered with its neighbours", asked when the message is
        handled and, with `arriving`, by the webhook when it arrives (`arrivals`): then an
        update of the chat still in hand before the answer may yet start a paste, so a text
        counts as one that may join it (None on arrival means None when handled).
        """
        if message.media_group_id and file_of(message) is not None:
            return f"album:{message.media_group_id}"
        text = message.text
        if text is None or text.startswith("/"):
            return None
        if self._gather.held(chat, PASTE) is not None or (arriving and chat in self._unsettled):
            return PASTE
        return PASTE if utf16_length(text) >= self.config.paste_min_chars else None

    async def _flush_batch(self, batch: Batch) -> None:
        await self._handle_messages(batch.items)

    async def _handle_messages(
        self,
        items: list[tuple[Update, Message]],
        *,
        edited: bool = False,
        stored: Incoming | None = None,
    ) -> None:
        """One Incoming for one message, a joined paste or an album; then the handler.

        A message the webhook stored on arrival is handled as `stored` (the very Incoming a
        crash would replay), not read a second time.
        """
        incoming = stored if stored is not None else self._incoming_of(items, edited=edited)
        if incoming is None:
            return
        replies, _ = await self._ask(incoming)
        self._reply(incoming.chat_id, replies)

    def _incoming_of(
        self, items: list[tuple[Update, Message]], *, edited: bool = False
    ) -> Incoming | None:
        """What the handler gets for these messages; None for a message of no one (a bot).

        The webhook stores the same Incoming for a lone message before answering it
        (`arrivals`), so a crash between the answer and the handling loses nothing.
        """
        first_update, first = items[0]
        incoming = message_incoming(first_update, first, edited=edited)
        if incoming is None:
            return None
        attachments = [lazy(ref) for _, m in items if (ref := file_of(m)) is not None]
        texts = [text for _, m in items if (text := m.text if m.text is not None else m.caption)]
        text = "\n".join(texts) if texts else None
        # `parts` tells the application the text was joined: it says so, in the person's
        # language, with the answer it stored (one sentence, not one here and one there).
        return replace(
            incoming,
            text=text,
            attachment=attachments[0] if attachments else None,
            attachments=tuple(attachments),
            parts=len(items) if not attachments else 1,
            reply_to_question=self._question_of(incoming.chat_id, incoming.reply_to_message_id),
        )

    async def fetch_attachment(
        self, attachment: Attachment, folder: Path, max_bytes: int
    ) -> Attachment:
        """Download a lazy attachment of this connector into `folder` (see `connectors.base`).

        The limit is the lower of `max_bytes` and the configured per-file limit.
        """
        if not attachment.file_id:
            raise AttachmentUnavailable("the attachment has no Telegram file id")
        ref = FileRef(
            attachment.kind,
            attachment.file_id,
            "",
            attachment.size,
            attachment.name,
            attachment.mime_type,
        )
        limit = min(max_bytes, self.config.max_file_bytes)
        try:
            return await media.download(
                self.bot, ref, folder, limit, retry_base_delay=self.config.retry_base_delay
            )
        except (media.DownloadFailed, TelegramAPIError, OSError) as error:
            log.error("telegram: could not download file %s: %s", attachment.file_id, error)
            raise AttachmentUnavailable(str(error)) from error


def lazy(ref: FileRef) -> Attachment:
    """The attachment as handed over before download: Telegram's reference and claims only."""
    mime = ref.mime_type or ("image/jpeg" if ref.kind == "photo" else None)
    return Attachment(
        kind=ref.kind, file_id=ref.file_id, name=ref.name, size=ref.size, mime_type=mime
    )
