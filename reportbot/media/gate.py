"""The media gate: a file is fetched only from a registered person who is expected to send one.

Connectors that declare `FetchesAttachments` hand over lazy attachments (a platform file id,
no bytes). This middleware runs inside the person's lock, after registration, so the sender
is known. It fetches the files only when the person is answering a photo or file question
(or is an admin sending a form template); otherwise the message goes on with its lazy
attachment and the engine answers that no file is expected, without a byte on disk.

Fetched files go to the person's folder (`files.person_folder`) within what is left of their
quota; a file whose answer the engine did not keep (a refused answer, a command caption) is
deleted right after the step.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from connectors.base import (
    Attachment,
    AttachmentTooLarge,
    AttachmentUnavailable,
    FetchesAttachments,
    Incoming,
    Outgoing,
)
from reportbot.conversation.session import PersonInfo
from reportbot.conversation.state import Mode
from reportbot.coordination.publishing.publish import is_template_name
from reportbot.media import files, texts
from reportbot.media.config import MediaSettings
from reportbot.routing.inbound import Inbound
from reportbot.routing.middlewares import Next
from reportbot.store.repository import Repository

log = logging.getLogger(__name__)
# The question types answered with a file: forms.schema.ATTACHMENT_TYPES on main (voice notes
# and videos joined photos and files there); kept here so this module merges either way.
FILE_TYPES = frozenset({"photo", "file", "audio", "video"})


class Refused(Exception):
    """A fetch the person is told about (too large, over quota, not received)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def attachments_of(message: Incoming) -> tuple[Attachment, ...]:
    """Every attachment of a message (an album's, or the single one)."""
    if message.attachments:
        return message.attachments
    return (message.attachment,) if message.attachment is not None else ()


def is_lazy(attachment: Attachment) -> bool:
    """A platform reference not fetched yet."""
    return attachment.path is None and attachment.file_id is not None


class MediaGate:
    """The middleware described in the module docstring."""

    def __init__(
        self,
        *,
        media_dir: Path,
        settings: MediaSettings,
        repository: Repository,
        connectors: Callable[[], Sequence[object]],
    ) -> None:
        self.media_dir = Path(media_dir)
        self.settings = settings
        self.repository = repository
        self._connectors = connectors

    async def __call__(self, inbound: Inbound, call_next: Next) -> list[Outgoing]:
        """Fetch the files of an expected file answer, run the step, drop what it refused."""
        message = inbound.message
        items = attachments_of(message)
        # Lazy files first: finding the fetcher checks a runtime Protocol (every member of
        # it), a cost a plain text message need not pay.
        if not any(is_lazy(item) for item in items):
            return await call_next(inbound)
        fetcher = self._fetcher(message.platform)
        if fetcher is None:
            return await call_next(inbound)
        purpose = await self._purpose(inbound.registered, items[0])
        if purpose is None or not message.is_private:
            return await call_next(inbound)  # refused by the engine; nothing was downloaded
        ours: list[Attachment] = []  # the files this step wrote, deleted if not kept
        try:
            fetched = await self._fetch_all(fetcher, inbound.registered, items, ours)
        except Refused as refusal:
            files.delete(item.path for item in ours if item.path)
            return [Outgoing(refusal.text)]
        except BaseException:
            files.delete(item.path for item in ours if item.path)
            raise
        shown = [self._as_answer(item) if purpose == "answer" else item for item in fetched]
        inbound.message = replace(message, attachment=shown[0], attachments=tuple(shown))
        try:
            replies = await call_next(inbound)
        except BaseException:
            files.delete(item.path for item in ours if item.path)
            raise
        await self._drop_unkept(inbound.registered, ours)
        return replies

    def _fetcher(self, platform: str) -> FetchesAttachments | None:
        for connector in self._connectors():
            if getattr(connector, "name", None) == platform and isinstance(
                connector, FetchesAttachments
            ):
                return connector
        return None

    async def _purpose(self, person: PersonInfo, first: Attachment) -> str | None:
        """'answer' at a photo or file question, 'template' for an admin's form file."""
        state = await self.repository.conversation(person.id)
        if state.mode == Mode.ANSWERING and state.report is not None and person.unit:
            view = (await self.repository.reports(person.unit.id)).get(state.report)
            question = view.template.question(state.question) if view and state.question else None
            if question is not None and question.type in FILE_TYPES:
                return "answer"
        in_report = state.mode in (Mode.ANSWERING, Mode.REVIEW, Mode.CONFIRM)
        if person.role == "admin" and not in_report and is_template_name(first.name or ""):
            return "template"
        return None

    async def _fetch_all(
        self,
        fetcher: FetchesAttachments,
        person: PersonInfo,
        items: tuple[Attachment, ...],
        ours: list[Attachment],
    ) -> list[Attachment]:
        """Every item, the lazy ones fetched (and appended to `ours` as they land)."""
        folder = files.person_folder(self.media_dir, person.id)
        quota = self.settings.quota_bytes
        fetched: list[Attachment] = []
        for item in items:
            if not is_lazy(item):
                fetched.append(item)
                continue
            used = files.used_bytes(folder)
            if used >= quota:
                raise Refused(texts.quota_exceeded(used, quota))
            got = await self._fetch_one(fetcher, item, folder, used, quota)
            ours.append(got)
            fetched.append(got)
        return fetched

    async def _fetch_one(
        self, fetcher: FetchesAttachments, item: Attachment, folder: Path, used: int, quota: int
    ) -> Attachment:
        left = quota - used
        try:
            got = await fetcher.fetch_attachment(item, folder, left)
        except AttachmentTooLarge as error:
            if error.limit >= left:  # the quota, not the per-file limit, stopped it
                raise Refused(texts.quota_exceeded(used, quota)) from error
            raise Refused(texts.too_large(error.size, error.limit)) from error
        except AttachmentUnavailable as error:
            log.warning("%s: a file could not be fetched: %s", fetcher.name, error)
            raise Refused(texts.UNAVAILABLE) from error
        return replace(got, relative_path=files.relative(self.media_dir, got.path or ""))

    def _as_answer(self, item: Attachment) -> Attachment:
        # The engine stores `path` as the answer's file: store the place under the media
        # folder, which survives moving the folder (nothing opens an answer's file by path).
        return replace(item, path=item.relative_path) if item.relative_path else item

    async def _drop_unkept(self, person: PersonInfo, fetched: list[Attachment]) -> None:
        """Delete the fetched files no answer or pending edit refers to after the step."""
        kept = [json.dumps((await self.repository.conversation(person.id)).to_dict(), default=str)]
        if person.unit is not None:
            for view in (await self.repository.reports(person.unit.id)).values():
                kept.append(json.dumps(view.answers, default=str))
        text = "\n".join(kept)
        unkept = [
            item.path
            for item in fetched
            if item.path and item.relative_path and item.relative_path not in text
        ]
        if files.delete(unkept):
            log.info("deleted %d file(s) of a message not kept as an answer", len(unkept))
