"""What the reminder job reads and writes, in set-based queries (never one query per person).

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
from dataclasses import dataclass, field
from datetime import datetime

from tortoise import connections
from tortoise.exceptions import IntegrityError

from connectors.base import Address
from reportbot.conversation import navigation as nav
from reportbot.conversation.values import decode_value
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
from reportbot.store.database import dialect
from reportbot.store.models import ReminderDelivery

FILED_STATUSES = ("submitted", "reopened")
_CHUNK = 900  # bound on parameters per statement (SQLite allows 999 by default)


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit as the digest shows it."""

    id: int
    code: str
    name: str
    type: str


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


def _sql(text: str) -> str:
    """Write '?' placeholders as the database expects them ($1, $2... on PostgreSQL)."""
    if dialect() != "postgres":
        return text
    parts = text.split("?")
    out = [parts[0]]
    for number, part in enumerate(parts[1:], start=1):
        out.append(f"${number}{part}")
    return "".join(out)


async def _rows(text: str, values: Sequence[object] = ()) -> list[Sequence[object]]:
    _, rows = await connections.get("default").execute_query(_sql(text), list(values))
    return list(rows)


def _marks(count: int) -> str:
    return ", ".join("?" for _ in range(count))


def _moment(value: object) -> datetime | None:
    """A datetime read back by raw SQL (SQLite gives text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


# ---------------------------------------------------------------------------------------------
# Who is due


async def outstanding_officers(template: FormTemplate, period_key: str) -> list[Recipient]:
    """Active officers of active units that must file the form and have not filed the period."""
    # Three single-table reads joined here rather than one join with an anti-join: on tables
    # whose statistics are not gathered yet (right after an import) PostgreSQL may plan the
    # join as a nested loop that rescans a table once per officer (seconds instead of
    # milliseconds at 50,000 officers); a single-table read has only one sensible plan.
    filed = {
        int(r[0])
        for r in await _rows(
            "SELECT unit_id FROM submissions WHERE form_key = ? AND period_key = ? "
            f"AND status IN ({_marks(len(FILED_STATUSES))})",
            [template.key, period_key, *FILED_STATUSES],
        )
    }
    types = list(template.unit_types)
    type_filter = f"AND type IN ({_marks(len(types))})" if types else ""
    due_units = {
        int(r[0]) for r in await _rows(f"SELECT id FROM units WHERE active {type_filter}", types)
    } - filed
    rows = await _rows(
        "SELECT id, unit_id, locale FROM people "
        "WHERE active AND role = 'officer' AND unit_id IS NOT NULL"
    )
    return [Recipient(int(r[0]), int(r[1]), str(r[2] or "vi")) for r in rows if r[1] in due_units]


async def coordinators() -> list[Recipient]:
    """Active coordinators: they receive the digests."""
    rows = await _rows(
        "SELECT id, unit_id, locale FROM people WHERE active AND role = 'coordinator'"
    )
    return [
        Recipient(int(r[0]), int(r[1]) if r[1] is not None else None, str(r[2] or "vi"))
        for r in rows
    ]


async def deliveries(form_key: str, period_key: str) -> dict[tuple[int, str], DeliveryRow]:
    """Every claimed reminder of one period of a form: (person, kind) -> row."""
    rows = await _rows(
        "SELECT person_id, kind, id, status, attempts FROM reminder_deliveries "
        "WHERE form_key = ? AND period_key = ?",
        [form_key, period_key],
    )
    return {(int(r[0]), str(r[1])): DeliveryRow(int(r[2]), str(r[3]), int(r[4])) for r in rows}


# ---------------------------------------------------------------------------------------------
# Claiming and recording


async def claim(due: Due, now: datetime) -> int | None:
    """Claim one reminder before sending it; return the row id, or None if already claimed."""
    if due.retry is not None:
        claimed = await ReminderDelivery.filter(
            id=due.retry.id, status=FAILED, attempts=due.retry.attempts
        ).update(status=SENDING, attempts=due.retry.attempts + 1)
        return due.retry.id if claimed else None
    slot = due.slot
    try:
        row = await ReminderDelivery.create(
            person_id=due.recipient.person_id,
            form_key=slot.form_key,
            period_key=slot.period.key,
            kind=slot.kind,
            status=SENDING,
            due_at=slot.due_at,
            attempts=1,
            created_at=now,
        )
    except IntegrityError:
        return None
    return row.id


async def mark_sent(row_id: int, now: datetime) -> None:
    """The connector accepted the message."""
    await ReminderDelivery.filter(id=row_id).update(status=SENT, sent_at=now, last_error=None)


async def mark_failed(row_id: int, error: str, *, final: bool) -> None:
    """The connector reported a failure: retried later unless `final` (undeliverable)."""
    await ReminderDelivery.filter(id=row_id).update(
        status=UNDELIVERABLE if final else FAILED, last_error=error[:500]
    )


async def record_skipped(dues: Sequence[Due], now: datetime) -> None:
    """Record expired reminders so they are never sent later (existing rows are kept)."""
    if not dues:
        return
    await ReminderDelivery.bulk_create(
        [
            ReminderDelivery(
                person_id=due.recipient.person_id,
                form_key=due.slot.form_key,
                period_key=due.slot.period.key,
                kind=due.slot.kind,
                status=SKIPPED,
                due_at=due.slot.due_at,
                attempts=0,
                created_at=now,
            )
            for due in dues
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


# ---------------------------------------------------------------------------------------------
# What messages need


async def addresses(person_ids: Sequence[int]) -> dict[int, list[Address]]:
    """Every platform identity of these people, newest first."""
    found: dict[int, list[Address]] = defaultdict(list)
    ids = sorted(set(person_ids))
    for chunk in _chunks(ids):
        rows = await _rows(
            "SELECT person_id, platform, external_id, chat_id FROM identities "
            f"WHERE person_id IN ({_marks(len(chunk))}) ORDER BY id DESC",
            chunk,
        )
        for person_id, platform, external_id, chat_id in rows:
            found[int(person_id)].append(Address(str(platform), str(external_id), str(chat_id)))
    return dict(found)


async def units(unit_ids: Iterable[int]) -> dict[int, UnitRow]:
    """Units by id."""
    found: dict[int, UnitRow] = {}
    for chunk in _chunks(sorted(set(unit_ids))):
        rows = await _rows(
            f"SELECT id, code, name, type FROM units WHERE id IN ({_marks(len(chunk))})", chunk
        )
        for r in rows:
            found[int(r[0])] = UnitRow(int(r[0]), str(r[1]), str(r[2]), str(r[3]))
    return found


async def people(person_ids: Iterable[int]) -> dict[int, PersonRow]:
    """People by id."""
    found: dict[int, PersonRow] = {}
    for chunk in _chunks(sorted(set(person_ids))):
        rows = await _rows(
            f"SELECT id, name, unit_id, locale FROM people WHERE id IN ({_marks(len(chunk))})",
            chunk,
        )
        for r in rows:
            unit_id = int(r[2]) if r[2] is not None else None
            found[int(r[0])] = PersonRow(int(r[0]), str(r[1]), unit_id, str(r[3] or "vi"))
    return found


async def draft_progress(
    form_key: str, period_key: str, unit_ids: Iterable[int], unit_rows: Mapping[int, UnitRow]
) -> dict[int, tuple[int, int]]:
    """(answered, applicable questions) of each unit's draft of one period, if it has one."""
    wanted = sorted(set(unit_ids))
    drafts: dict[int, tuple[int, int]] = {}  # submission id -> (unit id, template record id)
    for chunk in _chunks(wanted):
        rows = await _rows(
            "SELECT id, unit_id, template_id FROM submissions "
            f"WHERE form_key = ? AND period_key = ? AND status = 'draft' "
            f"AND unit_id IN ({_marks(len(chunk))})",
            [form_key, period_key, *chunk],
        )
        for submission_id, unit_id, template_id in rows:
            drafts[int(submission_id)] = (int(unit_id), int(template_id))
    answers: dict[int, dict[str, str]] = defaultdict(dict)
    for chunk in _chunks(sorted(drafts)):
        rows = await _rows(
            "SELECT submission_id, question_id, value FROM answers "
            f"WHERE submission_id IN ({_marks(len(chunk))})",
            chunk,
        )
        for submission_id, question_id, value in rows:
            answers[int(submission_id)][str(question_id)] = str(value)
    templates: dict[int, FormTemplate] = {}
    progress: dict[int, tuple[int, int]] = {}
    for submission_id, (unit_id, template_id) in drafts.items():
        template = templates.get(template_id)
        if template is None:
            template = templates[template_id] = await form_store.template_by_record(template_id)
        values = {
            qid: decode_value(template.question(qid), text)
            for qid, text in answers[submission_id].items()
        }
        unit = unit_rows.get(unit_id)
        facts = {
            "unit_type": unit.type if unit else "",
            "unit_code": unit.code if unit else "",
            "period": period_key,
        }
        progress[unit_id] = nav.answered_count(template, values, facts)
    return progress


