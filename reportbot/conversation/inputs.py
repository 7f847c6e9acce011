"""A message read once: its text normalised and its command recognised, then handed on.

`prepare` is called once per message (by the router, or by the engine when nobody did);
everything downstream reads the `ParsedInput` instead of normalising and parsing again.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base import Incoming
from reportbot.conversation.commands import OFFICER_COMMANDS, CommandTable, ParsedCommand
from reportbot.conversation.parsing import MAX_TEXT_LENGTH, normalize_text


@dataclass(frozen=True, slots=True)
class ParsedInput:
    """What a message says: normalised text, the command (if any), or why it is refused.

    `problem` is a message key ("unsupported", "too_long", "empty_message") when the message
    cannot be handled at all; then `command` is None.
    """

    text: str
    command: ParsedCommand | None = None
    problem: str | None = None


def prepare(
    message: Incoming, table: CommandTable = OFFICER_COMMANDS, *, bare_words: bool = True
) -> ParsedInput:
    """Normalise the text and parse the command of one message, once."""
    if message.unsupported:
        return ParsedInput("", problem="unsupported")
    raw = message.text or ""
    text = raw if _already_normal(raw) else normalize_text(raw)
    if len(text) > MAX_TEXT_LENGTH:
        return ParsedInput(text, problem="too_long")
    # `choices == ()` is a multi-select "done" with nothing ticked: the engine explains it.
    if not (text or message.attachment or message.location) and (
        message.choice is None and message.choices is None
    ):
        return ParsedInput(text, problem="empty_message")
    # A button's payload that is a command ("/sua 5") counts as typed; any other payload is an
    # answer (a choice value), never a command.
    source = message.choice if message.choice and message.choice.startswith("/") else text
    return ParsedInput(text, table.parse(source, bare_words=bare_words))


def _already_normal(raw: str) -> bool:
    """Printable ASCII, trimmed, without double spaces: `normalize_text` would not change it
    (most answers: numbers, short words), so the Unicode work is skipped."""
    return raw.isascii() and raw.isprintable() and raw == raw.strip() and "  " not in raw
