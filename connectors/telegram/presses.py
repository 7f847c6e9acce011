"""Button presses: choices, multi-select toggles and "done", bound to their question.

A mixin of `TelegramConnector` (kept apart so each module stays small): it reads the press,
toggles ☐/☑ in place, hands choices to the application with the question binding the button
carries (`Incoming.reply_to_question`), and edits the question to show "✅ answer" once the
application took it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, Update

from connectors.base import Incoming, Outgoing
from connectors.telegram import keyboards
from connectors.telegram.render import MAX_TEXT
from connectors.telegram.updates import callback_incoming

log = logging.getLogger(__name__)
MAX_MARKUPS = 1024


class PressesMixin:
    """Button handling for the connector; needs the attributes declared below."""

    bot: Bot
    _markups: dict[tuple[str, int], InlineKeyboardMarkup]
    _settled: dict[tuple[str, int], None]  # multi-select questions answered by "Xong"
    _tasks: set[asyncio.Task[None]]
    _ask: Callable[[Incoming], Awaitable[tuple[Sequence[Outgoing], bool]]]
    _reply: Callable[[str, Sequence[Outgoing]], None]
    _edit: Callable[..., None]

    async def _on_callback(
        self, update: Update, query: CallbackQuery, stored: Incoming | None = None
    ) -> None:
        """Answer the press, tick a box, or hand the choice over. `stored`: the Incoming the
        webhook stored for a choice on arrival (`arrivals`), handed over as stored."""
        self._answer(query)
        press = keyboards.decode(query.data)
        if press is None:
            return
        message = query.message if isinstance(query.message, Message) else None
        chat_id = str(query.message.chat.id) if query.message else str(query.from_user.id)
        markup = self._current_markup(chat_id, message)
        if press.kind != keyboards.CHOICE and self._is_settled(chat_id, message):
            # A tick or "Xong" from the keyboard Telegram showed until the "✅ answer" edit
            # lands: its edit would put that keyboard back after the ✅ one, and a second
            # "Xong" would answer again with the ticks that stale copy carries.
            return
        if press.kind == keyboards.TOGGLE:
            if message is None or markup is None:
                return
            toggled = keyboards.toggle(markup, query.data or "")
            self._remember_markup(chat_id, message.message_id, toggled)
            self._edit(
                chat_id,
                message.message_id,
                lambda: self.bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message.message_id, reply_markup=toggled
                ),
            )
            return
        if press.kind == keyboards.DONE:
            chosen = keyboards.selected(markup) if markup is not None else []
            answer: dict[str, Any] = {"choices": tuple(payload for payload, _ in chosen)}
            summary = ", ".join(label for _, label in chosen) or "—"
        else:
            answer = {"choice": press.payload}
            summary = keyboards.label_of(markup, query.data or "") or press.payload
        if stored is None:
            stored = callback_incoming(update, query, reply_to_question=press.question, **answer)
        incoming = stored
        replies, ok = await self._ask(incoming)
        command = press.kind == keyboards.CHOICE and press.payload.startswith("/")
        # The question shows "✅ answer" only once the application took it: not after a
        # failure, nor when the reply asks the same question again (the answer was refused,
        # so its keyboard, ticks included, stays usable).
        if message is not None and not command and ok and not _asks(replies, press.question):
            self._markups.pop((chat_id, message.message_id), None)
            if press.kind == keyboards.DONE:
                self._settle(chat_id, message.message_id)
            self._show_answer(chat_id, message, summary)
        self._reply(chat_id, replies)

    def settle_recovered(self, message: Incoming, replies: Sequence[Outgoing]) -> None:
        """Remove the keyboard of a press handled after a restart (`service.recover`).

        The press was stored before the crash, but no connector answered it, so its question
        still shows buttons that would answer it again. The question's text is not stored with
        the press, so only the keyboard goes (no "✅ answer" line); answerCallbackQuery is moot
        by now (a query expires in seconds).
        """
        pressed = message.choice is not None or message.choices is not None
        if not pressed or not (message.message_id or "").isdigit():
            return
        if (message.choice or "").startswith("/") or _asks(replies, message.reply_to_question):
            return  # a command button, or the answer was refused: the keyboard stays usable
        chat_id, message_id = message.chat_id, int(message.message_id or 0)
        self._markups.pop((chat_id, message_id), None)
        if message.choices is not None:
            self._settle(chat_id, message_id)
        self._edit(
            chat_id,
            message_id,
            lambda: self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=None
            ),
        )

    def _is_settled(self, chat_id: str, message: Message | None) -> bool:
        return message is not None and (chat_id, message.message_id) in self._settled

    def _settle(self, chat_id: str, message_id: int) -> None:
        """Mark a multi-select question answered (bounded like the remembered keyboards)."""
        self._settled[(chat_id, message_id)] = None
        while len(self._settled) > MAX_MARKUPS:
            self._settled.pop(next(iter(self._settled)))

    def _answer(self, query: CallbackQuery) -> None:
        """Stop the button's spinner at once; it is not a message, so not queued."""

        async def answer() -> None:
            try:
                await self.bot.answer_callback_query(query.id)
            except TelegramAPIError as error:
                log.info("telegram: answerCallbackQuery failed: %s", error)

        task = asyncio.create_task(answer())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _current_markup(self, chat_id: str, message: Message | None) -> InlineKeyboardMarkup | None:
        if message is None:
            return None
        remembered = self._markups.get((chat_id, message.message_id))
        return remembered if remembered is not None else message.reply_markup

    def _remember_markup(self, chat_id: str, message_id: int, markup: InlineKeyboardMarkup) -> None:
        self._markups[(chat_id, message_id)] = markup
        while len(self._markups) > MAX_MARKUPS:
            self._markups.pop(next(iter(self._markups)))

    def _show_answer(self, chat_id: str, message: Message, summary: str) -> None:
        """Edit the question to show the chosen value and remove its keyboard."""
        message_id = message.message_id
        text = f"{message.text}\n\n✅ {summary}" if message.text else None
        if text is not None and len(text) <= MAX_TEXT:
            self._edit(
                chat_id,
                message_id,
                lambda: self.bot.edit_message_text(
                    chat_id=chat_id, message_id=message_id, text=text, reply_markup=None
                ),
                text=True,
            )
        else:
            self._edit(
                chat_id,
                message_id,
                lambda: self.bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message_id, reply_markup=None
                ),
            )


def _asks(replies: Sequence[Outgoing], question: str | None) -> bool:
    """True when a reply asks the question of `question` (its binding) again."""
    return question is not None and any(keyboards.binding(r) == question for r in replies)
