"""What the reminder job reads and writes, as set-based queries returning plain rows.

Single-table reads are joined by the caller rather than in SQL: on tables whose statistics are
not gathered yet (right after an import) PostgreSQL may plan a join with an anti-join as a
nested loop that rescans a table once per officer (seconds instead of milliseconds at 50,000
officers); a single-table read has only one sensible plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from reportbot.store import sql
from reportbot.store.errors import ConflictError
from reportbot.store.models import DEFAULT_COMMUNE_CODE, FormTemplateRecord, ReminderDelivery

CHUNK = 900  # bound on parameters per statement (SQLite allows 999 by default)
Row = Sequence[Any]


def chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    """`items` in slices small enough for one statement's parameters."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


async def active_template_ids() -> list[tuple[int, str]]:
    """(record id, form key) of every active template version, newest version first per key."""
    rows = (
        await FormTemplateRecord.filter(active=True)
        .order_by("key", "-version")
        .values_list("id", "key")
    )
    return [(int(record_id), str(key)) for record_id, key in rows]


async def filed(
    form_key: str, period_key: str, statuses: Sequence[str]
) -> list[tuple[int, datetime | None]]:
    """(unit id, submitted at) of the reports of a period with one of `statuses`."""
    found = await sql.rows(
        "SELECT unit_id, submitted_at FROM submissions WHERE form_key = ? AND period_key = ? "
        f"AND status IN ({sql.marks(len(statuses))})",
        [form_key, period_key, *statuses],
    )
    return [(int(unit_id), sql.moment(submitted_at)) for unit_id, submitted_at in found]


def _order(by_name: bool) -> str:
    return "ORDER BY name, id" if by_name else "ORDER BY id"


# A unit with its commune's name, for a province's digest to name it: a unit seeded or imported
# without one is the default commune's, as everywhere else ('' only if that commune is gone).
UNITS = (
    "SELECT u.id, u.code, u.name, u.type, COALESCE(o.name, d.name, '') AS commune FROM units u "
    "LEFT JOIN organisations o ON o.id = u.organisation_id "
    f"LEFT JOIN organisations d ON u.organisation_id IS NULL AND d.code = '{DEFAULT_COMMUNE_CODE}'"
)


async def active_units(types: Sequence[str], *, by_name: bool = False) -> list[Row]:
    """(id, code, name, type, commune name) of active units of these types (all types when
    empty)."""
    type_filter = f"AND u.type IN ({sql.marks(len(types))})" if types else ""
    return await sql.rows(
        f"{UNITS} WHERE u.active {type_filter} ORDER BY {'u.name, ' if by_name else ''}u.id",
        list(types),
    )


async def active_people(role: str, *, with_unit: bool, by_name: bool = False) -> list[Row]:
    """(id, name, unit id, locale) of active people with a role (and a unit, if asked).

    With `with_unit`, a person who reports for several units (person_units) has one row per
    unit, their first unit (people.unit_id) first.
    """
    if not with_unit:
        return await sql.rows(
            f"SELECT id, name, unit_id, locale FROM people WHERE active AND role = ? "
            f"{_order(by_name)}",
            [role],
        )
    return await sql.rows(
        "SELECT id, name, unit_id, locale, 0 AS rank FROM people "
        "WHERE active AND role = ? AND unit_id IS NOT NULL "
        "UNION ALL SELECT p.id, p.name, l.unit_id, p.locale, 1 AS rank FROM people p "
        "JOIN person_units l ON l.person_id = p.id WHERE p.active AND p.role = ? "
        f"{_order(by_name)}, rank, unit_id",
        [role, role],
    )


async def deliveries(form_key: str, period_key: str) -> list[Row]:
    """(person id, kind, row id, status, attempts) of every reminder claimed for a period."""
    return await sql.rows(
        "SELECT person_id, kind, id, status, attempts FROM reminder_deliveries "
        "WHERE form_key = ? AND period_key = ?",
        [form_key, period_key],
    )


async def latest_outcomes(form_key: str, period_key: str, final: Sequence[str]) -> dict[int, Row]:
    """Each person's latest reminder of a period whose status is one of `final`: person id ->
    (status, last error). A refusal followed by a reminder that reached them is outdated."""
    rows = await sql.rows(
        f"SELECT person_id, status, last_error, due_at, id FROM reminder_deliveries "
        f"WHERE form_key = ? AND period_key = ? AND status IN ({sql.marks(len(final))})",
        [form_key, period_key, *final],
    )
    latest: dict[int, Row] = {}
    for row in sorted(rows, key=lambda row: (row[3], row[4])):  # oldest first: the last wins
        latest[int(row[0])] = (str(row[1]), row[2])
    return latest


async def claim_retry(row_id: int, attempts: int, *, was: str, now_status: str) -> bool:
    """Compare-and-set a row from (`was`, attempts) to (`now_status`, attempts + 1)."""
    claimed = await ReminderDelivery.filter(id=row_id, status=was, attempts=attempts).update(
        status=now_status, attempts=attempts + 1
    )
    return bool(claimed)


async def claim_new(
    person_id: int,
    form_key: str,
    period_key: str,
    kind: str,
    *,
    status: str,
    due_at: datetime,
    now: datetime,
) -> int | None:
    """Insert a reminder's row; its id, or None when another process claimed it first."""
    try:
        row = await ReminderDelivery.create(
            person_id=person_id,
            form_key=form_key,
            period_key=period_key,
            kind=kind,
            status=status,
            due_at=due_at,
            attempts=1,
            created_at=now,
        )
    except ConflictError:
        return None
    return row.id


