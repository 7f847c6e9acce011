"""The connector contract: neutral messages in and out, and what a platform can do.

A connector turns a platform's updates into `Incoming` messages, hands each one to the
application's handler, and delivers the `Outgoing` messages the handler returns. It also
offers a send-only path (`Connector.send`) for reminders and notices that answer nothing.

Connectors are found through the ``reportbot.connectors`` entry point group. Each entry point
names a factory ``create(context: ConnectorContext) -> Connector | None`` that returns ``None``
when the connector is not configured (for example, no token in the environment).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from aiohttp import web

ENTRY_POINT_GROUP = "reportbot.connectors"
# The key of a connector's `kv` under which it keeps the problem an administrator must act on
# (plain text, absent when healthy), so that `reportbot status`, another process, shows it.
WARNING_KEY = "admin_warning"
# The language of what an administrator reads (a start-up error): English when this is "en",
# else Vietnamese. Read by the contract itself, since a connector must not import the bot.
LOCALE_VARIABLE = "REPORTBOT_LOCALE"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or file sent by a user: a local path, a platform file id or a URL."""

    kind: str  # "photo", "file", "audio" or "video"
    path: str | None = None
    file_id: str | None = None
    url: str | None = None
    name: str | None = None
    size: int | None = None
    mime_type: str | None = None
    # Where the file lies relative to the media folder ("telegram/AgAD.jpg"): what to store, so
    # that moving the media folder does not break stored answers. `path` stays openable as is.
    relative_path: str | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One message from a user, in platform-neutral form.

    `text` is what the user typed; `choice` is the payload of a pressed button; `choices` is the
    final selection of a multi-select keyboard. `update_id` identifies the platform update for
    de-duplication (a webhook retry or a polling overlap delivers the same id twice).

    `attachments` holds every file of an album (`attachment` is its first). `edited` marks a
    correction of an earlier message: `message_id` is then that message's id. `reply_to_question`
    is the question binding (`connectors.binding.question_token`) of the button pressed or of the
    question message the user replied to; None when unknown. `parts` counts the platform
    messages joined into `text` (a long paste split by the client).
    """

    platform: str
    user_id: str
    chat_id: str
    text: str | None = None
    choice: str | None = None
    choices: tuple[str, ...] | None = None
    attachment: Attachment | None = None
    display_name: str | None = None
    language_code: str | None = None
    message_id: str | None = None
    update_id: str | None = None
    is_private: bool = True
    unsupported: str | None = None  # e.g. "sticker": something we cannot read
    received_at: datetime | None = None
    attachments: tuple[Attachment, ...] = ()
    edited: bool = False
    reply_to_question: str | None = None
    reply_to_message_id: str | None = None
    parts: int = 1
    # A shared position (latitude, longitude, horizontal accuracy in metres or None): answers
    # a geopoint question (Telegram's location message; a Zalo "location" attachment).
    location: tuple[float, float, float | None] | None = None
    arrived_at: datetime | None = None  # when the bot first had it, by its own clock (inbox)


_INCOMING_FIELDS = tuple(Incoming.__dataclass_fields__)
_ARRIVED = _INCOMING_FIELDS.index("arrived_at")


def with_arrival(message: Incoming, at: datetime) -> Incoming:
    """`message` with `arrived_at` set to `at`: what `dataclasses.replace` gives, without its
    walk over every field's definition (it ran for every update, twice on a webhook's)."""
    values = [getattr(message, name) for name in _INCOMING_FIELDS]
    values[_ARRIVED] = at
    return Incoming(*values)


@dataclass(frozen=True, slots=True)
class Choice:
    """One option offered to the user: its label and the payload sent back when chosen."""

    label: str
    payload: str
    button_only: bool = False  # a shortcut that only makes sense as a button (no list entry)
    plain: str | None = None  # the command to show instead of the payload where no buttons
    whole: str | None = None  # the label uncut, for a list (`label` is cut to fit a button)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to a user.

    `choices` are offered as buttons where the platform has them, else as a numbered list that
    the engine understands back (`render_plain`). `multi` marks a multi-select question.
    `question_id` says which question the message asks, so a connector can edit it later to
    show the chosen value. `attachment_path` is a local file to send (a chart, a report).
    `question` is the question binding (`connectors.binding.question_token(question_id, form
    version)`) that buttons carry back; without it a connector binds to `question_id` alone.
    """

    text: str
    choices: tuple[Choice, ...] = ()
    multi: bool = False
    question_id: str | None = None
    attachment_path: str | None = None
    selected: tuple[str, ...] = ()  # payloads already chosen (multi-select toggles)
    choices_numbered: bool = True  # whether a typed number picks a choice (engine reads it back)
    question: str | None = None
    # Set on the last reply of a step when the bot keeps the replies until the platform has
    # them: a connector that declares `confirms_delivery` calls `context.delivered(receipt)`
    # once the platform accepted this message.
    receipt: str | None = None


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A sending limit: at most `per_second` messages per second (global or per chat)."""

    per_second: float


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a platform can do; rendering degrades to what is declared here."""

    buttons: bool = False
    max_text_length: int = 4096
    max_buttons: int = 0
    can_edit: bool = False
    photos: bool = False
    documents: bool = False
    global_rate: RateLimit | None = None
    per_chat_rate: RateLimit | None = None
    commands_need_slash: bool = True
    confirms_delivery: bool = False  # calls `ConnectorContext.delivered` for each receipt


