"""From the application's Outgoing messages to the Telegram messages that carry them.

Short plain messages are joined to the message that follows them ("Đã lưu." and the next
question become one message): fewer messages in the chat, and fewer against Telegram's limit of
about one message per second per chat. Text over 4,096 characters is split on line
boundaries, with the keyboard on the last piece; choices that cannot be buttons become the
numbered list the engine reads back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from connectors.base import Capabilities, Outgoing, render_plain
from connectors.telegram import keyboards
from connectors.text_split import split_text

MAX_TEXT = 4096
MAX_BUTTONS = 100
EMPTY_TEXT = "…"
_PLAIN = Capabilities(buttons=False)


@dataclass(frozen=True, slots=True)
class Piece:
    """One Telegram message to send: a text (with its keyboard) or a local file."""

    text: str | None = None
    markup: InlineKeyboardMarkup | None = None
    file: str | None = None
    markup_json: dict[str, Any] | None = None  # `markup` as sent
    question: str | None = None  # the binding of the question this piece asks (keyboard piece)


def pieces(messages: Sequence[Outgoing], *, join: bool = True) -> list[Piece]:
    """The Telegram messages for a reply, in order."""
    result: list[Piece] = []
    pending = ""  # plain text waiting to be joined to the next message
    for message in messages:
        text, markup = _text_and_markup(message)
        question = keyboards.binding(message)
        # A question stays its own message (it may be replied to), even without buttons.
        plain = markup is None and not message.attachment_path and question is None
        if message.attachment_path:
            _flush(result, pending)
            pending = ""
            result.append(Piece(file=message.attachment_path))
            if text.strip() or markup is not None:
                _add_text(result, text, markup, question)
            continue
        if pending and len(pending) + 2 + len(text) <= MAX_TEXT:
            text = f"{pending}\n\n{text}" if text.strip() else pending
        else:
            _flush(result, pending)
        pending = ""
        if plain and join:
            pending = text
        else:
            _add_text(result, text, markup, question)
    _flush(result, pending)
    return result


def _text_and_markup(message: Outgoing) -> tuple[str, keyboards.Keyboard | None]:
    keyboard = keyboards.keyboard_of(message, MAX_BUTTONS)
    if message.choices and keyboard is None:
        return render_plain(message, _PLAIN), None
    return message.text, keyboard


def _flush(result: list[Piece], pending: str) -> None:
    if pending.strip():
        _add_text(result, pending, None)


def _add_text(
    result: list[Piece],
    text: str,
    keyboard: keyboards.Keyboard | None,
    question: str | None = None,
) -> None:
    if not text.strip():
        if keyboard is None:
            return
        text = EMPTY_TEXT
    chunks = split_text(text, MAX_TEXT)
    for chunk in chunks[:-1]:
        result.append(Piece(text=chunk))
    if keyboard is None:
        result.append(Piece(text=chunks[-1], question=question))
        return
    last = Piece(chunks[-1], keyboard.markup, question=question, markup_json=keyboard.wire)
    result.append(last)
