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
    FSInputFile,
    InlineKeyboardMarkup,
    Update,
)
from aiogram.utils.token import TokenValidationError

from connectors.base import (
    Address,
    Capabilities,
    Connector,
    ConnectorContext,
    DeliveryError,
    Handler,
    Incoming,
    NotAccepted,
    Outgoing,
    RateLimit,
    admin_locale,
)
from connectors.confirming import confirm_when_sent
from connectors.sending import DeliveryUncertain
from connectors.telegram.arrivals import ArrivalsMixin
from connectors.telegram.client import make_bot, send_text
from connectors.telegram.commands import menus
from connectors.telegram.config import TelegramConfig
from connectors.telegram.decode import UNREADABLE_FILE, UnreadableLog, UpdateReader
from connectors.telegram.gather import Gatherer
from connectors.telegram.intake import IntakeMixin
from connectors.telegram.locks import ChatLocks
from connectors.telegram.polling import Poller
from connectors.telegram.presses import PressesMixin
from connectors.telegram.render import MAX_BUTTONS, MAX_TEXT, pieces
from connectors.telegram.sender import SendQueue, call_with_retry
from connectors.telegram.startup import checked, malformed_token
from connectors.telegram.texts import SORRY
from connectors.telegram.updates import (
    ALLOWED_UPDATES,
    chat_key,
)
from connectors.telegram.watch import WarningRecord, poller_warning

log = logging.getLogger(__name__)

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
MAX_REMEMBERED = 1024  # keyboards and question messages remembered per connector
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
    confirms_delivery=True,  # through the send queue (`confirm_when_sent`)
)


