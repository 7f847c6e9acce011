"""An admin publishes a form template by sending the file to the bot.

The file (our YAML, or an XLSForm .xlsx) is checked; the admin gets every error, or a
preview and a yes/no question. The checked template waits in the store's key-value state
(namespace 'coordination', key 'pending-template:<person id>') for at most an hour; "có"
publishes it, "không" or /huy drops it, any other command moves on without it.
Works on every connector that hands the bot a local copy of the file (console, Telegram).
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectors.base import Attachment, Choice, Outgoing
from reportbot.conversation.parsing import AnswerError, parse_yes_no
from reportbot.conversation.session import PersonInfo
from reportbot.conversation.state import IN_REPORT
from reportbot.coordination.publishing.publish import (
    check_template_file,
    is_template_name,
    notes,
    preview,
    publish,
)
from reportbot.coordination.roles import ADMIN, has_role
from reportbot.coordination.texts import t
from reportbot.forms.loader import template_from_definition, template_to_definition
from reportbot.forms.schema import pick
from reportbot.routing.inbound import Inbound
from reportbot.store.kv import KeyValueStore
from reportbot.store.queries.organisations import person_scope

if TYPE_CHECKING:
    from reportbot.host import Host

PENDING_CONNECTOR = "coordination"
PENDING_TTL = timedelta(hours=1)
MAX_ERRORS_SHOWN = 30


def pending_key(person_id: int) -> str:
    """Where an admin's template awaiting confirmation is kept (key-value key)."""
    return f"pending-template:{person_id}"


class TemplateUpload:
    """A router dialog: a template file from an admin, or the yes/no that publishes it."""

    def __init__(self, host: Host) -> None:
        self.repository = host.repository
        self.clock = host.clock
        self.tz = host.settings.timezone
        self.pending = KeyValueStore(PENDING_CONNECTOR, clock=self.now)

    def now(self) -> datetime:
        """The bot clock's current time."""
        return self.clock()

    async def take(self, inbound: Inbound) -> list[Outgoing] | None:
        """Handle a template file or a pending confirmation; None lets the engine answer."""
        person = inbound.registered
        attachment = inbound.message.attachment
        if attachment is not None and attachment.path and _is_template(attachment):
            if await self._in_report(person):
                return None  # an answer to a file question of a report
            if not has_role(person, ADMIN):
                return [Outgoing(t("refused_template", person.locale))]
            return await self._receive(person, attachment)
        if not has_role(person, ADMIN):
            return None
        document = attachment is not None and attachment.kind == "file" and attachment.path
        if document and attachment and not await self._in_report(person):
            # a document, but no template (a people list, a PDF): say what the bot takes
            name = attachment.name or Path(attachment.path or "").name
            return [Outgoing(t("not_a_template", person.locale, name=name))]
        pending = await self._pending(person.id)
        if pending is None:
            return None
        return await self._confirm(person, inbound, pending)

    async def _in_report(self, person: PersonInfo) -> bool:
        state = await self.repository.conversation(person.id)
        return state.mode in IN_REPORT

    async def _receive(self, person: PersonInfo, attachment: Attachment) -> list[Outgoing]:
        locale = person.locale
        path = Path(attachment.path or "")
        name = attachment.name or path.name
        check = await asyncio.to_thread(check_template_file, path, name, locale)
        if check.template is None:
            errors = check.errors[:MAX_ERRORS_SHOWN]
            if len(check.errors) > MAX_ERRORS_SHOWN:
                errors.append(f"… (+{len(check.errors) - MAX_ERRORS_SHOWN})")
            text = t(
                "template_errors",
                locale,
                name=name,
                count=len(check.errors),
                errors="\n".join(f"• {error}" for error in errors),
            )
            if check.warnings:  # first: an ignored column may be the cause of every error
                text = notes(check.warnings[:MAX_ERRORS_SHOWN], locale) + "\n\n" + text
            return [Outgoing(text)]
        # An admin of a commune (or a province) publishes for it (`_confirm`): said here.
        shown = await preview(
            check.template,
            now=self.now(),
            tz=self.tz,
            locale=locale,
            warnings=check.warnings,
            scope_id=(await person_scope(person.id)).root_id,
        )
        value = {"definition": template_to_definition(check.template), "source": name}
        await self.pending.set(pending_key(person.id), json.dumps(value, ensure_ascii=False))
        choices = (Choice(t("yes", locale), "yes"), Choice(t("no", locale), "no"))
        return [Outgoing(f"{shown}\n\n{t('template_confirm', locale)}", choices=choices)]

    async def _pending(self, person_id: int) -> dict[str, Any] | None:
        entry = await self.pending.entry(pending_key(person_id))
        if entry is None:
            return None
        if entry.updated_at < self.now() - PENDING_TTL:
            await self._drop(person_id)
            return None
        return json.loads(entry.value)

    async def _drop(self, person_id: int) -> None:
        await self.pending.delete(pending_key(person_id))

    async def _confirm(
        self, person: PersonInfo, inbound: Inbound, pending: dict[str, Any]
    ) -> list[Outgoing] | None:
        locale = person.locale
        message, text, command = inbound.message, inbound.text, inbound.command
        if command is not None:
            await self._drop(person.id)
            if command.name == "cancel":
                return [Outgoing(t("template_cancelled", locale))]
            return None  # the admin moved on to something else
        if message.choice in ("yes", "no"):
            yes = message.choice == "yes"
        else:
            try:
                yes = parse_yes_no(text)
            except AnswerError:
                return [Outgoing(t("template_confirm_again", locale))]
        await self._drop(person.id)
        if not yes:
            return [Outgoing(t("template_cancelled", locale))]
        template = template_from_definition(pending["definition"])
        # An admin of a commune (or a province) publishes for it; of the deployment: as before.
        scope = await person_scope(person.id)
        stored = await publish(
            template,
            pending["source"],
            now=self.now(),
            person_id=person.id,
            scope_id=scope.root_id,
        )
        self.repository.forget_forms()
        key = "template_published" if stored.created else "template_unchanged"
        title = pick(template.title, locale)
        return [Outgoing(t(key, locale, title=title, key=stored.key, version=stored.version))]


def _is_template(attachment: Attachment) -> bool:
    return is_template_name(attachment.name or attachment.path or "")
