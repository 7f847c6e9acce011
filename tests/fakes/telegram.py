"""A fake Telegram Bot API server for tests: aiohttp on 127.0.0.1, real-shaped JSON.

aiogram talks to it over real HTTP through ``AiohttpSession(api=TelegramAPIServer.from_base(url))``.
It keeps chats, messages and their inline keyboards, records every call, and behaves like Telegram
where it matters to a bot: long polling with offsets, 400 for texts over 4,096 characters, for
``callback_data`` over 64 bytes, for HTML it cannot parse and for edits that change nothing, 409
for getUpdates while a webhook is set, and on demand 429 with ``retry_after``, 5xx or a delay.
With ``limit_rate`` it keeps Telegram's flood control (`tests/fakes/telegram_limits.py`): one
chat, one group and the whole bot each have their limit, edits count like sends, past traffic
counts too, and a call over a limit is answered 429 with ``retry_after``.

It also builds real-shaped Update JSON (text, button presses, photos, documents, stickers, group
messages), queues them for getUpdates or POSTs them to a webhook.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from connectors.base import Incoming, Outgoing
from tests.fakes.telegram_limits import FloodControl, Limits

BOT_ID = 7000000001
BOT_USERNAME = "reportbot_test_bot"
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_DOWNLOAD = 20 * 1024 * 1024
_HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
CORPUS_DIR = Path(__file__).with_name("telegram_updates")
CORPUS_USER = 111111111  # the user and chat id of the corpus files
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass
class Call:
    """One request the fake received: method name, decoded parameters and arrival time."""

    method: str
    params: dict[str, Any]
    at: float
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class _Failure:
    status: int
    retry_after: int | None
    delay: float
    remaining: int
    body: str | None = None


@dataclass
class _StoredFile:
    file_id: str
    unique_id: str
    path: str
    content: bytes
    size: int


class ApiError(Exception):
    """An error answer of the Bot API (status, description, optional parameters)."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