@dataclass(frozen=True, slots=True)
class Address:
    """Where to send a message with no incoming one: a platform identity of a person."""

    platform: str
    user_id: str
    chat_id: str


Handler = Callable[[Incoming], Awaitable[Sequence[Outgoing]]]


class KeyValue(Protocol):
    """Durable text values a connector keeps (e.g. rotating OAuth tokens), shared by every
    process on the same database; the application implements it (one namespace per connector).
    """

    async def get(self, key: str) -> str | None:
        """The value of `key`, or None."""
        ...

    async def set(self, key: str, value: str) -> None:
        """Write `value` under `key`."""
        ...

    async def delete(self, key: str) -> bool:
        """Remove `key`; return whether it existed."""
        ...

    async def update(
        self,
        key: str,
        fn: Callable[[str | None], Awaitable[str]],
        *,
        default: str | None = None,
    ) -> str:
        """Replace the value by `await fn(current)` under a lock held across processes.

        With `default`, an absent key is created with it first and `fn` runs exactly once.
        """
        ...

    async def claim_once(self, key: str, value: str = "1") -> bool:
        """Create `key` if absent; True only for the one caller that created it."""
        ...


@dataclass
class ConnectorContext:
    """What the application hands a connector factory.

    `env` is the process environment (connectors read their own ``REPORTBOT_<NAME>_*``
    variables); `config` is the connector's table from ``reportbot.toml`` if any; `web_app` is
    the shared aiohttp application where webhook routes are added before it starts; `kv` is
    the connector's durable key-value state (None when the application has no database);
    `delivered` is called with an `Outgoing.receipt` once the platform accepted that message;
    `accept` stores an update before it is handled; `rate_share` is this process's part of the
    platform's bot-wide rate (see the fields).
    """

    handler: Handler
    env: Mapping[str, str]
    config: Mapping[str, Any] = field(default_factory=dict)
    web_app: web.Application | None = None
    media_dir: Path = Path("media")
    public_base_url: str | None = None
    kv: KeyValue | None = None
    delivered: Callable[[str], Awaitable[None]] | None = None
    # Stores an update durably without handling it (raises NotAccepted when it cannot): a
    # connector whose platform wants a quick answer (Zalo OA: 2 s) acknowledges after this
    # and hands the update to `handler` afterwards.
    accept: Callable[[Incoming], Awaitable[None]] | None = None
    # This process's part (0-1] of each platform's bot-wide rate, read before every send: with
    # several worker processes each paces itself to its share of the limit (None: all of it).
    rate_share: Callable[[], float] | None = None


@runtime_checkable
class Connector(Protocol):
    """A messaging platform adapter; subclassed, it lends its defaults (`settle_recovered`)."""

    name: str
    capabilities: Capabilities

    async def start(self) -> None:
        """Begin receiving (polling task, webhook registration); return once running."""

    async def stop(self) -> None:
        """Stop receiving and flush what is queued to send."""

    async def send(self, address: Address, messages: Sequence[Outgoing]) -> None:
        """Deliver messages to a person with no incoming message (reminders, notices)."""

    def settle_recovered(self, message: Incoming, replies: Sequence[Outgoing]) -> None:
        """Do what live handling does beyond replying, for an update stored
        before a crash and handled (successfully) by the next start's recovery, whose
        `replies` went out through `send`. Telegram removes a recovered press's keyboard.

        The default does nothing: right for the console and both Zalo connectors, which send
        plain text only (`_queued.text_capabilities`: no buttons, no edits; choices are a
        numbered list), so no keyboard or quick reply of ours is left to settle."""


