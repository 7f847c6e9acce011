"""The steps every message goes through before the router, each with one job.

A middleware is called with the message and the rest of the pipeline (`call_next`); it answers
by itself (a redelivery, a group, a stranger) or passes the message on.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from connectors.base import Incoming, Outgoing
from reportbot.conversation.i18n import say
from reportbot.conversation.session import PersonInfo
from reportbot.registration import (
    extract_code,
    follow_language,
    join_another_unit,
    redeem,
    registered_text,
)
from reportbot.routing.inbound import Inbound, UpdateKey
from reportbot.store import inbox
from reportbot.store.repository import Repository

Next = Callable[[Inbound], Awaitable[list[Outgoing]]]
Middleware = Callable[[Inbound, Next], Awaitable[list[Outgoing]]]
RECENT_LIMIT = 200_000


def chain(middlewares: Sequence[Middleware], end: Next) -> Next:
    """Compose the middlewares, first one outermost, ending at `end` (the router)."""
    handler = end
    for middleware in reversed(middlewares):
        handler = _bind(middleware, handler)
    return handler


def _bind(middleware: Middleware, call_next: Next) -> Next:
    async def run(inbound: Inbound) -> list[Outgoing]:
        return await middleware(inbound, call_next)

    return run


Accept = Callable[[Incoming, datetime], Awaitable[str]]
MarkDone = Callable[[UpdateKey, datetime], Awaitable[None]]


class Inbox:
    """Stores each update durably before anything else, and drops one already handled.

    The update is written to the inbox (`reportbot.store.inbox`) before it is processed, so
    that a platform acknowledgement always follows a durable record: a crash after that is
    recovered at the next start. An update handled (or in hand) in this process is dropped
    at once, without a database read; one that fails is forgotten again here, and set aside
    in the inbox by the service (its sender is told to send it again), so a redelivery gets
    no answer. An update this process has just stored
    (`stored`: a webhook that answered before handing it over) is not stored again.
    """

    def __init__(
        self,
        clock: Callable[[], datetime],
        accept: Accept,
        mark_done: MarkDone = inbox.mark_done,
    ) -> None:
        self._clock = clock
        self._accept = accept
        self._mark_done = mark_done
        self._seen: OrderedDict[UpdateKey, None] = OrderedDict()
        self._stored: OrderedDict[UpdateKey, None] = OrderedDict()

    def remember_all(self, keys: set[UpdateKey]) -> None:
        """Mark these updates as handled (loaded from the store at start)."""
        for key in keys:
            self._remember(key)

    def stored(self, update: UpdateKey) -> None:
        """Note an update just stored as pending (its processing need not store it again)."""
        self._stored[update] = None
        if len(self._stored) > RECENT_LIMIT:
            self._stored.popitem(last=False)

    def is_stored(self, update: UpdateKey) -> bool:
        """Whether this process stored the update and has not processed it yet."""
        return update in self._stored

    async def __call__(self, inbound: Inbound, call_next: Next) -> list[Outgoing]:
        """Store a new update and pass it on; answer nothing to a repeated one."""
        update = inbound.update
        if update is None:
            return await call_next(inbound)
        if update in self._seen:
            return []
        self._remember(update)
        try:
            if update in self._stored:  # stored a moment ago, before the webhook answered
                del self._stored[update]
            else:
                status = await self._accept(inbound.message, self._clock())
                if status in (inbox.DONE, inbox.FAILED):
                    return []
            replies = await call_next(inbound)
            if not inbound.recorded:  # answered outside the engine's transaction
                await self._mark_done(update, self._clock())
            return replies
        except BaseException:
            self._seen.pop(update, None)
            raise

    def _remember(self, update: UpdateKey) -> None:
        self._seen[update] = None
        if len(self._seen) > RECENT_LIMIT:
            self._seen.popitem(last=False)


class GroupRefusal:
    """Tells a group, once, that reports are filed in a private chat; ignores it after."""

    def __init__(self, claim_once: Callable[[str, str], Awaitable[bool]]) -> None:
        self._claim_once = claim_once

    async def __call__(self, inbound: Inbound, call_next: Next) -> list[Outgoing]:
        """Private chats pass; a group gets one sentence, the first time only."""
        message = inbound.message
        if message.is_private:
            return await call_next(inbound)
        if not await self._claim_once(message.platform, f"group:{message.chat_id}"):
            return []
        return [Outgoing(say("group_refusal", inbound.locale))]


Welcome = Callable[[Incoming, PersonInfo], Awaitable[list[Outgoing]]]
"""What a newly registered person sees next (the engine's answer to /start)."""


class Registration:
    """Finds the sender; a stranger may only redeem an invite code."""

    def __init__(self, repository: Repository, clock: Callable[[], object]) -> None:
        self._repository = repository
        self._clock = clock
        self.welcome: Welcome | None = None
        # (platform, user id) -> the platform's name for a stranger whose message has none
        # (`connectors.names.names_from`), asked only when they redeem a code.
        self.namer: Callable[[str, str], Awaitable[str | None]] | None = None

    async def __call__(self, inbound: Inbound, call_next: Next) -> list[Outgoing]:
        """Known people pass on with `inbound.person` set; strangers are registered or told how."""
        message = inbound.message
        person = await self._repository.person(message.platform, message.user_id)
        if person is not None:
            followed = await follow_language(person, message.language_code)
            if followed is not person:
                self._repository.forget_person(message.platform, message.user_id)
            inbound.person = person = followed
            joined = await join_another_unit(  # a second invite: one more unit (kiêm nhiệm)
                inbound.text,
                person,
                platform=message.platform,
                external_id=message.user_id,
                now=self._clock(),  # type: ignore[arg-type]
            )
            if joined is not None:
                self._repository.forget_person(message.platform, message.user_id)
                return joined
            return await call_next(inbound)
        return await self._register(inbound)

    async def _register(self, inbound: Inbound) -> list[Outgoing]:
        message = inbound.message
        code = extract_code(inbound.text)
        if code is None:
            return [Outgoing(say("unregistered", inbound.locale))]
        name = message.display_name
        if name is None and self.namer is not None:
            name = await self.namer(message.platform, message.user_id)
        result = await redeem(
            code,
            platform=message.platform,
            external_id=message.user_id,
            chat_id=message.chat_id,
            display_name=name,
            locale=inbound.locale,
            now=self._clock(),
        )
        if result.person is None:
            return [Outgoing(say(f"invite_{result.outcome}", inbound.locale, code=code))]
        info = await follow_language(result.person, message.language_code)
        self._repository.forget_person(message.platform, message.user_id)
        replies = [Outgoing(await registered_text(info))]
        if self.welcome is not None:
            start = Incoming(message.platform, message.user_id, message.chat_id, text="/start")
            replies.extend(await self.welcome(start, info))
        return replies


class PersonLock:
    """Serialises the messages of one person, so each step sees the previous one's result."""

    def __init__(self) -> None:
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    def hold(self, person_id: int) -> asyncio.Lock:
        """The lock of one person (for a step that starts outside the pipeline)."""
        return self._locks[person_id]

    async def __call__(self, inbound: Inbound, call_next: Next) -> list[Outgoing]:
        """Run the rest of the pipeline holding the sender's lock."""
        async with self._locks[inbound.registered.id]:
            return await call_next(inbound)
