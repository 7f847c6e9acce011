"""Inline keyboards: choices as buttons, multi-select toggles, and reading a press back.

Callback data is a one-letter kind, the question binding, a colon and the payload:
``c<token>:<payload>`` (a choice or a command), ``t<token>:<payload>`` (toggle a multi-select
option), ``d<token>:`` (done with a multi-select). The token (8 characters,
`connectors.binding.question_token`) says which question the button belongs to, so a press on
an old message is not taken for an answer to the current question. Buttons sent before
bindings existed carry ``c:<payload>``: they still decode, with no question. Everything stays
within Telegram's 64 bytes of callback_data; when a payload is too long for a bound button the
keyboard is sent unbound, and when even that does not fit, as a numbered list.

A toggle's state lives in the keyboard itself (the ☑ mark on the button), so no state is kept.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from connectors.base import Choice, Outgoing
from connectors.binding import TOKEN_LENGTH, is_token, question_token

CHOICE = "c"
TOGGLE = "t"
DONE = "d"
CHECKED = "☑ "
UNCHECKED = "☐ "
DONE_LABEL = "✅ Xong / Done"
MAX_CALLBACK_BYTES = 64
SHORT_LABEL = 16  # two buttons of this length fit side by side on a phone
MAX_KEYBOARDS = 512  # distinct keyboards kept built (`keyboard_of`)


@dataclass(frozen=True, slots=True)
class Press:
    """A decoded button press."""

    kind: str
    payload: str
    question: str | None = None  # the question binding; None on buttons of old messages


def decode(data: str | None) -> Press | None:
    """Read callback data written by `build_markup` (bound or not); None when it is not ours."""
    if not data or len(data) < 2 or data[0] not in (CHOICE, TOGGLE, DONE):
        return None
    if data[1] == ":":
        return Press(data[0], data[2:])
    token, colon = data[1 : 1 + TOKEN_LENGTH], data[1 + TOKEN_LENGTH : 2 + TOKEN_LENGTH]
    if colon != ":" or not is_token(token):
        return None
    return Press(data[0], data[2 + TOKEN_LENGTH :], token)


def binding(message: Outgoing) -> str | None:
    """The question binding of a message: its own, or one made from its question id."""
    if message.question:
        return message.question
    return question_token(message.question_id) if message.question_id else None


@dataclass(frozen=True, slots=True)
class Keyboard:
    """An inline keyboard and its JSON form as sent (made once per distinct keyboard)."""

    markup: InlineKeyboardMarkup
    wire: dict[str, Any]


def build_markup(message: Outgoing, max_buttons: int) -> InlineKeyboardMarkup | None:
    """The inline keyboard for a message's choices; None when it has none or they do not fit.

    When None is returned for a message that has choices, the caller sends the numbered
    plain-text rendering instead (the engine understands typed numbers back).
    """
    keyboard = keyboard_of(message, max_buttons)
    return keyboard.markup if keyboard is not None else None


def keyboard_of(message: Outgoing, max_buttons: int) -> Keyboard | None:
    """`build_markup`'s keyboard with its JSON form, None likewise.

    Every officer is asked the same questions, so the same keyboards are built again and
    again, each button a validated model: they are kept (the least recently used go). Shared
    objects: nothing changes a keyboard in place (`toggle` makes a new one).
    """
    if not message.choices:
        return None
    return _keyboard(
        message.choices, message.multi, message.selected, binding(message), max_buttons
    )


@functools.lru_cache(maxsize=MAX_KEYBOARDS)
def _keyboard(
    choices: tuple[Choice, ...],
    multi: bool,
    selected: tuple[str, ...],
    token: str | None,
    max_buttons: int,
) -> Keyboard | None:
    message = Outgoing("", choices=choices, multi=multi, selected=selected)
    buttons = _buttons(message, token) if token else None
    if buttons is None:
        buttons = _buttons(message, "")
    if buttons is None or len(buttons) > max_buttons:
        return None
    markup = InlineKeyboardMarkup(inline_keyboard=_rows(buttons))
    return Keyboard(markup, markup.model_dump(exclude_none=True))


def _buttons(message: Outgoing, token: str) -> list[tuple[InlineKeyboardButton, bool]] | None:
    """The buttons with `token` in their data; None when one does not fit in 64 bytes."""
    buttons: list[tuple[InlineKeyboardButton, bool]] = []
    for choice in message.choices:
        command = choice.payload.startswith("/")
        if message.multi and not command:
            mark = CHECKED if choice.payload in message.selected else UNCHECKED
            text, data = mark + choice.label, f"{TOGGLE}{token}:{choice.payload}"
        else:
            text, data = choice.label, f"{CHOICE}{token}:{choice.payload}"
        if len(data.encode()) > MAX_CALLBACK_BYTES or not choice.label:
            return None
        buttons.append((InlineKeyboardButton(text=text, callback_data=data), _short(choice.label)))
    if message.multi:
        done = InlineKeyboardButton(text=DONE_LABEL, callback_data=f"{DONE}{token}:")
        buttons.append((done, False))
    return buttons


def _short(label: str) -> bool:
    return len(label) <= SHORT_LABEL


def _rows(buttons: list[tuple[InlineKeyboardButton, bool]]) -> list[list[InlineKeyboardButton]]:
    """Long labels get a row each; consecutive short ones go two to a row."""
    rows: list[list[InlineKeyboardButton]] = []
    open_row = False  # the last row holds one short button and can take another
    for button, short in buttons:
        if short and open_row:
            rows[-1].append(button)
            open_row = False
        else:
            rows.append([button])
            open_row = short
    return rows


def toggle(markup: InlineKeyboardMarkup, data: str) -> InlineKeyboardMarkup:
    """The same keyboard with the option of `data` checked or unchecked."""
    rows = [
        [_toggled(button) if button.callback_data == data else button for button in row]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _toggled(button: InlineKeyboardButton) -> InlineKeyboardButton:
    if button.text.startswith(CHECKED):
        text = UNCHECKED + button.text[len(CHECKED) :]
    elif button.text.startswith(UNCHECKED):
        text = CHECKED + button.text[len(UNCHECKED) :]
    else:
        text = CHECKED + button.text
    return InlineKeyboardButton(text=text, callback_data=button.callback_data)


def selected(markup: InlineKeyboardMarkup) -> list[tuple[str, str]]:
    """(payload, label) of every checked option, in keyboard order."""
    chosen: list[tuple[str, str]] = []
    for row in markup.inline_keyboard:
        for button in row:
            press = decode(button.callback_data)
            if press and press.kind == TOGGLE and button.text.startswith(CHECKED):
                chosen.append((press.payload, button.text[len(CHECKED) :]))
    return chosen


def label_of(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The label of the button that carries `data`, if the keyboard has it."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
