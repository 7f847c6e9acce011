"""The queries behind filing status, consolidation and reopening: one place to read them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from connectors.base import Address
from reportbot.forms.schema import FormTemplate
from reportbot.store import outbox
from reportbot.store.forms import template_by_record
from reportbot.store.models import Answer, Person, PersonUnit, Submission, Unit
from reportbot.store.queries.organisations import EVERYTHING, Scope, unit_ids_in

FILED_STATUSES = ("submitted", "reopened")
"""A reopened report stays filed, with its last submitted answers, until it is sent again."""


async def period_submissions(form_key: str, period_key: str) -> dict[int, Submission]:
    """Every unit's report of one form and period: unit id -> submission."""
    rows = await Submission.filter(form_key=form_key, period_key=period_key)
    return {row.unit_id: row for row in rows}  # type: ignore[attr-defined]


async def all_units(scope: Scope = EVERYTHING) -> list[Unit]:
    """Every unit of a scope, active or not (a unit that filed and was then retired still
    counts)."""
    return list(await Unit.filter(scope.unit_filter()))


async def any_filed(form_key: str, period_key: str, scope: Scope = EVERYTHING) -> bool:
    """Whether some unit (of `scope`) has filed (or filed and had reopened) this form and
    period."""
    query = Submission.filter(form_key=form_key, period_key=period_key, status__in=FILED_STATUSES)
    within = await unit_ids_in(scope)
    if within is not None:
        query = query.filter(unit_id__in=list(within))
    return await query.exists()


async def stored_answers(submission_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The stored (encoded) answers of some submissions: submission id -> {question: raw}.

    While a report is reopened the officer's edits live in the conversation, not here, so
    these rows are the last submitted revision until the report is sent again.
    """
    ids = list(submission_ids)
    result: dict[int, dict[str, str]] = {submission_id: {} for submission_id in ids}
    if not ids:
        return result
    rows = await Answer.filter(submission_id__in=ids).values_list(
        "submission_id", "question_id", "value"
    )
    for submission_id, question_id, value in rows:  # tuples: no model built per answer
        result[submission_id][question_id] = value
    return result


async def templates_by_record(record_ids: Iterable[int]) -> dict[int, FormTemplate]:
    """The template versions with these record ids."""
    return {record_id: await template_by_record(record_id) for record_id in set(record_ids)}


async def reports_to_reopen(
    unit_id: int, form_key: str | None, period_key: str | None
) -> tuple[Submission | None, Submission | None]:
    """The unit's latest submitted report (of a form and period when given), and its most
    recently touched report of any status (what to talk about when none is submitted)."""
    query = Submission.filter(unit_id=unit_id)
    if form_key:
        query = query.filter(form_key=form_key)
    if period_key:
        query = query.filter(period_key=period_key)
    submitted = await query.filter(status="submitted").order_by("-submitted_at").first()
    if submitted is not None:
        return submitted, submitted
    return None, await query.order_by("-updated_at").first()


async def submissions_by_id(ids: Iterable[int]) -> dict[int, Submission]:
    """Some submissions by id."""
    wanted = list(ids)
    if not wanted:
        return {}
    return {row.id: row for row in await Submission.filter(id__in=wanted)}


async def reopen_submission(submission_id: int, now: datetime) -> bool:
    """Turn a submitted report back into an editable one and queue its sheet row, at once.

    Returns False when it was not 'submitted' (nothing changed).
    """
    async with in_transaction() as tx:
        changed = await (
            Submission.filter(id=submission_id, status="submitted")
            .using_db(tx)
            .update(status="reopened", updated_at=now)
        )
        if changed:
            await outbox.enqueue(outbox.SHEET_TOPIC, str(submission_id), now, client=tx)
    return bool(changed)


@dataclass(frozen=True, slots=True)
class Recipient:
    """An officer of a unit and one of their platform identities."""

    person_id: int
    name: str
    locale: str
    address: Address


async def unit_officers(unit_id: int) -> list[list[Recipient]]:
    """The active officers of a unit, each with their identities (first one preferred)."""
    # Officers of several units are in this one through person_units (kiêm nhiệm).
    linked = await PersonUnit.filter(unit_id=unit_id).values_list("person_id", flat=True)
    officers = (
        await Person.filter(role="officer", active=True)
        .filter(Q(unit_id=unit_id) | Q(id__in=list(linked)))
        .order_by("id")
        .prefetch_related("identities")
    )
    return [
        [
            Recipient(
                officer.id,
                officer.name,
                officer.locale,
                Address(identity.platform, identity.external_id, identity.chat_id),
            )
            for identity in officer.identities
        ]
        for officer in officers
    ]


@dataclass(frozen=True, slots=True)
class OfficerAccounts:
    """An active officer of a unit and the platforms of their accounts (none: unregistered)."""

    person_id: int
    name: str
    platforms: frozenset[str]


async def officer_accounts(unit_ids: Iterable[int]) -> dict[int, list[OfficerAccounts]]:
    """The active officers (those of several units too) of each of these units, with or
    without an account, by name: unit id -> officers (a unit without any is left out)."""
    wanted = sorted(set(unit_ids))
    found: dict[int, list[OfficerAccounts]] = {}
    for start in range(0, len(wanted), 500):  # bound on a statement's parameters
        chunk = wanted[start : start + 500]
        links = await PersonUnit.filter(unit_id__in=chunk).values_list("person_id", "unit_id")
        linked: dict[int, set[int]] = {}
        for person_id, unit_id in links:
            linked.setdefault(person_id, set()).add(unit_id)
        officers = (
            await Person.filter(role="officer", active=True)
            .filter(Q(unit_id__in=chunk) | Q(id__in=list(linked)))
            .order_by("name", "id")
            .prefetch_related("identities")
        )
        for officer in officers:
            platforms = frozenset(identity.platform for identity in officer.identities)
            units = {officer.unit_id, *linked.get(officer.id, ())} & set(chunk)  # type: ignore[attr-defined]
            for unit_id in units:
                found.setdefault(unit_id, []).append(
                    OfficerAccounts(officer.id, officer.name, platforms)
                )
    return found
