"""/tonghop with several forms in use: a numbered (and buttoned) choice of the form.

Typing a snake_case form key is not something a coordinator on a phone should have to do.
`offer` lists the forms by title, numbered, with a button each, and remembers the list for
the person (key-value store, so any process of the bot reads it back) for `CHOICE_TTL`;
`SummaryChoice` is a router dialog that takes the number typed (or the button pressed) while
the offer stands and runs the summary of that form. Any other message goes on as usual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from connectors.base import Choice, Outgoing
from reportbot.conversation.session import PersonInfo
from reportbot.coordination.roles import COORDINATOR, has_role
from reportbot.coordination.texts import t
from reportbot.forms.schema import FormTemplate, pick
from reportbot.routing.inbound import Inbound
from reportbot.store.kv import KeyValueStore

NAMESPACE = "coordination"
CHOICE_TTL = timedelta(minutes=30)
PAYLOAD = "#tonghop-"
_NUMBER = re.compile(r"^\s*(?:#tonghop-)?(\d{1,2})\s*$")

Summarize = Callable[[PersonInfo, str], Awaitable[list[Outgoing]]]
InReport = Callable[[PersonInfo], Awaitable[bool]]


def _key(person_id: int) -> str:
    return f"tonghop:{person_id}"


class SummaryChoice:
    """Offers the forms and takes the coordinator's pick (a router dialog)."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        summarize: Summarize,
        in_report: InReport | None = None,
    ) -> None:
        self.clock = clock
        self.summarize = summarize
        self.in_report = in_report
        self.kv = KeyValueStore(NAMESPACE)

    async def offer(
        self, person: PersonInfo, forms: dict[str, FormTemplate], period: str | None
    ) -> list[Outgoing]:
        """The numbered list of forms (title order as `forms` gives), remembered for a while."""
        keys = list(forms)
        expires = self.clock() + CHOICE_TTL
        value = {"keys": keys, "period": period, "expires": expires.isoformat()}
        await self.kv.set(_key(person.id), json.dumps(value))
        choices = tuple(
            Choice(pick(forms[key].title, person.locale), f"{PAYLOAD}{number}")
            for number, key in enumerate(keys, start=1)
        )
        return [Outgoing(t("summary_choose_form", person.locale), choices=choices)]

    async def take(self, inbound: Inbound) -> list[Outgoing] | None:
        """The summary of the form picked by number, while an offer stands; else None."""
        person = inbound.person
        if person is None or not has_role(person, COORDINATOR):
            return None
        found = _NUMBER.match(inbound.message.choice or inbound.text or "")
        if found is None:
            return None
        if self.in_report is not None and await self.in_report(person):
            return None  # a number typed in a report is an answer
        pending = await self._pending(person.id)
        if pending is None:
            return None
        keys, period = pending
        index = int(found[1]) - 1
        if not 0 <= index < len(keys):
            return [Outgoing(t("summary_choose_number", person.locale, count=len(keys)))]
        await self.kv.delete(_key(person.id))
        argument = keys[index] + (f" {period}" if period else "")
        return await self.summarize(person, argument)

    async def _pending(self, person_id: int) -> tuple[list[str], str | None] | None:
        value = await self.kv.get(_key(person_id))
        if value is None:
            return None
        try:
            data = json.loads(value)
            keys, period = list(map(str, data["keys"])), data.get("period")
            expired = datetime.fromisoformat(data["expires"]) <= self.clock()
        except (ValueError, KeyError, TypeError):
            expired, keys, period = True, [], None
        if expired:
            await self.kv.delete(_key(person_id))
            return None
        return keys, period