class AttachmentTooLarge(Exception):
    """A file is over the byte limit it was fetched with (`size` when known, else None).

    The size is what was counted while downloading, never only what the platform declared.
    """

    def __init__(self, size: int | None, limit: int) -> None:
        super().__init__(f"file over {limit} bytes ({size if size is not None else 'more'})")
        self.size = size
        self.limit = limit


class AttachmentUnavailable(Exception):
    """A file could not be fetched (gone, network); sending it again may work."""


@runtime_checkable
class FetchesAttachments(Protocol):
    """A connector whose `Attachment`s arrive lazily: a platform reference (`file_id`, no
    `path`) that the application fetches only once it knows the sender and expects a file.

    Nothing is written to disk for a message the application does not take as a file answer.
    """

    name: str

    async def fetch_attachment(
        self, attachment: Attachment, folder: Path, max_bytes: int
    ) -> Attachment:
        """Download `attachment` into `folder` and return it with `path` set.

        The bytes are counted as they arrive: over `max_bytes` (or the connector's own limit,
        whichever is lower) raises AttachmentTooLarge and leaves no file behind; a failure
        raises AttachmentUnavailable (its message never holds a secret such as a bot token).
        """
        ...


class NotAccepted(Exception):
    """The handler could not store the update: do not acknowledge it.

    A webhook answers 503 (the platform retries), a poller does not advance its offset.
    """


def admin_locale(env: Mapping[str, str] | None = None) -> str:
    """ "en" when REPORTBOT_LOCALE (of `env`, else of the process) is en; else "vi"."""
    source = os.environ if env is None else env
    return "en" if source.get(LOCALE_VARIABLE, "") == "en" else "vi"


class ConnectorStartError(ValueError):
    """A connector cannot start: one line naming the cause (the variable, the value) and the fix.

    It carries the line in each language, `texts` = {"vi": ..., "en": ...} (the shape of the
    bot's message catalogues), and is shown in one: `text(locale)`, or `str()` in
    REPORTBOT_LOCALE's language (Vietnamese unless it is en). A plugin that gives one text has it
    shown in both. A ValueError, so that a factory raising it counts as a configuration mistake.
    """

    def __init__(self, vi: str, en: str | None = None) -> None:
        super().__init__(vi)
        self.texts: dict[str, str] = {"vi": vi, "en": en or vi}

    def text(self, locale: str) -> str:
        """The line in `locale` (Vietnamese unless it is English)."""
        return self.texts["en" if locale == "en" else "vi"]

    def __str__(self) -> str:
        return self.text(admin_locale())


class DeliveryError(Exception):
    """A message could not be delivered and will not be by retrying (e.g. blocked by user)."""


class RecipientRefused(DeliveryError):
    """The platform refuses messages to this person until they act: they blocked the bot,
    left (unfollowed) the OA, or are outside its messaging window. Retrying before then only
    spends the platform's quota; other DeliveryErrors (a rate limit outlasting the queue's
    tries, a stopped queue) may pass, so kept replies are retried on those."""


@runtime_checkable
class ReportsWarnings(Protocol):
    """Optional: a connector that can tell the administrators about a problem of its own.

    `warnings()` returns the problems an administrator must act on now (an OAuth refresh token
    about to expire, a refresh refused), each one line in the administrators' language
    (`admin_locale`, from the connector's `env`); empty when healthy. The application shows
    them in the coordinators' digest; a connector with durable state also keeps its current
    one under `WARNING_KEY` of its `kv`.
    """

    def warnings(self) -> Sequence[str]:
        """The problems an administrator must act on now (empty when healthy)."""
        ...


def connector_warnings(connectors: Iterable[object]) -> list[str]:
    """Every problem the given connectors report (those without `warnings()` report none)."""
    found: list[str] = []
    for connector in connectors:
        if isinstance(connector, ReportsWarnings):
            found.extend(text for text in connector.warnings() if text)
    return found


def render_plain(message: Outgoing, capabilities: Capabilities) -> str:
    """Render a message for a platform without buttons: choices as a numbered list.

    The numbers match what the engine accepts back (1 = first choice). Choices that are
    commands (payload starting with "/") are shown as the command to type.
    """
    if not message.choices or capabilities.buttons:
        return message.text
    lines = [message.text, ""]
    number = 0
    for choice in message.choices:
        if choice.button_only:
            continue
        if choice.payload.startswith("/"):
            shown = choice.plain or choice.payload
            command = shown if capabilities.commands_need_slash else shown.lstrip("/")
            lines.append(f"• {choice.label}: {command}")
            continue
        number += 1
        mark = "☑ " if choice.payload in message.selected else ""
        lines.append(f"{number}. {mark}{choice.whole or choice.label}")
    return "\n".join(lines)
