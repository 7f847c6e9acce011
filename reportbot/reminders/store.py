"""What the reminder job reads and writes, shaped for the planner (set-based, never one query
per person; the queries themselves are in `reportbot.store.queries.reminders`).

Claiming: a reminder is claimed by INSERTing its row of reminder_deliveries (unique per person,
form, period and kind) with status 'sending' *before* the message leaves; the row is marked
'sent' after. Only the process whose INSERT succeeded sends. A 'failed' row (the connector
reported a failure that may pass) is claimed again by a compare-and-set on its attempt count.
A process killed between the claim and the mark leaves a 'sending' row, which is never sent
again: a reminder goes out at most once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from connectors.base import Address
from reportbot.conversation import navigation as nav
from reportbot.conversation.values import decode_value
from reportbot.forms.calculation_types import split_stored
from reportbot.forms.schema import FormTemplate
from reportbot.reminders.schedule import (
    FAILED,
    SENDING,
    SENT,
    SKIPPED,
    UNDELIVERABLE,
    DeliveryRow,
    Due,
    Recipient,
)
from reportbot.store import forms as form_store
from reportbot.store.queries import reminders as queries
from reportbot.store.queries.organisations import (
    EVERYTHING,
    Scope,
    person_scopes,
    publication_units,
    spans_communes,
    unit_ids_in,
    unit_organisation_pairs,
)
from reportbot.vocabulary.format import unit_in_commune

FILED_STATUSES = ("submitted", "reopened")
# What the Zalo OA connector's refusal of a non-follower always says (error -213, kept in the
# reminder's stored error: connectors.zalo_oa.followers.MARKER); the digest names the reason.
NOT_FOLLOWING_MARK = "Zalo OA -213"


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit as the digest shows it."""

    id: int
    code: str
    name: str
    type: str
    commune: str = ""  # its commune's name


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person as messages and the digest show them."""

    id: int
    name: str
    unit_id: int | None
    locale: str


@dataclass
class DigestFacts:
    """Where every unit that must file one period stands."""

    units: list[UnitRow] = field(default_factory=list)
    filed_at: dict[int, datetime | None] = field(default_factory=dict)  # unit -> submitted_at
    officers: dict[int, list[PersonRow]] = field(default_factory=dict)  # unit -> officers
    platforms: dict[int, set[str]] = field(default_factory=dict)  # person -> platforms
    undeliverable: set[int] = field(default_factory=set)  # people a reminder could not reach
    not_following: set[int] = field(default_factory=set)  # ... because they left the Zalo OA
    communes: dict[int, str] = field(default_factory=dict)  # unit -> commune, several communes

    def label(self, unit: UnitRow) -> str:
        """A unit's name as the digest lists it: with its commune's at province level."""
        return unit_in_commune(unit.name, self.communes.get(unit.id, ""))

    def within(self, unit_ids: set[int] | None, *, name_communes: bool) -> DigestFacts:
        """The same facts about some units only (None: all): one coordinator's; units named
        with their commune when that coordinator's scope spans several (`spans_communes`:
        the one rule of coordination/names.commune_labels, whatever this list holds)."""
        if unit_ids is None:
            return replace(self, communes=self.communes if name_communes else {})
        return DigestFacts(
            [unit for unit in self.units if unit.id in unit_ids],
            {k: v for k, v in self.filed_at.items() if k in unit_ids},
            {k: v for k, v in self.officers.items() if k in unit_ids},
            self.platforms,
            self.undeliverable,
            self.not_following,
            {k: v for k, v in self.communes.items() if k in unit_ids} if name_communes else {},
        )


def _unit(row: Sequence[Any]) -> UnitRow:
    return UnitRow(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4] or ""))


def _person(row: Sequence[Any]) -> PersonRow:
    unit_id = int(row[2]) if row[2] is not None else None
    return PersonRow(int(row[0]), str(row[1]), unit_id, str(row[3] or "vi"))


# ---------------------------------------------------------------------------------------------
# Who is due


async def outstanding_officers(template: FormTemplate, period_key: str) -> list[Recipient]:
    """Active officers of active units that must file the form and have not filed the period."""
    filed = {r[0] for r in await queries.filed(template.key, period_key, FILED_STATUSES)}
    due_units = {int(r[0]) for r in await queries.active_units(list(template.unit_types))} - filed
    published = (await publication_units()).get(template.key)  # a form for some communes
    if published is not None:
        due_units &= published
    officers = await queries.active_people("officer", with_unit=True)
    owing: dict[int, tuple[PersonRow, list[int]]] = {}  # person -> their units that owe it
    for person in map(_person, officers):
        if person.unit_id in due_units:
            owing.setdefault(person.id, (person, []))[1].append(person.unit_id)
    return [
        Recipient(person.id, units[0], person.locale, tuple(units[1:]))
        for person, units in owing.values()
    ]


async def coordinators() -> list[Recipient]:
    """Active coordinators: they receive the digests."""
    people = map(_person, await queries.active_people("coordinator", with_unit=False))
    return [Recipient(person.id, person.unit_id, person.locale) for person in people]


async def concerned(chiefs: list[Recipient], template: FormTemplate) -> list[Recipient]:
    """The coordinators a form's digest is for: those of a commune (or province) the form is
    published for (another commune's coordinator never hears of it) where an active unit must
    file it (a commune without a unit of the form's kind gets no digest: it would say 0/0)."""
    if not chiefs:
        return chiefs
    owing = {int(row[0]) for row in await queries.active_units(list(template.unit_types))}
    published = (await publication_units()).get(template.key)  # a form for some communes
    if published is not None:
        owing &= published
    scopes = await person_scopes(chief.person_id for chief in chiefs)
    pairs = [pair for pair in await unit_organisation_pairs() if pair[0] in owing]
    return [
        chief
        for chief in chiefs
        if any(scopes[chief.person_id].holds(organisation) for _unit, organisation in pairs)
    ]


async def deliveries(form_key: str, period_key: str) -> dict[tuple[int, str], DeliveryRow]:
    """Every claimed reminder of one period of a form: (person, kind) -> row."""
    return {
        (int(r[0]), str(r[1])): DeliveryRow(int(r[2]), str(r[3]), int(r[4]))
        for r in await queries.deliveries(form_key, period_key)
    }


# ---------------------------------------------------------------------------------------------
# Claiming and recording


async def claim(due: Due, now: datetime) -> int | None:
    """Claim one reminder before sending it; return the row id, or None if already claimed."""
    if due.retry is not None:
        claimed = await queries.claim_retry(
            due.retry.id, due.retry.attempts, was=FAILED, now_status=SENDING
        )
        return due.retry.id if claimed else None
    slot = due.slot
    return await queries.claim_new(
        due.recipient.person_id,
        slot.form_key,
        slot.period.key,
        slot.kind,
        status=SENDING,
        due_at=slot.due_at,
        now=now,
    )


async def mark_sent(row_id: int, now: datetime) -> None:
    """The connector accepted the message."""
    await queries.set_status(row_id, SENT, sent_at=now)


async def mark_failed(row_id: int, error: str, *, final: bool) -> None:
    """The connector reported a failure: retried later unless `final` (undeliverable)."""
    await queries.set_status(row_id, UNDELIVERABLE if final else FAILED, error=error[:500])


async def record_skipped(dues: Sequence[Due], now: datetime) -> None:
    """Record expired reminders so they are never sent later (existing rows are kept)."""
    if not dues:
        return
    rows = [
        (d.recipient.person_id, d.slot.form_key, d.slot.period.key, d.slot.kind, d.slot.due_at)
        for d in dues
    ]
    await queries.insert_skipped(rows, status=SKIPPED, now=now)


# ---------------------------------------------------------------------------------------------
# What messages need


async def addresses(person_ids: Sequence[int]) -> dict[int, list[Address]]:
    """Every platform identity of these people, newest first."""
    found: dict[int, list[Address]] = defaultdict(list)
    for person_id, platform, external_id, chat_id in await queries.identities(person_ids):
        found[int(person_id)].append(Address(str(platform), str(external_id), str(chat_id)))
    return dict(found)


async def units(unit_ids: Iterable[int]) -> dict[int, UnitRow]:
    """Units by id."""
    return {unit.id: unit for unit in map(_unit, await queries.units_by_id(unit_ids))}


async def people(person_ids: Iterable[int]) -> dict[int, PersonRow]:
    """People by id."""
    return {person.id: person for person in map(_person, await queries.people_by_id(person_ids))}


async def draft_progress(
    form_key: str, period_key: str, unit_ids: Iterable[int], unit_rows: Mapping[int, UnitRow]
) -> dict[int, tuple[int, int]]:
    """(answered, applicable questions) of each unit's draft of one period, if it has one."""
    drafts: dict[int, tuple[int, int]] = {}  # submission id -> (unit id, template record id)
    for submission_id, unit_id, template_id in await queries.drafts(form_key, period_key, unit_ids):
        drafts[int(submission_id)] = (int(unit_id), int(template_id))
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for submission_id, question_id, value in await queries.answers(drafts):
        answers[int(submission_id)][str(question_id)] = str(value)
    templates: dict[int, FormTemplate] = {}
    progress: dict[int, tuple[int, int]] = {}
    for submission_id, (unit_id, template_id) in drafts.items():
        template = templates.get(template_id)
        if template is None:
            template = templates[template_id] = await form_store.template_by_record(template_id)
        encoded, _calculated = split_stored(template, answers[submission_id])  # answers only
        values = {qid: decode_value(template.question(qid), text) for qid, text in encoded.items()}
        unit = unit_rows.get(unit_id)
        facts = {
            "unit_type": unit.type if unit else "",
            "unit_code": unit.code if unit else "",
            "period": period_key,
        }
        progress[unit_id] = nav.answered_count(template, values, facts)
    return progress


async def digest_facts(
    template: FormTemplate, period_key: str, scope: Scope = EVERYTHING
) -> DigestFacts:
    """Where every unit of `scope` that must file a period stands, and who cannot be reached
    (for several coordinators: `digest_facts` once, then `DigestFacts.within` each scope)."""
    facts = DigestFacts()
    in_scope = await unit_ids_in(scope)  # a commune's coordinator hears of its units alone
    within = in_scope
    published = (await publication_units()).get(template.key)  # a form for some communes
    if published is not None:
        within = published if within is None else within & published
    for row in await queries.active_units(list(template.unit_types), by_name=True):
        unit = _unit(row)
        if within is None or unit.id in within:
            facts.units.append(unit)
    for unit_id, submitted_at in await queries.filed(template.key, period_key, FILED_STATUSES):
        if in_scope is None or unit_id in in_scope:
            facts.filed_at[unit_id] = submitted_at
    # A unit that filed counts, as in /tinhhinh and /tonghop, even if it was removed or changed
    # type since (store.standing: the set is the units that must file and any that filed).
    listed = {unit.id for unit in facts.units}
    facts.units += [
        _unit(row) for row in await queries.units_by_id(sorted(facts.filed_at.keys() - listed))
    ]
    wanted = {unit.id for unit in facts.units}
    # Named by the reader's scope, not by this list (names.commune_labels): `within` decides
    # again for each reader of the whole deployment's facts.
    if await spans_communes(scope):
        facts.communes = {unit.id: unit.commune for unit in facts.units}
    for person in map(
        _person, await queries.active_people("officer", with_unit=True, by_name=True)
    ):
        if person.unit_id in wanted:
            facts.platforms[person.id] = set()
            facts.officers.setdefault(person.unit_id, []).append(person)
    for person_id, platform in await queries.identity_platforms():
        platforms = facts.platforms.get(int(person_id))
        if platforms is not None:
            platforms.add(str(platform))
    # Only a person's latest reminder that went out or was refused says whether they can be
    # reached: one refused (-213) and then reached after they followed again is not listed.
    latest = await queries.latest_outcomes(template.key, period_key, (SENT, UNDELIVERABLE))
    for person_id, (status, error) in latest.items():
        if status == UNDELIVERABLE:
            facts.undeliverable.add(person_id)
            if NOT_FOLLOWING_MARK in (error or ""):
                facts.not_following.add(person_id)
    return facts