async def set_status(
    row_id: int, status: str, *, sent_at: datetime | None = None, error: str | None = None
) -> None:
    """Record a reminder's outcome (sent_at only when it was sent)."""
    fields: dict[str, object] = {"status": status, "last_error": error}
    if sent_at is not None:
        fields["sent_at"] = sent_at
    await ReminderDelivery.filter(id=row_id).update(**fields)


async def insert_skipped(
    rows: Sequence[tuple[int, str, str, str, datetime]], *, status: str, now: datetime
) -> None:
    """Insert (person, form, period, kind, due at) rows in `status`; existing rows are kept."""
    await ReminderDelivery.bulk_create(
        [
            ReminderDelivery(
                person_id=person_id,
                form_key=form_key,
                period_key=period_key,
                kind=kind,
                status=status,
                due_at=due_at,
                attempts=0,
                created_at=now,
            )
            for person_id, form_key, period_key, kind, due_at in rows
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


async def _rows_in(
    statement: str, ids: Iterable[int], before: Sequence[object] = (), after: str = ""
) -> list[Row]:
    """Rows of `statement ... IN (ids) after`, the ids sent in chunks (bound parameter limits);
    `before` are the parameters that come ahead of the ids."""
    found: list[Row] = []
    for chunk in chunks(sorted(set(ids))):
        found += await sql.rows(
            f"{statement} IN ({sql.marks(len(chunk))}){after}", [*before, *chunk]
        )
    return found


async def identities(person_ids: Sequence[int]) -> list[Row]:
    """(person id, platform, external id, chat id) of these people, newest first."""
    return await _rows_in(
        "SELECT person_id, platform, external_id, chat_id FROM identities WHERE person_id",
        person_ids,
        after=" ORDER BY id DESC",
    )


async def identity_platforms() -> list[Row]:
    """(person id, platform) of every identity."""
    return await sql.rows("SELECT person_id, platform FROM identities")


async def units_by_id(unit_ids: Iterable[int]) -> list[Row]:
    """(id, code, name, type, commune name) of these units."""
    return await _rows_in(f"{UNITS} WHERE u.id", unit_ids)


async def people_by_id(person_ids: Iterable[int]) -> list[Row]:
    """(id, name, unit id, locale) of these people."""
    return await _rows_in("SELECT id, name, unit_id, locale FROM people WHERE id", person_ids)


async def drafts(form_key: str, period_key: str, unit_ids: Iterable[int]) -> list[Row]:
    """(submission id, unit id, template record id) of these units' drafts of a period."""
    return await _rows_in(
        "SELECT id, unit_id, template_id FROM submissions "
        "WHERE form_key = ? AND period_key = ? AND status = 'draft' AND unit_id",
        unit_ids,
        before=[form_key, period_key],
    )


async def answers(submission_ids: Iterable[int]) -> list[Row]:
    """(submission id, question id, encoded value) of these submissions."""
    return await _rows_in(
        "SELECT submission_id, question_id, value FROM answers WHERE submission_id",
        submission_ids,
    )


async def last_outcomes(person_ids: Sequence[int], sent: str, refused: str) -> dict[int, Row]:
    """Each person's latest reminder (any form) that was `sent` or `refused` for good:
    person id -> (status, last error); of a refusal and a sending due at the same moment the
    later row (higher id) wins, as in `latest_outcomes` (the digest). Aggregated per person
    first: a /tinhhinh over a province reads two rows per officer, not every reminder they
    ever had."""
    latest: dict[int, dict[str, Any]] = {}
    for person_id, status, due_at in await _rows_in(
        "SELECT person_id, status, MAX(due_at) FROM reminder_deliveries "
        "WHERE status IN (?, ?) AND person_id",
        person_ids,
        before=[sent, refused],
        after=" GROUP BY person_id, status",
    ):
        latest.setdefault(int(person_id), {})[str(status)] = due_at
    outcomes: dict[int, Row] = {}
    for person_id, due in latest.items():
        last_sent = due.get(sent)
        if refused in due and last_sent is not None and due[refused] == last_sent:
            if await _last_status_at(person_id, last_sent, (sent, refused)) == refused:
                continue  # its error is read below
        elif refused in due and (last_sent is None or due[refused] > last_sent):
            continue
        outcomes[person_id] = (sent, None)
    blocked = [person_id for person_id in latest if person_id not in outcomes]
    rows = await _rows_in(
        "SELECT person_id, last_error, due_at, id FROM reminder_deliveries "
        "WHERE status = ? AND person_id",
        blocked,
        before=[refused],
    )
    for row in sorted(rows, key=lambda row: (row[2], row[3])):  # oldest first: the last wins
        outcomes[int(row[0])] = (refused, row[1])
    return outcomes


async def _last_status_at(person_id: int, due_at: object, statuses: Sequence[str]) -> str:
    """The status of the person's latest row (highest id) among `statuses` due at `due_at`:
    a tie of due times, rare, read on its own."""
    [[status]] = await sql.rows(
        f"SELECT status FROM reminder_deliveries WHERE person_id = ? AND due_at = ? "
        f"AND status IN ({sql.marks(len(statuses))}) ORDER BY id DESC LIMIT 1",
        [person_id, due_at, *statuses],
    )
    return str(status)