async def digest_facts(template: FormTemplate, period_key: str) -> DigestFacts:
    """Where every unit that must file a period stands, and who cannot be reached."""
    facts = DigestFacts()
    types = list(template.unit_types)
    type_filter = f"AND type IN ({_marks(len(types))})" if types else ""
    for r in await _rows(
        f"SELECT id, code, name, type FROM units WHERE active {type_filter} ORDER BY name, id",
        types,
    ):
        facts.units.append(UnitRow(int(r[0]), str(r[1]), str(r[2]), str(r[3])))
    wanted = {unit.id for unit in facts.units}
    for unit_id, submitted_at in await _rows(
        "SELECT unit_id, submitted_at FROM submissions WHERE form_key = ? AND period_key = ? "
        f"AND status IN ({_marks(len(FILED_STATUSES))})",
        [template.key, period_key, *FILED_STATUSES],
    ):
        facts.filed_at[int(unit_id)] = _moment(submitted_at)
    # Single-table reads joined here, for the reason given in outstanding_officers.
    for person_id, name, unit_id, locale in await _rows(
        "SELECT id, name, unit_id, locale FROM people "
        "WHERE active AND role = 'officer' AND unit_id IS NOT NULL ORDER BY name, id"
    ):
        if unit_id in wanted:
            pid = int(person_id)
            facts.platforms[pid] = set()
            facts.officers.setdefault(int(unit_id), []).append(
                PersonRow(pid, str(name), int(unit_id), str(locale or "vi"))
            )
    for person_id, platform in await _rows("SELECT person_id, platform FROM identities"):
        platforms = facts.platforms.get(int(person_id))
        if platforms is not None:
            platforms.add(str(platform))
    for (person_id,) in await _rows(
        "SELECT DISTINCT person_id FROM reminder_deliveries "
        "WHERE form_key = ? AND period_key = ? AND status = ?",
        [template.key, period_key, UNDELIVERABLE],
    ):
        facts.undeliverable.add(int(person_id))
    return facts
