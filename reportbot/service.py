"""The conversation service: the one handler every connector calls.

For each incoming message it drops redeliveries, finds the person (or runs registration),
serialises messages of one person, asks the engine what to do, commits the step through the
group committer, and only then returns the replies. No exception reaches a chat: anything
unexpected is logged and the person gets a polite sentence, with nothing half-stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from connectors.base import Incoming, Outgoing
from reportbot.conversation import engine
from reportbot.conversation.commands import parse_command
from reportbot.conversation.i18n import say
from reportbot.conversation.parsing import normalize_text
from reportbot.conversation.session import Env, PersonInfo
from reportbot.registration import extract_code, redeem
from reportbot.store.errors import ConflictError
from reportbot.store.kv import KeyValueStore
from reportbot.store.queries.updates import mark_processed
from reportbot.store.repository import Repository
from reportbot.store.writer import GroupCommitter, StepWrite

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ChatCommand = Callable[[PersonInfo, str, Incoming], Awaitable[list[Outgoing]]]
"""A command handled outside the engine (coordinator and admin commands that query the
database): (person, argument, message) -> replies. It must check the person's role."""
Interceptor = Callable[[PersonInfo, Incoming], Awaitable[list[Outgoing] | None]]
"""Looks at a message before the engine (e.g. an admin sending a template file); returns the
replies if it handled the message, None to let the engine have it."""
RECENT_LIMIT = 200_000


def system_clock() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class ConversationService:
    """Turns incoming messages into committed steps and replies."""

    def __init__(
        self,
        tz: ZoneInfo,
        *,
        clock: Clock = system_clock,
        default_locale: str = "vi",
        repository: Repository | None = None,
        committer: GroupCommitter | None = None,
    ) -> None:
        self.tz = tz
        self.clock = clock
        self.default_locale = default_locale
        self.repository = repository or Repository()
        self.committer = committer or GroupCommitter()
        self.chat_commands: dict[str, ChatCommand] = {}
        self.interceptors: list[Interceptor] = []
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    async def start(self) -> None:
        """Load the recently processed update ids so redeliveries after a restart are dropped."""
        for key in await self.repository.recent_updates(self.clock()):
            self._seen[key] = None

    async def close(self) -> None:
        """Finish queued commits."""
        await self.committer.close()

    async def __call__(self, message: Incoming) -> Sequence[Outgoing]:
        """The connector handler: never raises; returns the replies after the commit."""
        update = (message.platform, message.update_id) if message.update_id else None
        if update is not None:
            if update in self._seen:
                return []
            self._remember(update)
        try:
            return await self._handle(message, update)
        except Exception:
            if update is not None:
                self._seen.pop(update, None)  # not processed: a redelivery may try again
            log.exception("failed to handle a %s message", message.platform)
            return [Outgoing(say("internal_error", self._locale_of(message)))]

    def _remember(self, update: tuple[str, str]) -> None:
        self._seen[update] = None
        if len(self._seen) > RECENT_LIMIT:
            self._seen.popitem(last=False)

    def _locale_of(self, message: Incoming) -> str:
        code = (message.language_code or "").lower()
        return (
            "en" if code.startswith("en") and self.default_locale == "en" else self.default_locale
        )

    async def _handle(self, message: Incoming, update: tuple[str, str] | None) -> list[Outgoing]:
        person = await self.repository.person(message.platform, message.user_id)
        if not message.is_private:
            return await self._group_refusal(message)
        if person is None:
            return await self._register(message)
        async with self._locks[person.id]:
            replies = await self._outside_engine(person, message)
            if replies is not None:
                if update is not None:
                    await mark_processed(update[0], update[1], self.clock())
                return replies
            try:
                return await self._converse(person, message, update)
            except ConflictError:
                # Another officer of the same unit created the same report a moment ago:
                # reload the unit's reports and decide again.
                self.repository.forget_unit(person.unit.id if person.unit else None)
                return await self._converse(person, message, update)

    async def _outside_engine(self, person: PersonInfo, message: Incoming) -> list[Outgoing] | None:
        """Chat commands and interceptors that query the database themselves."""
        command = parse_command(normalize_text(message.choice or message.text or ""))
        if command is not None and command.name in self.chat_commands:
            return await self.chat_commands[command.name](person, command.argument, message)
        for interceptor in self.interceptors:
            replies = await interceptor(person, message)
            if replies is not None:
                return replies
        return None

    async def _converse(
        self, person: PersonInfo, message: Incoming, update: tuple[str, str] | None
    ) -> list[Outgoing]:
        repository = self.repository
        unit_id = person.unit.id if person.unit else None
        state = await repository.state(person.id)
        reports = await repository.reports(unit_id) if unit_id is not None else {}
        env = Env(
            now=self.clock(),
            tz=self.tz,
            person=person,
            forms=await repository.forms_for(person.unit),
            submissions=reports,
        )
        step = engine.handle(state, message, env)
        write = StepWrite(
            person_id=person.id,
            unit_id=unit_id,
            state=step.state,
            change=step.change,
            update=update,
            now=env.now,
        )
        repository.begin_write(unit_id)
        try:
            await self.committer.commit(write)
        except Exception:
            repository.forget_unit(unit_id)
            raise
        finally:
            repository.end_write(unit_id)
        if step.state is not None:
            repository.remember_state(person.id, step.state)
        if step.change is not None:
            repository.apply(unit_id, step.change, write.created_id)
        return step.replies

    async def _register(self, message: Incoming) -> list[Outgoing]:
        locale = self._locale_of(message)
        code = extract_code(normalize_text(message.text or ""))
        if code is None:
            return [Outgoing(say("unregistered", locale))]
        result = await redeem(
            code,
            platform=message.platform,
            external_id=message.user_id,
            chat_id=message.chat_id,
            display_name=message.display_name,
            locale=locale,
            now=self.clock(),
        )
        if result.person is None:
            return [Outgoing(say(f"invite_{result.outcome}", locale, code=code))]
        info = result.person
        self.repository.forget_person(message.platform, message.user_id)
        unit_name = info.unit.name if info.unit else "—"
        role = say(f"role_{info.role}", info.locale)
        replies = [Outgoing(say("registered", info.locale, role=role, unit=unit_name))]
        start = Incoming(message.platform, message.user_id, message.chat_id, text="/start")
        async with self._locks[info.id]:
            replies.extend(await self._converse(info, start, None))
        return replies

    async def _group_refusal(self, message: Incoming) -> list[Outgoing]:
        """Tell a group once that reports are filed in a private chat."""
        told = KeyValueStore(message.platform[:32], clock=self.clock)
        if not await told.claim_once(f"group:{message.chat_id}"[:64], "told"):
            return []
        return [Outgoing(say("group_refusal", self._locale_of(message)))]