class _HtmlChecker(HTMLParser):
    """Reject what Telegram's HTML parse mode rejects: unknown or unbalanced tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS and self.error is None:
            self.error = f'Unsupported start tag "{tag}"'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if (not self.stack or self.stack[-1] != tag) and self.error is None:
            self.error = f'Unmatched end tag "{tag}"'
        elif self.stack:
            self.stack.pop()


def _html_to_text(text: str) -> str:
    checker = _HtmlChecker()
    pieces: list[str] = []
    checker.handle_data = pieces.append  # type: ignore[method-assign]
    checker.feed(text)
    checker.close()
    if checker.error is None and checker.stack:
        checker.error = f'Can\'t find end tag corresponding to start tag "{checker.stack[-1]}"'
    if checker.error:
        raise ApiError(400, f"Bad Request: can't parse entities: {checker.error}")
    return "".join(pieces)


class FakeTelegram:
    """The fake Bot API server. Use as ``async with FakeTelegram() as tg:``; ``tg.base_url``."""

    def __init__(
        self, token: str = "123456:TEST-fake-token", first_update_id: int = 100_000
    ) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []  # pending for getUpdates
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.webhook: dict[str, Any] | None = None
        self.allowed_updates: list[str] | None = None  # None: every type (the default)
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.answered_callbacks: list[str] = []
        self.blocked: set[int] = set()  # users who blocked the bot: sending to them is 403
        self.files: dict[str, _StoredFile] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._late: dict[str, list[float]] = {}  # fault knobs: answers held back (see below)
        self._next_update_id = first_update_id
        self._next_message_id: dict[int, int] = {}
        self._callbacks: set[str] = set()
        self._new_update = asyncio.Event()
        self._closing = False
        self.confirmed_offset = 0  # updates below this id were confirmed by getUpdates
        self.sent_count: dict[int, int] = {}  # messages the bot sent, per chat
        self.sent_at: list[tuple[int, float]] = []  # (chat, monotonic time) of each message
        self.flood = FloodControl()  # Telegram's limits, enforced once `limit_rate` is called
        self._count_waiters: dict[int, list[tuple[int, asyncio.Future[None]]]] = {}
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.port = 0

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> str:
        """Listen on 127.0.0.1 on a free port; return the base URL."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    async def stop(self) -> None:
        """Stop listening and close the client used to POST webhooks."""
        self._closing = True
        self._new_update.set()  # release pending long polls at once
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The URL to give REPORTBOT_TELEGRAM_API_URL."""
        return f"http://127.0.0.1:{self.port}"

    # ----------------------------------------------------------------- failures

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        status: int = 500,
        retry_after: int | None = None,
        delay: float = 0.0,
        body: str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` fail.

        status 429 answers "Too Many Requests" with ``parameters.retry_after``; 5xx answers a
        server error; status 200 with a delay only delays (a client with a shorter timeout sees
        a timeout, and the request is still carried out, as Telegram would). `body` answers that
        text instead, with `status`: the HTML page Telegram's own nginx sends with a 502
        (nickoala/telepot#31, iobroker-community-adapters/ioBroker.telegram#31: "EPARSE"), or
        a proxy in front of the Bot API; no JSON reader can decode it.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        self._failures.setdefault(method, []).append(
            _Failure(status, retry_after, delay, times, body)
        )

    def limit_rate(
        self,
        per_second: float = 30.0,
        *,
        chat_per_second: float = 1.0,
        chat_burst: float = 3.0,
        group_per_window: int = 20,
        group_window: float = 60.0,
    ) -> None:
        """Enforce Telegram's flood control from now on (defaults: the Bot FAQ's numbers).

        About 30 messages a second overall, one a second in a chat after a short burst, 20 a
        minute in a group; edits count; what was sent before still counts. Calls over a limit
        are answered 429 with ``retry_after`` (see `tests/fakes/telegram_limits.py` for each
        behaviour's source).
        """
        self.flood.enable(
            Limits(per_second, chat_per_second, chat_burst, group_per_window, group_window)
        )

    @property
    def rate_refusals(self) -> int:
        """How many calls the flood control answered with 429."""
        return self.flood.refusals

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        return failure

    # ----------------------------------------------------------------- fault knobs (drills)
    # Faults of the network between the bot and Telegram, used by the delivery-binding tests
    # and the drills (`drills/`). Kept apart from the API behaviour above.

    def answer_late(self, method: str, delay: float, times: int = 1) -> None:
        """Carry out the next `times` calls of `method` at once but answer `delay` s later.

        The message is in the chat (the person can read it) before the bot hears back: a Bot
        API call that timed out on the client may still have been carried out (python-telegram-
        bot wiki, "Handling network errors": "TimedOut ... does not necessarily mean that the
        request was not successful"; aiogram raises TelegramNetworkError for the same case).
        """
        self._late.setdefault(method, []).extend([delay] * times)

    def heal(self) -> None:
        """Forget every pending failure and late answer: Telegram answers normally again."""
        self._failures.clear()
        self._late.clear()

    async def _hold_answer(self, method: str) -> None:
        delays = self._late.get(method)
        if delays:
            await asyncio.sleep(delays.pop(0))

    # ----------------------------------------------------------------- inspection

    def calls_of(self, method: str) -> list[Call]:
        """Every recorded call of one method, in arrival order."""
        return [call for call in self.calls if call.method == method]

    def sent_texts(self, chat_id: int | str) -> list[str]:
        """Texts of sendMessage calls that succeeded for a chat, in order."""
        return [
            message["text"]
            for (chat, _), message in sorted(self.messages.items())
            if chat == int(chat_id)
            and message.get("from", {}).get("id") == BOT_ID
            and "text" in message
        ]

    def bot_messages(self, chat_id: int | str) -> list[dict[str, Any]]:
        """Current state of the bot's messages in a chat (after edits), oldest first."""
        return [
            message
            for (chat, _), message in sorted(self.messages.items())
            if chat == int(chat_id) and message.get("from", {}).get("id") == BOT_ID
        ]

    def last_bot_message(self, chat_id: int | str) -> dict[str, Any]:
        """The bot's latest message in a chat."""
        messages = self.bot_messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot sent nothing to chat {chat_id}")
        return messages[-1]

    async def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
    ) -> None:
        """Wait until predicate() is true, or fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))

    async def wait_calls(self, method: str, count: int, timeout: float = 5.0) -> list[Call]:
        """Wait until `count` calls of `method` were received; return them."""
        await self.wait_for(
            lambda: len(self.calls_of(method)) >= count, timeout, f"{count} x {method}"
        )
        return self.calls_of(method)

    async def wait_bot_messages(
        self, chat_id: int | str, count: int, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Wait until the bot has `count` messages in a chat; return them."""
        await self.wait_for(
            lambda: len(self.bot_messages(chat_id)) >= count,
            timeout,
            f"{count} bot messages in chat {chat_id}",
        )
        return self.bot_messages(chat_id)

    # ----------------------------------------------------------------- update builders

    def _update_id(self) -> int:
        self._next_update_id += 1
        return self._next_update_id

    def _message_id(self, chat_id: int) -> int:
        value = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = value
        return value

    @staticmethod
    def user(
        user_id: int,
        first_name: str = "Nguyễn",
        last_name: str | None = "Văn An",
        language_code: str | None = "vi",
        username: str | None = None,
    ) -> dict[str, Any]:
        """A Telegram User object."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def _user_message(
        self,
        user_id: int,
        chat: dict[str, Any] | None,
        user: dict[str, Any] | None,
        content: dict[str, Any],
    ) -> dict[str, Any]:
        sender = user or self.user(user_id)
        if chat is None:
            chat = {"id": user_id, "type": "private", "first_name": sender["first_name"]}
            if "last_name" in sender:
                chat["last_name"] = sender["last_name"]
        message = {
            "message_id": self._message_id(chat["id"]),
            "from": sender,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        self.messages[(chat["id"], message["message_id"])] = message
        return {"update_id": self._update_id(), "message": message}

    def text_update(
        self,
        user_id: int,
        text: str,
        *,
        user: dict[str, Any] | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """A private text message (commands get a bot_command entity, like Telegram's).

        `reply_to`: the id of a message in the chat it replies to (Telegram includes that
        message, as it is now, in reply_to_message).
        """
        content: dict[str, Any] = {"text": text}
        if reply_to is not None:
            replied = self.messages[(user_id, reply_to)]
            content["reply_to_message"] = json.loads(json.dumps(replied))
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._user_message(user_id, None, user, content)

    def edit_update(self, user_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The user edits one of their messages: an edited_message with the same message_id.

        Telegram sends the whole message as it now is, with `edit_date` (Bot API, Message).
        """
        message = self.messages.get((user_id, message_id))
        if message is None:
            raise AssertionError(f"no message {message_id} in chat {user_id}")
        message["text"] = text
        message["edit_date"] = int(time.time())
        edited = json.loads(json.dumps(message))
        return {"update_id": self._update_id(), "edited_message": edited}

    def group_text_update(self, user_id: int, group_id: int, text: str) -> dict[str, Any]:
        """A text message in a group (group ids are negative)."""
        chat = {"id": group_id, "type": "group", "title": "Nhóm UBND xã"}
        return self._user_message(user_id, chat, None, {"text": text})

    def sticker_update(self, user_id: int) -> dict[str, Any]:
        """A sticker message."""
        sticker = {
            "file_id": "CAACAgIAAxkBAAIBsticker",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
            "file_size": 20480,
        }
        return self._user_message(user_id, None, None, {"sticker": sticker})

    def voice_update(self, user_id: int, content: bytes = b"OggS\x00voice") -> dict[str, Any]:
        """A voice note: OGG/Opus without a file name; Telegram keeps it under voice/ with an
        .oga suffix (https://core.telegram.org/bots/api#voice; getFile paths as served)."""
        stored = self.add_file(content, f"voice/file_{len(self.files)}.oga")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self._user_message(user_id, None, None, {"voice": voice})

    def video_note_update(self, user_id: int, content: bytes = b"\x00\x00mp4") -> dict[str, Any]:
        """A round video message: no file name and no MIME type in the Bot API's VideoNote
        (https://core.telegram.org/bots/api#videonote), kept under video_notes/."""
        stored = self.add_file(content, f"video_notes/file_{len(self.files)}.mp4")
        note = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "length": 240,
            "duration": 2,
            "file_size": stored.size,
        }
        return self._user_message(user_id, None, None, {"video_note": note})

    def live_location_move(
        self, user_id: int, message_id: int, latitude: float, longitude: float
    ) -> dict[str, Any]:
        """A live location moving: Telegram edits the location message (edited_message with
        the new Location, `live_period` and `edit_date`; Bot API, Location and Message)."""
        message = self.messages[(user_id, message_id)]
        message["location"] = {"latitude": latitude, "longitude": longitude, "live_period": 900}
        message["edit_date"] = int(time.time())
        edited = json.loads(json.dumps(message))
        return {"update_id": self._update_id(), "edited_message": edited}

    def location_update(
        self, user_id: int, latitude: float, longitude: float, accuracy: float | None = None
    ) -> dict[str, Any]:
        """A shared location (📎 → Location): a Location object, `horizontal_accuracy` only
        when the phone gave one (https://core.telegram.org/bots/api#location)."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if accuracy is not None:
            location["horizontal_accuracy"] = accuracy
        return self._user_message(user_id, None, None, {"location": location})

    def add_file(self, content: bytes, path: str, size: int | None = None) -> _StoredFile:
        """Store a file users can send; `size` overrides the reported size (big files).

        A `size` below the content's length is a lie the update and getFile both tell while
        the download sends every byte: `file_size` is documented as optional and informative
        ("File size in bytes", https://core.telegram.org/bots/api#file), and a local Bot API
        server or a proxy in between may report it wrong, so a client must count the bytes.
        """
        digest = hashlib.sha1(content + path.encode()).hexdigest()[:16]
        stored = _StoredFile(
            file_id=f"BQACAgIAAx{digest}",
            unique_id=f"AgAD{digest[:10]}",
            path=path,
            content=content,
            size=len(content) if size is None else size,
        )
        self.files[stored.file_id] = stored
        return stored

    def photo_update(
        self,
        user_id: int,
        content: bytes,
        *,
        caption: str | None = None,
        size: int | None = None,
    ) -> dict[str, Any]:
        """A photo message with two sizes (thumbnail and full), the full one last."""
        thumb = self.add_file(content[:64], f"photos/thumb_{len(self.files)}.jpg")
        full = self.add_file(content, f"photos/file_{len(self.files)}.jpg", size)
        photo = [
            {
                "file_id": thumb.file_id,
                "file_unique_id": thumb.unique_id,
                "width": 90,
                "height": 67,
                "file_size": thumb.size,
            },
            {
                "file_id": full.file_id,
                "file_unique_id": full.unique_id,
                "width": 1280,
                "height": 960,
                "file_size": full.size,
            },
        ]
        content_fields: dict[str, Any] = {"photo": photo}
        if caption:
            content_fields["caption"] = caption
        return self._user_message(user_id, None, None, content_fields)

    def document_update(
        self,
        user_id: int,
        content: bytes,
        file_name: str,
        mime_type: str = "application/pdf",
        *,
        size: int | None = None,
    ) -> dict[str, Any]:
        """A document (file) message."""
        stored = self.add_file(
            content, f"documents/file_{len(self.files)}{_suffix(file_name)}", size
        )
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": stored.size,
        }
        return self._user_message(user_id, None, None, {"document": document})

    def callback_update(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """A button press on a bot message; carries the message as it is now, like Telegram."""
        chat = user_id if chat_id is None else chat_id
        message = self.messages.get((chat, message_id))
        if message is None:
            raise AssertionError(f"no message {message_id} in chat {chat}")
        query_id = f"{user_id}{self._next_update_id}{len(self._callbacks)}"
        self._callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": self.user(user_id),
            "message": json.loads(json.dumps(message)),
            "chat_instance": f"-{chat}77",
            "data": data,
        }
        return {"update_id": self._update_id(), "callback_query": query}

    def press(
        self,
        user_id: int,
        label: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """Press the button whose text contains `label` (on the given or latest keyboard)."""
        chat = user_id if chat_id is None else chat_id
        if message_id is None:
            with_keyboard = [m for m in self.bot_messages(chat) if m.get("reply_markup")]
            if not with_keyboard:
                raise AssertionError(f"no keyboard in chat {chat}")
            message = with_keyboard[-1]
        else:
            message = self.messages[(chat, message_id)]
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label or label in button["text"]:
                    return self.callback_update(
                        user_id, message["message_id"], button["callback_data"], chat_id=chat
                    )
        raise AssertionError(f"no button {label!r} on message {message['message_id']}")

    @staticmethod
    def buttons(message: dict[str, Any]) -> list[list[str]]:
        """Button texts of a message's inline keyboard, by row."""
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        return [[button["text"] for button in row] for row in rows]

    def load_corpus(self, name: str, user_id: int) -> list[dict[str, Any]]:
        """The updates of a corpus file (tests/fakes/telegram_updates/<name>.json) for a test.

        The corpus user becomes `user_id`; update ids and message ids are renumbered the fake's
        way (an edited message keeps the id of its original); messages are stored, and the
        photos they carry are registered as files (content of the declared size).
        """
        raw = json.loads((CORPUS_DIR / f"{name}.json").read_text(encoding="utf-8"))
        updates: list[dict[str, Any]] = copy.deepcopy(raw["updates"])
        _replace_ids(updates, CORPUS_USER, user_id)
        renumbered: dict[tuple[int, int], int] = {}
        for update in updates:
            update["update_id"] = self._update_id()
            if "callback_query" in update:
                self._callbacks.add(update["callback_query"]["id"])
            for key in ("message", "edited_message"):
                message = update.get(key)
                if message is None:
                    continue
                chat_id = message["chat"]["id"]
                old = (chat_id, message["message_id"])
                if old not in renumbered:
                    renumbered[old] = self._message_id(chat_id)
                message["message_id"] = renumbered[old]
                self.messages[(chat_id, message["message_id"])] = message
                for size in message.get("photo", []):
                    self._register_photo(size)
        return updates

    def _register_photo(self, size: dict[str, Any]) -> None:
        length = int(size.get("file_size") or 0)
        self.files[size["file_id"]] = _StoredFile(
            file_id=size["file_id"],
            unique_id=size["file_unique_id"],
            path=f"photos/{size['file_unique_id']}.jpg",
            content=bytes(index % 251 for index in range(length)),
            size=length,
        )

    def enqueue(self, *updates: dict[str, Any]) -> None:
        """Queue updates for getUpdates, as Telegram creates them.

        An update of a type the bot did not ask for (the last `allowed_updates` given to
        getUpdates or setWebhook) is never created; updates queued before that list was given
        are delivered whatever their type ("doesn't affect updates created before the call",
        Bot API, getUpdates).
        """
        for update in updates:
            kind = next((key for key in update if key != "update_id"), "")
            if self.allowed_updates is None or kind in self.allowed_updates:
                self.updates.append(update)
        self._new_update.set()

    async def post_webhook(
        self,
        url: str,
        update: dict[str, Any],
        secret: str | None = None,
    ) -> int:
        """POST an update to a webhook the way Telegram does; return the HTTP status."""
        if self._client is None:
            self._client = aiohttp.ClientSession()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with self._client.post(url, data=json.dumps(update), headers=headers) as response:
            await response.read()
            return response.status

    # ----------------------------------------------------------------- HTTP

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, bytes] = {}
        if request.content_type == "application/json":
            body = await request.read()
            if body:
                params.update(json.loads(body))
        elif request.method == "POST" and request.can_read_body:
            form = await request.post()
            uploads: dict[str, bytes] = {}
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    uploads[key] = value.file.read()
                else:
                    params[key] = _decode(str(value))
            # A parameter "attach://<name>" refers to the uploaded part called <name>.
            for key, value in list(params.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    name = value[len("attach://") :]
                    if name in uploads:
                        files[key] = uploads[name]
            for key, content in uploads.items():
                if key not in params:
                    files[key] = content
                    params[key] = f"attach://{key}"
        return params, files

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params, files = await self._params(request)
        self.calls.append(Call(method, params, time.monotonic(), files))
        self._changed.set()
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        wait = self.flood.check(method, _chat_of(params), time.monotonic())
        if wait is not None:
            return _error(
                ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
            )
        failure = self._take_failure(method)
        if failure is not None:
            if failure.delay:
                await asyncio.sleep(failure.delay)
            if failure.body is not None:
                return web.Response(status=failure.status, text=failure.body)
            if failure.status == 429:
                return _error(
                    ApiError(
                        429,
                        f"Too Many Requests: retry after {failure.retry_after}",
                        {"retry_after": failure.retry_after},
                    )
                )
            if failure.status >= 500:
                return _error(ApiError(failure.status, _server_error(failure.status)))
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return _error(ApiError(404, "Not Found"))
        try:
            result = await handler(params, files)
        except ApiError as error:
            return _error(error)
        finally:
            self._changed.set()
        self.flood.record(method, _chat_of(params), time.monotonic())
        await self._hold_answer(method)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        self.calls.append(Call("download", {"path": request.match_info["path"]}, time.monotonic()))
        failure = self._take_failure("download")
        if failure is not None:
            return web.json_response(
                {"ok": False, "error_code": failure.status, "description": "Not Found"},
                status=failure.status,
            )
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.path == path:
                return web.Response(body=stored.content)
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    # ----------------------------------------------------------------- methods

    async def _m_getme(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Báo cáo xã",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getupdates(self, params: dict[str, Any], files: dict[str, bytes]) -> list[Any]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        offset = int(params.get("offset") or 0)
        self.confirmed_offset = max(self.confirmed_offset, offset)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        if offset:
            # Telegram forgets every update below the offset: they are confirmed.
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self.updates:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing:
                return []
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), remaining)
            except TimeoutError:
                return []
        return self.updates[:limit]

    async def _m_setwebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        url = params.get("url") or ""
        if not url:
            self.webhook = None
            return True
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret, **params}
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        return True

    async def _m_deletewebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.updates.clear()
        return True

    async def _m_getwebhookinfo(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> dict[str, Any]:
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    async def _m_setmycommands(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        commands = params.get("commands") or []
        for command in commands:
            if not _COMMAND_RE.match(command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[(scope, params.get("language_code") or "")] = commands
        return True

    async def _m_sendchataction(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        self._chat_id(params)
        return True

    async def _m_answercallbackquery(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._callbacks.discard(query_id)
        self.answered_callbacks.append(query_id)
        return True

    async def _m_sendmessage(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        text = self._text(params, "text", MAX_TEXT, "message is too long")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        _checked_markup(params.get("reply_markup"))
        message = self._bot_message(chat_id, {"text": text})
        self._set_markup(message, params.get("reply_markup"))
        return message

    async def _m_sendphoto(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        return self._send_media(params, files, "photo")

    async def _m_senddocument(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> dict[str, Any]:
        return self._send_media(params, files, "document")

    async def _m_editmessagetext(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> dict[str, Any]:
        message = self._editable(params)
        text = self._text(params, "text", MAX_TEXT, "MESSAGE_TOO_LONG")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        markup = _checked_markup(params.get("reply_markup"))
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        message["text"] = text
        self._set_markup(message, params.get("reply_markup"))
        message["edit_date"] = int(time.time())
        return message

    async def _m_editmessagereplymarkup(
        self, params: dict[str, Any], files: dict[str, bytes]
    ) -> dict[str, Any]:
        message = self._editable(params)
        markup = _checked_markup(params.get("reply_markup"))
        if markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        self._set_markup(message, params.get("reply_markup"))
        message["edit_date"] = int(time.time())
        return message

    async def _m_getfile(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.size > MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "file_size": stored.size,
            "file_path": stored.path,
        }

    # ----------------------------------------------------------------- helpers

    def _chat_id(self, params: dict[str, Any]) -> int:
        raw = params.get("chat_id")
        try:
            chat_id = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _text(self, params: dict[str, Any], key: str, limit: int, too_long: str) -> str:
        text = str(params.get(key) or "")
        visible = _html_to_text(text) if params.get("parse_mode") == "HTML" else text
        if len(visible) > limit:
            raise ApiError(400, f"Bad Request: {too_long}")
        return visible

    def _bot_message(self, chat_id: int, content: dict[str, Any]) -> dict[str, Any]:
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        if chat_id > 0:
            chat["first_name"] = "Nguyễn"
        else:
            chat["title"] = "Nhóm UBND xã"
        message = {
            "message_id": self._message_id(chat_id),
            "from": {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Báo cáo xã",
                "username": BOT_USERNAME,
            },
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        self.messages[(chat_id, message["message_id"])] = message
        count = self.sent_count[chat_id] = self.sent_count.get(chat_id, 0) + 1
        self.sent_at.append((chat_id, time.monotonic()))
        waiters = self._count_waiters.get(chat_id)
        if waiters:
            still = []
            for wanted, future in waiters:
                if count >= wanted:
                    if not future.done():
                        future.set_result(None)
                else:
                    still.append((wanted, future))
            self._count_waiters[chat_id] = still
        return message

    async def wait_sent(self, chat_id: int, count: int, timeout: float = 30.0) -> None:
        """Wait until the bot has sent `count` messages to a chat (cheap: no polling)."""
        if self.sent_count.get(chat_id, 0) >= count:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._count_waiters.setdefault(chat_id, []).append((count, future))
        await asyncio.wait_for(future, timeout)

    def _set_markup(self, message: dict[str, Any], raw: Any) -> None:
        markup = _checked_markup(raw)
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup

    def _editable(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        message = self.messages.get((chat_id, int(params.get("message_id") or 0)))
        if message is None or message.get("from", {}).get("id") != BOT_ID:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _send_media(
        self, params: dict[str, Any], files: dict[str, bytes], kind: str
    ) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        caption = self._text(params, "caption", MAX_CAPTION, "message caption is too long")
        _checked_markup(params.get("reply_markup"))
        content = files.get(kind)
        if content is None:
            stored = self.files.get(str(params.get(kind, "")))
            if stored is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        else:
            stored = self.add_file(content, f"{kind}s/sent_{len(self.files)}")
        if kind == "photo":
            media: Any = [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.unique_id,
                    "width": 800,
                    "height": 600,
                    "file_size": stored.size,
                }
            ]
        else:
            media = {
                "file_id": stored.file_id,
                "file_unique_id": stored.unique_id,
                "file_size": stored.size,
                "file_name": "file",
            }
        fields: dict[str, Any] = {kind: media}
        if caption:
            fields["caption"] = caption
        message = self._bot_message(chat_id, fields)
        self._set_markup(message, params.get("reply_markup"))
        return message


def _chat_of(params: dict[str, Any]) -> int | None:
    """The numeric chat id of a call, if it names one."""
    try:
        return int(params.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _replace_ids(node: Any, old: int, new: int) -> None:
    """Replace every "id": old in a JSON tree by new (users and chats)."""
    if isinstance(node, dict):
        if node.get("id") == old:
            node["id"] = new
        for value in node.values():
            _replace_ids(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _replace_ids(value, old, new)


def _decode(value: str) -> Any:
    """Form fields arrive as strings; aiogram JSON-encodes lists and objects."""
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _checked_markup(raw: Any) -> dict[str, Any] | None:
    """The inline keyboard of a request, refused the way Telegram refuses a bad one."""
    markup = _markup_of(raw)
    if markup is None:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
    return markup


def _markup_of(raw: Any) -> dict[str, Any] | None:
    if raw in (None, "", "null"):
        return None
    markup = json.loads(raw) if isinstance(raw, str) else raw
    if not markup or not markup.get("inline_keyboard"):
        return None
    return markup


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def _server_error(status: int) -> str:
    return {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}.get(
        status, "Internal Server Error"
    )


def _error(error: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.status)


# --------------------------------------------------------------------- test harness


def bot_env(fake: FakeTelegram, **overrides: str) -> dict[str, str]:
    """REPORTBOT_TELEGRAM_* for a connector talking to `fake`, with fast retries and limits.

    Keyword names are the variable names without the prefix (``WEBHOOK_URL="..."``).
    """
    env = {
        "REPORTBOT_TELEGRAM_TOKEN": fake.token,
        "REPORTBOT_TELEGRAM_API_URL": fake.base_url,
        "REPORTBOT_TELEGRAM_POLL_TIMEOUT": "1",
        "REPORTBOT_TELEGRAM_RETRY_DELAY": "0.01",
        "REPORTBOT_TELEGRAM_RETRY_MAX_DELAY": "0.1",
        "REPORTBOT_TELEGRAM_GLOBAL_RATE": "1000",
        "REPORTBOT_TELEGRAM_CHAT_RATE": "1000",
        "REPORTBOT_TELEGRAM_GROUP_LIMIT": "1000",
        "REPORTBOT_TELEGRAM_DRAIN_TIMEOUT": "5",
    }
    env.update({f"REPORTBOT_TELEGRAM_{key}": value for key, value in overrides.items()})
    return env


class Script:
    """The application's side of the connector contract, scripted by a test.

    Records every Incoming and answers with what `reply` returns (by default an echo).
    """

    def __init__(self, reply: Callable[[Incoming], Sequence[Outgoing]] | None = None) -> None:
        self.seen: list[Incoming] = []
        self.reply = reply or (lambda incoming: [Outgoing(f"echo: {incoming.text}")])

    async def __call__(self, incoming: Incoming) -> Sequence[Outgoing]:
        self.seen.append(incoming)
        return self.reply(incoming)
