"""An incoming message as it travels down the pipeline: read once, annotated on the way."""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base import Incoming
from reportbot.conversation.commands import ParsedCommand
from reportbot.conversation.inputs import ParsedInput
from reportbot.conversation.session import PersonInfo

UpdateKey = tuple[str, str]


@dataclass(slots=True)
class Inbound:
    """One message: read once (`parsed`: normalised text and command), its sender once known.

    `update` is the platform update id used to drop redeliveries; `person` is set by the
    registration middleware, so every step after it may rely on it.
    """

    message: Incoming
    parsed: ParsedInput
    update: UpdateKey | None
    locale: str
    person: PersonInfo | None = None
    recorded: bool = False  # the update was marked handled in the step's own transaction

    @property
    def text(self) -> str:
        """The message's text, normalised."""
        return self.parsed.text

    @property
    def command(self) -> ParsedCommand | None:
        """The command the message starts with (None for an answer)."""
        return self.parsed.command

    @property
    def registered(self) -> PersonInfo:
        """The sender, after the registration middleware (a programming error before it)."""
        if self.person is None:
            raise RuntimeError("the message has no registered person yet")
        return self.person