class TelegramConnector(ArrivalsMixin, IntakeMixin, PressesMixin, Connector):
    """Telegram through aiogram's Bot, by long polling or by webhook."""

    name = "telegram"

    def __init__(self, config: TelegramConfig, context: ConnectorContext) -> None:
        self.config = config
        self.handler: Handler = context.handler
        self.delivered = context.delivered
        # Stores an update before the webhook answers it (`arrivals`); None: handle first.
        self._accept_update = context.accept
        self._arrivals: set[asyncio.Task[None]] = set()
        self._unsettled: dict[str, int] = {}
        self.media_dir = Path(context.media_dir)
        self.admin_locale = admin_locale(context.env)  # the language of its warnings
        self.capabilities = replace(
            CAPABILITIES,
            global_rate=RateLimit(config.global_rate),
            per_chat_rate=RateLimit(config.chat_rate),
        )
        try:
            self.bot = make_bot(config)
        except TokenValidationError:
            raise malformed_token() from None
        self.queue = SendQueue.configured(config, context.rate_share)
        self.username: str | None = None
        unreadable = config.unreadable_file or Path(context.media_dir).parent / UNREADABLE_FILE
        self.reader = UpdateReader(self.bot, UnreadableLog(Path(unreadable)))
        self._locks = ChatLocks()
        self._gather = Gatherer(self._flush_batch, self._locks.hold)
        self._poller: Poller | None = None
        self._warning = WarningRecord(context.kv)
        self._started = self._stopped = False
        # Which question each question message sent asks, so a reply to it binds to it.
        self._questions: dict[tuple[str, int], str] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # Latest keyboard we set on a multi-select question, so that quick presses that
        # carry an older copy of the message do not undo each other; and those answered.
        self._markups: dict[tuple[str, int], InlineKeyboardMarkup] = {}
        self._settled: dict[tuple[str, int], None] = {}

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Check the token, set the menu, then set the webhook or start polling."""
        retry = {"attempts": 5, "base_delay": self.config.retry_base_delay, "max_delay": 10.0}
        config = self.config

        async def step(name: str, call: Any) -> Any:
            # One line naming cause and fix (ConnectorStartError) instead of a traceback.
            return await checked(
                lambda: call_with_retry(call, **retry), name, config.api_url, config.token
            )

        me = await step("getMe", self.bot.get_me)
        self.username = me.username
        if config.set_commands:
            await self._set_commands()
        if config.webhook_mode:
            await step(
                "setWebhook",
                lambda: self.bot.set_webhook(
                    url=config.webhook_url or "",
                    secret_token=config.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                ),
            )
            self._started = True
            log.info("telegram: @%s receives updates by webhook", self.username)
            return
        await step("deleteWebhook", lambda: self.bot.delete_webhook(drop_pending_updates=False))
        self._poller = Poller(
            self.bot,
            self.process_update,
            self.reader,
            timeout=config.poll_timeout,
            retry_base_delay=config.retry_base_delay,
            retry_max_delay=config.retry_max_delay,
            on_health=lambda _healthy: self._warning.note(next(iter(self.warnings()), None)),
        )
        self._poller.start()
        self._started = True
        log.info("telegram: @%s receives updates by long polling", self.username)

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, deliver what is queued, close."""
        self._stopped = True
        if self._poller is not None:
            await self._poller.stop()
        await self.finish_arrivals()  # the updates answered already are handled first
        await self._gather.flush_all()
        await self._locks.wait_idle()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._warning.settle()
        await self.queue.close(self.config.drain_timeout)
        await self.bot.session.close()

    async def settle(self, timeout: float = 10.0) -> bool:
        """Wait until no update is in hand and every queued message is delivered.

        Returns False if that did not happen within `timeout` seconds.
        """
        # `asyncio.wait`, not `wait_for`: a timeout must not cancel the updates in hand.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._arrivals:
            left = max(0.0, deadline - loop.time())
            _, late = await asyncio.wait(set(self._arrivals), timeout=left)
            if late:
                return False
        try:  # one deadline for the whole wait, not `timeout` for each part
            await asyncio.wait_for(self._gather.wait_idle(), max(0.0, deadline - loop.time()))
            await asyncio.wait_for(self._locks.wait_idle(), max(0.0, deadline - loop.time()))
        except TimeoutError:
            return False
        return await self.queue.drain(max(0.0, deadline - loop.time()))

    @property
    def accepting(self) -> bool:
        """False once stop() began: webhook requests are then refused so Telegram retries."""
        return not self._stopped

    @property
    def healthy(self) -> bool:
        """True while updates can come in: started, not stopped, and polling (if used) alive."""
        if not self._started or self._stopped:
            return False
        return self._poller is None or self._poller.healthy

    def warnings(self) -> list[str]:
        """The problem an administrator must act on now: polling that keeps failing."""
        poller = self._poller
        if poller is None or not self._started or self._stopped or poller.healthy:
            return []
        return [poller_warning(poller.failures, poller.last_error, self.admin_locale)]

    def health(self) -> dict[str, Any]:
        """What /healthz and `reportbot status` can show about this connector."""
        figures: dict[str, Any] = {
            "mode": "webhook" if self.config.webhook_mode else "polling",
            "healthy": self.healthy,
            "faulty_updates": self.reader.faulty,
            "skipped_updates": self.reader.skipped,
        }
        if self._poller is not None:
            figures.update(self._poller.health())
        figures["healthy"] = self.healthy
        return figures

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
                continue
            future = self._queue_text(chat_id, piece.text or "", piece.markup_json, retry_uncertain)
            if piece.question is not None:
                self._remember_question(chat_id, piece.question, future)
            futures.append(future)
        return futures

    def _queue_text(
        self,
        chat_id: str,
        text: str,
        markup: dict[str, Any] | None,
        retry_uncertain: bool = True,
    ) -> asyncio.Future[Any]:
        return self.queue.submit(
            chat_id,
            lambda: send_text(self.bot, chat_id, text, markup),
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
        futures = self._queue_messages(chat_id, messages)
        for future in futures:
            future.add_done_callback(_consume)
        confirm_when_sent(futures, messages, self.delivered)

    def _edit(self, chat_id: str, message_id: int, call: Any, *, text: bool = False) -> None:
        """Queue an edit of a message's keyboard (or, `text`, of its text and keyboard).

        Edits count against the chat like messages (Telegram answers fast edits with 429). Each
        carries the message's whole new state, so it replaces the message's queued, unsent
        keyboard edits (a text edit also earlier text edits): quick ticks cost one paced edit.
        """
        markup_key, text_key = ("markup", message_id), ("text", message_id)
        future = self.queue.submit(
            chat_id,
            lambda: _ignore_not_modified(call),
            key=text_key if text else markup_key,
            replaces=(markup_key, text_key) if text else (markup_key,),
        )
        future.add_done_callback(_consume)

    # ----------------------------------------------------------------- receiving

    async def process_update(self, update: Update) -> None:
        """Handle one update completely; never raises (errors are logged, users get a sorry).

        Album photos and the parts of a long paste are held (`gather`) and handled together;
        anything else in the chat first lets what is held go, so the chat's order is kept.
        """
        key = chat_key(update)
        if key is None:
            return
        async with self._locks.hold(key):
            await self._process_held(update, key)

    async def _process_held(self, update: Update, key: str, stored: Incoming | None = None) -> None:
        """`process_update` once the chat's lock is held. `stored`: the Incoming the webhook
        stored for this update on arrival (`arrivals`), handled as it was stored."""
        try:
            if update.message is not None:
                await self._on_message(update, update.message, key, stored)
            elif update.edited_message is not None:
                await self._gather.flush_chat(key)
                edit = [(update, update.edited_message)]
                await self._handle_messages(edit, edited=True, stored=stored)
            elif update.callback_query is not None:
                await self._gather.flush_chat(key)
                await self._on_callback(update, update.callback_query, stored)
        except NotAccepted:
            raise
        except Exception:
            log.exception("telegram: update %s failed", update.update_id)
            self._reply(key, [Outgoing(SORRY)])

    async def _ask(self, incoming: Incoming) -> tuple[Sequence[Outgoing], bool]:
        """The handler's replies, and False when it failed (the replies are then a sorry)."""
        try:
            return await self.handler(incoming), True
        except NotAccepted:
            raise  # not stored: not acknowledged (webhook 503, polling offset kept)
        except Exception:
            log.exception("telegram: the handler failed on update %s", incoming.update_id)
            return [Outgoing(SORRY)], False

    def _question_of(self, chat_id: str, message_id: str | None) -> str | None:
        if message_id is None or not message_id.isdigit():
            return None
        return self._questions.get((chat_id, int(message_id)))

    def _remember_question(self, chat_id: str, question: str, future: asyncio.Future[Any]) -> None:
        """Once a question message is sent, note its id: a reply to it binds to the question."""

        def done(sent: asyncio.Future[Any]) -> None:
            if sent.cancelled() or sent.exception() is not None:
                return
            result = sent.result()
            if isinstance(result, dict) and isinstance(result.get("message_id"), int):
                self._questions[(chat_id, result["message_id"])] = question
                while len(self._questions) > MAX_REMEMBERED:
                    self._questions.pop(next(iter(self._questions)))

        future.add_done_callback(done)


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
