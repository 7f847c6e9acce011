"""/tonghop with several forms in use: a numbered (and buttoned) choice of the form.

Typing a snake_case form key is not something a coordinator on a phone should have to do.
`offer` lists the forms by title, numbered, with a button each, and remembers the list for
the person (key-value store, so any process of the bot reads it back) for `CHOICE_TTL`;
`SummaryChoice` is a router dialog that takes the number typed (or the button pressed) while
the offer stands and runs the summary of that form. Any other message goes on as usual.

A form whose reports span several periods (the current and the previous one, say) gets the
same treatment: `offer_periods` lists those periods, newest first, each with how many units
have filed it, and the number picks that period's summary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from connectors.base import Choice, Outgoing
from reportbot.conversation.session import PersonInfo
from reportbot.coordination.reporting.status import period_status
from reportbot.coordination.roles import COORDINATOR, has_role
from reportbot.coordination.texts import t
from reportbot.forms.schema import FormTemplate, pick
from reportbot.periods import Period, current_period, period_at
from reportbot.routing.inbound import Inbound
from reportbot.store.kv import KeyValueStore
from reportbot.store.queries.organisations import EVERYTHING, Scope
from reportbot.vocabulary.catalogue import register

NAMESPACE = "coordination"
CHOICE_TTL = timedelta(minutes=30)
PAYLOAD = "#tonghop-"
_NUMBER = re.compile(r"^\s*(?:#tonghop-)?(\d{1,2})\s*$")
# How far back the period choice looks: the current period and the three before it (a year
# of quarters); older periods stay reachable by typing their key.
PERIODS_BACK = 3
# The period choice's own words (Vietnamese first), kept here with the choice they belong to.
TEXTS = {
    "choose": {
        "vi": "Mẫu “{title}” có báo cáo của nhiều kỳ. Chọn kỳ cần tổng hợp (gõ số hoặc bấm nút):",
        "en": "“{title}” has reports for several periods. Choose the period to consolidate "
        "(type its number or press its button):",
    },
    "line": {"vi": "{label} · {filed}/{total} đã nộp", "en": "{label} · {filed}/{total} filed"},
}
PERIOD_CHOICE = register("summary_choice", TEXTS)

Summarize = Callable[[PersonInfo, str], Awaitable[list[Outgoing]]]
InReport = Callable[[PersonInfo], Awaitable[bool]]


def _key(person_id: int) -> str:
    return f"tonghop:{person_id}"


def _text(name: str, locale: str, **values: object) -> str:
    return PERIOD_CHOICE.say(name, locale, **values)


@dataclass(frozen=True)
class FiledPeriod:
    """A period of a form with at least one report filed, and how many of its units filed."""

    period: Period
    filed: int
    total: int


async def filed_periods(
    form_key: str, template: FormTemplate, now: datetime, tz: tzinfo, scope: Scope = EVERYTHING
) -> list[FiledPeriod]:
    """The current and recent periods of a form that units of `scope` filed, newest first."""
    spec = template.period
    found: list[FiledPeriod] = []
    seen: set[str] = set()
    candidates = [current_period(spec, now, tz)]
    candidates += [period_at(spec, now, tz, -back) for back in range(1, PERIODS_BACK + 1)]
    for period in candidates:
        if period is None or period.key in seen:
            continue
        seen.add(period.key)
        status = await period_status(form_key, template, period, scope=scope)
        if status.filed:
            found.append(FiledPeriod(period, status.filed, len(status.units)))
    return found


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
        arguments = [key + (f" {period}" if period else "") for key in keys]
        await self._remember(person.id, arguments)
        choices = tuple(
            Choice(pick(forms[key].title, person.locale), f"{PAYLOAD}{number}")
            for number, key in enumerate(keys, start=1)
        )
        return [Outgoing(t("summary_choose_form", person.locale), choices=choices)]

    async def offer_periods(
        self, person: PersonInfo, form_key: str, template: FormTemplate, found: list[FiledPeriod]
    ) -> list[Outgoing]:
        """The numbered list of a form's periods with reports (newest first, as `found` is)."""
        await self._remember(person.id, [f"{form_key} {item.period.key}" for item in found])
        locale = person.locale
        choices = tuple(
            Choice(
                _text(
                    "line",
                    locale,
                    label=item.period.label(locale),
                    filed=item.filed,
                    total=item.total,
                ),
                f"{PAYLOAD}{number}",
            )
            for number, item in enumerate(found, start=1)
        )
        title = pick(template.title, locale)
        return [Outgoing(_text("choose", locale, title=title), choices=choices)]

    async def _remember(self, person_id: int, arguments: list[str]) -> None:
        """What each number stands for (a /tonghop argument), until the offer expires."""
        expires = self.clock() + CHOICE_TTL
        value = {"arguments": arguments, "expires": expires.isoformat()}
        await self.kv.set(_key(person_id), json.dumps(value))

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
        arguments = await self._pending(person.id)
        if arguments is None:
            return None
        index = int(found[1]) - 1
        if not 0 <= index < len(arguments):
            return [Outgoing(t("summary_choose_number", person.locale, count=len(arguments)))]
        await self.kv.delete(_key(person.id))
        return await self.summarize(person, arguments[index])

    async def _pending(self, person_id: int) -> list[str] | None:
        value = await self.kv.get(_key(person_id))
        if value is None:
            return None
        try:
            data = json.loads(value)
            arguments = list(map(str, data["arguments"]))
            expired = datetime.fromisoformat(data["expires"]) <= self.clock()
        except (ValueError, KeyError, TypeError):  # also an offer stored by an older version
            expired, arguments = True, []
        if expired:
            await self.kv.delete(_key(person_id))
            return None
        return arguments
