"""The Telegram connector: updates in, handler, replies out through the send queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import (
    CallbackQuery,
    FSInputFile,
    InlineKeyboardMarkup,
    Message,
    Update,
)

from connectors.base import (
    Address,
    Capabilities,
    ConnectorContext,
    DeliveryError,
    Handler,
    Incoming,
    Outgoing,
    RateLimit,
)
from connectors.sending import DeliveryUncertain
from connectors.telegram import keyboards, media
from connectors.telegram.client import make_bot
from connectors.telegram.commands import menus
from connectors.telegram.config import TelegramConfig
from connectors.telegram.locks import ChatLocks
from connectors.telegram.polling import Poller
from connectors.telegram.render import MAX_BUTTONS, MAX_TEXT, pieces
from connectors.telegram.sender import SendQueue, call_with_retry
from connectors.telegram.updates import (
    ALLOWED_UPDATES,
    callback_incoming,
    chat_key,
    file_of,
    message_incoming,
)

log = logging.getLogger(__name__)

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
SORRY = (
    "Xin lỗi, đã có lỗi khi xử lý tin nhắn của anh/chị. Vui lòng thử lại sau ít phút.\n"
    "Sorry, something went wrong. Please try again in a few minutes."
)
FILE_FAILED = (
    "Xin lỗi, bot chưa nhận được tệp này. Anh/chị vui lòng gửi lại.\n"
    "Sorry, the file could not be received. Please send it again."
)
CAPABILITIES = Capabilities(
    buttons=True,
    max_text_length=MAX_TEXT,
    max_buttons=MAX_BUTTONS,
    can_edit=True,
    photos=True,
    documents=True,
    global_rate=RateLimit(30.0),
    per_chat_rate=RateLimit(1.0),
    commands_need_slash=True,
)


class TelegramConnector:
    """Telegram through aiogram's Bot, by long polling or by webhook."""

    name = "telegram"

    def __init__(self, config: TelegramConfig, context: ConnectorContext) -> None:
        self.config = config
        self.handler: Handler = context.handler
        self.media_dir = Path(context.media_dir)
        self.capabilities = replace(
            CAPABILITIES,
            global_rate=RateLimit(config.global_rate),
            per_chat_rate=RateLimit(config.chat_rate),
        )
        self.bot = make_bot(config)
        self.queue = SendQueue(
            global_rate=config.global_rate,
            chat_rate=config.chat_rate,
            chat_burst=config.chat_burst,
            retry_base_delay=config.retry_base_delay,
            retry_max_delay=config.retry_max_delay,
        )
        self.username: str | None = None
        self._locks = ChatLocks()
        self._poller: Poller | None = None
        self._stopped = False
        self._tasks: set[asyncio.Task[None]] = set()
        # Latest keyboard we set on a multi-select question, so that quick presses that
        # carry an older copy of the message do not undo each other.
        self._markups: dict[tuple[str, int], InlineKeyboardMarkup] = {}

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Check the token, set the menu, then set the webhook or start polling."""
        retry = {"attempts": 5, "base_delay": self.config.retry_base_delay, "max_delay": 10.0}
        me = await call_with_retry(self.bot.get_me, **retry)
        self.username = me.username
        if self.config.set_commands:
            await self._set_commands()
        if self.config.webhook_mode:
            await call_with_retry(
                lambda: self.bot.set_webhook(
                    url=self.config.webhook_url or "",
                    secret_token=self.config.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                ),
                **retry,
            )
            log.info("telegram: @%s receives updates by webhook", self.username)
            return
        await call_with_retry(lambda: self.bot.delete_webhook(drop_pending_updates=False), **retry)
        self._poller = Poller(
            self.bot,
            self.process_update,
            timeout=self.config.poll_timeout,
            retry_base_delay=self.config.retry_base_delay,
            retry_max_delay=self.config.retry_max_delay,
        )
        self._poller.start()
        log.info("telegram: @%s receives updates by long polling", self.username)

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, deliver what is queued, close."""
        self._stopped = True
        if self._poller is not None:
            await self._poller.stop()
        await self._locks.wait_idle()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.queue.close(self.config.drain_timeout)
        await self.bot.session.close()

    async def settle(self, timeout: float = 10.0) -> bool:
        """Wait until no update is in hand and every queued message is delivered.

        Returns False if that did not happen within `timeout` seconds.
        """
        try:
            await asyncio.wait_for(self._locks.wait_idle(), timeout)
        except TimeoutError:
            return False
        return await self.queue.drain(timeout)

    @property
    def accepting(self) -> bool:
        """False once stop() began: webhook requests are then refused so Telegram retries."""
        return not self._stopped

    async def _set_commands(self) -> None:
        for language, commands in menus().items():
            try:
                await self.bot.set_my_commands(commands, language_code=language)
            except TelegramAPIError as error:
                log.warning("telegram: setMyCommands(%s) failed: %s", language, error)

    # ----------------------------------------------------------------- sending

    async def send(self, address: Address, messages: Sequence[Outgoing]) -> None:
        """Deliver messages to a chat through the queue; wait until Telegram has them.

        Raises DeliveryError when Telegram refuses one for good (e.g. the user blocked the bot).
        """
        futures = self._queue_messages(address.chat_id, messages, retry_uncertain=False)
        results = await asyncio.gather(*futures, return_exceptions=True)
        for result in results:
            if isinstance(result, DeliveryError | DeliveryUncertain):
                raise result  # uncertain: may have arrived, so never resent blindly
            if isinstance(result, BaseException):
                raise DeliveryError(str(result))

    def _queue_messages(
        self, chat_id: str, messages: Sequence[Outgoing], *, retry_uncertain: bool = True
    ) -> list[asyncio.Future[Any]]:
        futures: list[asyncio.Future[Any]] = []
        for piece in pieces(messages, join=self.config.join_messages):
            if piece.file is not None:
                futures.append(self._queue_file(chat_id, piece.file, retry_uncertain))
            else:
                futures.append(
                    self._queue_text(chat_id, piece.text or "", piece.markup, retry_uncertain)
                )
        return futures

    def _queue_text(
        self,
        chat_id: str,
        text: str,
        markup: InlineKeyboardMarkup | None,
        retry_uncertain: bool = True,
    ) -> asyncio.Future[Any]:
        return self.queue.submit(
            chat_id,
            lambda: self.bot.send_message(chat_id=chat_id, text=text, reply_markup=markup),
            retry_uncertain=retry_uncertain,
        )

    def _queue_file(
        self, chat_id: str, path: str, retry_uncertain: bool = True
    ) -> asyncio.Future[Any]:
        if not Path(path).is_file():
            # Retrying cannot make a missing file appear; fail this message only.
            log.error("telegram: attachment %s does not exist", path)
            missing: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            missing.set_exception(DeliveryError(f"attachment not found: {path}"))
            return missing
        suffix = Path(path).suffix.lower()
        if suffix in PHOTO_SUFFIXES:
            return self.queue.submit(
                chat_id,
                lambda: self.bot.send_photo(chat_id=chat_id, photo=FSInputFile(path)),
                retry_uncertain=retry_uncertain,
            )
        return self.queue.submit(
            chat_id,
            lambda: self.bot.send_document(chat_id=chat_id, document=FSInputFile(path)),
            retry_uncertain=retry_uncertain,
        )

    def _reply(self, chat_id: str, messages: Sequence[Outgoing]) -> None:
        """Queue replies without waiting for delivery; failures are logged by the queue."""
        for future in self._queue_messages(chat_id, messages):
            future.add_done_callback(_consume)

    def _edit(self, chat_id: str, call: Any) -> None:
        future = self.queue.submit(chat_id, lambda: _ignore_not_modified(call), counts=False)
        future.add_done_callback(_consume)

    # ----------------------------------------------------------------- receiving

    async def process_update(self, update: Update) -> None:
        """Handle one update completely; never raises (errors are logged, users get a sorry)."""
        key = chat_key(update)
        if key is None:
            return
        async with self._locks.hold(key):
            try:
                if update.message is not None:
                    await self._on_message(update, update.message)
                elif update.callback_query is not None:
                    await self._on_callback(update, update.callback_query)
            except Exception:
                log.exception("telegram: update %s failed", update.update_id)
                self._reply(key, [Outgoing(SORRY)])

    async def _on_message(self, update: Update, message: Message) -> None:
        incoming = message_incoming(update, message)
        if incoming is None:
            return
        ref = file_of(message)
        if ref is not None:
            try:
                attachment = await media.download(
                    self.bot,
                    ref,
                    self.media_dir,
                    self.config.max_file_bytes,
                    retry_base_delay=self.config.retry_base_delay,
                )
            except media.FileTooLarge as error:
                text = media.too_large_text(error.size, self.config.max_file_bytes)
                self._reply(incoming.chat_id, [Outgoing(text)])
                return
            except (media.DownloadFailed, TelegramAPIError, OSError) as error:
                log.error("telegram: could not download file %s: %s", ref.file_id, error)
                self._reply(incoming.chat_id, [Outgoing(FILE_FAILED)])
                return
            incoming = replace(incoming, attachment=attachment)
        await self._handle(incoming)

    async def _on_callback(self, update: Update, query: CallbackQuery) -> None:
        self._answer(query)
        press = keyboards.decode(query.data)
        if press is None:
            return
        message = query.message if isinstance(query.message, Message) else None
        chat_id = str(query.message.chat.id) if query.message else str(query.from_user.id)
        markup = self._current_markup(chat_id, message)
        if press.kind == keyboards.TOGGLE:
            if message is None or markup is None:
                return
            toggled = keyboards.toggle(markup, query.data or "")
            self._remember_markup(chat_id, message.message_id, toggled)
            self._edit(
                chat_id,
                lambda: self.bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message.message_id, reply_markup=toggled
                ),
            )
            return
        if press.kind == keyboards.DONE:
            chosen = keyboards.selected(markup) if markup is not None else []
            incoming = callback_incoming(
                update, query, choices=tuple(payload for payload, _ in chosen)
            )
            summary = ", ".join(label for _, label in chosen) or "—"
        else:
            incoming = callback_incoming(update, query, choice=press.payload)
            summary = keyboards.label_of(markup, query.data or "") or press.payload
        command = press.kind == keyboards.CHOICE and press.payload.startswith("/")
        if message is not None and not command:
            self._markups.pop((chat_id, message.message_id), None)
            self._show_answer(chat_id, message, summary)
        await self._handle(incoming)

    async def _handle(self, incoming: Incoming) -> None:
        try:
            replies = await self.handler(incoming)
        except Exception:
            log.exception("telegram: the handler failed on update %s", incoming.update_id)
            replies = [Outgoing(SORRY)]
        if replies:
            self._reply(incoming.chat_id, replies)

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
        while len(self._markups) > 1024:
            self._markups.pop(next(iter(self._markups)))

    def _show_answer(self, chat_id: str, message: Message, summary: str) -> None:
        """Edit the question to show the chosen value and remove its keyboard."""
        message_id = message.message_id
        text = f"{message.text}\n\n✅ {summary}" if message.text else None
        if text is not None and len(text) <= MAX_TEXT:
            self._edit(
                chat_id,
                lambda: self.bot.edit_message_text(
                    chat_id=chat_id, message_id=message_id, text=text, reply_markup=None
                ),
            )
        else:
            self._edit(
                chat_id,
                lambda: self.bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message_id, reply_markup=None
                ),
            )


async def _ignore_not_modified(call: Any) -> Any:
    try:
        return await call()
    except TelegramBadRequest as error:
        if "message is not modified" in error.message:
            return None
        raise


def _consume(future: asyncio.Future[Any]) -> None:
    # The queue already logged a refused message; retrieving the exception keeps asyncio quiet.
    if not future.cancelled():
        future.exception()
