"""The reminder and digest texts of a run, and the routes that can carry them.

`MessageComposer` is mixed into the reminder worker (and used by `reportbot reminders
preview`): it needs the worker's `clock` and `tz`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from connectors.base import Address, Connector, Outgoing, connector_warnings
from reportbot.forms.schema import FormTemplate
from reportbot.reminders import messages, store
from reportbot.reminders.fanout import Delivery
from reportbot.reminders.schedule import Due, Slot
from reportbot.store import outbox
from reportbot.store.queries.organisations import (
    person_scopes,
    spans_communes_within,
    unit_organisation_pairs,
    units_within,
)

# Heads the problems connectors report (a Zalo OA token to re-authorise) at a digest's end:
# coordinators are the people who read the bot every period, and they reach the admin.
NOTICES_HEAD = messages.text("notices_head", "vi")

Notice = Mapping[str, str]
"""A problem for the administrator, a text per language ('vi' always there)."""


class MessageComposer:
    """Builds officer reminders and coordinator digests for due reminders."""

    clock: Callable[[], datetime]
    tz: ZoneInfo

    async def officer_deliveries(
        self,
        dues: Sequence[Due],
        templates: dict[str, FormTemplate],
        connectors: dict[str, Connector],
    ) -> list[Delivery]:
        """The reminder to each due officer this process can reach, with the routes to try."""

        async def texts(reachable: Sequence[Due]) -> list[Outgoing]:
            return await self.officer_messages(reachable, templates)

        return await _deliveries(dues, connectors, texts)

    async def officer_messages(
        self, dues: Sequence[Due], templates: dict[str, FormTemplate]
    ) -> list[Outgoing]:
        """The reminder text for each due officer (in the same order)."""
        unit_ids = [u for d in dues for u in (d.recipient.unit_id, *d.recipient.also) if u]
        unit_rows = await store.units(unit_ids)
        units_by_period: dict[tuple[str, str], set[int]] = defaultdict(set)
        for due in dues:
            if due.recipient.unit_id:
                units_by_period[(due.slot.form_key, due.slot.period.key)].add(due.recipient.unit_id)
        progress = {
            key: await store.draft_progress(*key, unit_ids, unit_rows)
            for key, unit_ids in units_by_period.items()
        }
        now = self.clock()
        texts: list[Outgoing] = []
        for due in dues:
            slot = due.slot
            unit_id = due.recipient.unit_id or 0
            unit = unit_rows.get(unit_id)
            texts.append(
                messages.officer_reminder(
                    templates[slot.form_key],
                    slot.period,
                    unit_name=_unit_names(unit, due.recipient.also, unit_rows),
                    locale=due.recipient.locale,
                    now=now,
                    tz=self.tz,
                    # Several units owe it: "A, B have not sent it", whose button offers
                    # those units, rather than one unit's draft count under both names.
                    progress=None
                    if due.recipient.also
                    else progress.get((slot.form_key, slot.period.key), {}).get(unit_id),
                )
            )
        return texts

    async def digest_deliveries(
        self,
        dues: Sequence[Due],
        templates: dict[str, FormTemplate],
        connectors: dict[str, Connector],
    ) -> list[Delivery]:
        """The digest of each period to each due coordinator this process can reach."""

        async def texts(reachable: Sequence[Due]) -> list[Outgoing]:
            warnings = [{"vi": text} for text in connector_warnings(connectors.values())]
            notices = [*warnings, *await sheet_notices()]
            platforms = set(connectors)
            return await self.digest_messages(reachable, templates, platforms, notices=notices)

        return await _deliveries(dues, connectors, texts)

    async def digest_messages(
        self,
        dues: Sequence[Due],
        templates: dict[str, FormTemplate],
        platforms: set[str],
        *,
        notices: Sequence[Notice] = (),
    ) -> list[Outgoing]:
        """The digest text for each due coordinator (in the same order).

        `platforms` are the connectors that can deliver; an officer with accounts on none of
        them is listed as unreachable (an empty set: every account counts as reachable).
        `notices` (connector problems for the administrator) close every digest.
        """
        now = self.clock()
        whole: dict[tuple[str, str], store.DigestFacts] = {}  # read once per period
        facts: dict[tuple[str, str, int | None], store.DigestFacts] = {}
        built: dict[tuple[str, str, int | None, str], Outgoing] = {}
        texts: list[Outgoing] = []
        # Every coordinator's commune or province, and the units' communes, read once for
        # the run (they were read per coordinator: three queries each).
        scopes = await person_scopes(due.recipient.person_id for due in dues)
        units = await unit_organisation_pairs() if dues else []
        for due in dues:
            slot = due.slot
            template = templates[slot.form_key]
            scope = scopes[due.recipient.person_id]
            key = (slot.form_key, slot.period.key, scope.root_id)
            if key not in facts:
                if key[:2] not in whole:
                    whole[key[:2]] = await store.digest_facts(template, slot.period.key)
                every = whole[key[:2]]  # the deployment's reader: named as read (spans_communes)
                named = (
                    bool(every.communes)
                    if scope.everything
                    else spans_communes_within(scope, units)
                )
                facts[key] = every.within(units_within(scope, units), name_communes=named)
            locale = due.recipient.locale
            message = built.get((*key, locale))
            if message is None:
                sections = digest_sections(facts[key], slot, platforms, locale)
                message = with_notices(
                    messages.digest(
                        template, slot.period, sections, locale=locale, now=now, tz=self.tz
                    ),
                    notices,
                    locale,
                )
                built[(*key, locale)] = message
            texts.append(message)
        return texts


async def sheet_notices() -> list[Notice]:
    """The spreadsheets the mirror cannot write (a commune's sheet nobody shared with the
    service account, the deployment's sheet down), one notice each."""
    return [
        {
            locale: messages.text("sheet_failed", locale, error=error, waiting=waiting)
            for locale in ("vi", "en")
        }
        for error, waiting, _attempts in await outbox.failures(outbox.SHEET_TOPIC)
    ]


def with_notices(message: Outgoing, notices: Sequence[Notice], locale: str) -> Outgoing:
    """The digest with the administrator's notices appended in the reader's language
    (unchanged when there are none)."""
    if not notices:
        return message
    lines = [f"• {notice.get(locale) or notice['vi']}" for notice in notices]
    block = "\n".join([messages.text("notices_head", locale), *lines])
    return replace(message, text=f"{message.text}\n\n{block}")


async def _deliveries(
    dues: Sequence[Due],
    connectors: dict[str, Connector],
    texts: Callable[[Sequence[Due]], Awaitable[list[Outgoing]]],
) -> list[Delivery]:
    """Each due person this process can reach, with their text (`texts`, made for those
    alone, in the same order) and the routes to try."""
    routes = await _routes([d.recipient.person_id for d in dues], connectors)
    reachable = [d for d in dues if routes.get(d.recipient.person_id)]
    return [
        Delivery(due, [message], routes[due.recipient.person_id])
        for due, message in zip(reachable, await texts(reachable), strict=True)
    ]


async def _routes(
    person_ids: Sequence[int], connectors: dict[str, Connector]
) -> dict[int, list[tuple[Connector, Address]]]:
    """Each person's identities on the connectors of this process, newest first."""
    found = await store.addresses(person_ids)
    return {
        person_id: [(connectors[a.platform], a) for a in addresses if a.platform in connectors]
        for person_id, addresses in found.items()
    }


def digest_sections(
    facts: store.DigestFacts, slot: Slot, platforms: set[str], locale: str
) -> messages.DigestSections:
    """Sort the units of a period into the digest's sections."""
    deadline = slot.period.deadline
    sections = messages.DigestSections(len(facts.units), [], [], [], [])
    for unit in facts.units:
        if unit.id in facts.filed_at:
            submitted = facts.filed_at[unit.id]
            late = submitted is not None and submitted > deadline
            (sections.late if late else sections.on_time).append(
                messages.DigestEntry(unit.id, facts.label(unit))
            )
            continue
        sections.missing.append(messages.DigestEntry(unit.id, facts.label(unit)))
        officers = facts.officers.get(unit.id, [])
        if not officers:
            detail = messages.text("reason_no_officer", locale)
            sections.unreachable.append(messages.DigestEntry(unit.id, facts.label(unit), detail))
        for person in officers:
            reason = messages.unreachable_reason(
                person.id in facts.undeliverable,
                person.id in facts.not_following,
                facts.platforms.get(person.id, set()),
                platforms,
                locale,
            )
            if reason:
                sections.unreachable.append(
                    messages.DigestEntry(unit.id, facts.label(unit), f"{person.name}: {reason}")
                )
    return sections


def _unit_names(
    unit: store.UnitRow | None, also: Sequence[int], unit_rows: dict[int, store.UnitRow]
) -> str:
    """The unit a reminder is about, and the officer's other units that owe the same period."""
    names = [unit.name] if unit else []
    names += [unit_rows[u].name for u in also if u in unit_rows]
    return ", ".join(names)
