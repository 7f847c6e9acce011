"""Optimistic concurrency for a unit's report: no edit is silently lost.

Every write of a submission row bumps its `version` (the group writer). A step was decided on
the view it read, which carries the version it saw; if the stored version moved on since (a
second worker, another officer of the unit, a coordinator's reopen through the writer), the
step is refused as stale: it writes nothing, and the caller reads the unit again and decides
again. When the same question was changed by someone else, the refusal names them, so the
officer can be told who is also editing the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tortoise.backends.base.client import BaseDBAsyncClient

from connectors.base import Address, Outgoing
from reportbot.conversation.values import encode_value
from reportbot.store import replies as reply_rows
from reportbot.store import sql
from reportbot.store.errors import ConflictError
from reportbot.store.sql import SqlDialect, marks

if TYPE_CHECKING:
    from reportbot.store.writer import StepWrite


class StaleWrite(ConflictError):
    """The report changed since the step read it; `other` names who changed the same question
    (None when the changes do not overlap: the step is simply decided again)."""

    def __init__(self, submission_id: int, other: str | None = None) -> None:
        super().__init__(f"submission {submission_id} changed since it was read")
        self.submission_id = submission_id
        self.other = other


async def stale_writes(
    tx: BaseDBAsyncClient, dialect: SqlDialect, batch: list[StepWrite]
) -> dict[int, StaleWrite]:
    """The steps of `batch` that read an older version of their report, keyed by `id(step)`.

    On PostgreSQL the rows are locked (`FOR UPDATE`) until the transaction ends, so two workers
    cannot both pass the check with the same version. Within a batch, only the first step on a
    report passes; the next ones read the same (now older) version.
    """
    checked = [w for w in batch if w.change is not None and w.change.view.id is not None]
    if not checked:
        return {}
    ids = sorted({int(w.change.view.id) for w in checked})  # type: ignore[union-attr,arg-type]
    lock = " FOR UPDATE" if dialect.name == "postgres" else ""
    rows = await tx.execute_query_dict(
        dialect.sql(f"SELECT id, version FROM submissions WHERE id IN ({marks(len(ids))}){lock}"),
        ids,
    )
    current = {int(row["id"]): int(row["version"]) for row in rows}
    # Questions changed by the steps of this batch that passed: their answers are not stored
    # yet, so an overlap with them is found here rather than in the answers table.
    passed: dict[int, dict[str, int]] = {}
    stale: dict[int, StaleWrite] = {}
    for write in checked:
        change = write.change
        assert change is not None and change.view.id is not None
        submission_id = int(change.view.id)
        stored = current.get(submission_id)
        if stored is None:
            continue  # deleted meanwhile: the update touches nothing, as before
        questions = {*change.set_answers, *change.clear_answers}
        if stored == change.view.version:
            current[submission_id] = stored + 1
            passed.setdefault(submission_id, {}).update(dict.fromkeys(questions, write.person_id))
            continue
        in_batch = passed.get(submission_id, {})
        others = {in_batch[q] for q in questions if q in in_batch} - {write.person_id}
        if others:
            other = await _name(tx, dialect, min(others))
        else:
            other = await _overlapping_editor(tx, dialect, write)
        stale[id(write)] = StaleWrite(submission_id, other)
    return stale


async def _name(tx: BaseDBAsyncClient, dialect: SqlDialect, person_id: int) -> str | None:
    rows = await tx.execute_query_dict(
        dialect.sql("SELECT name FROM people WHERE id = ?"), [person_id]
    )
    return str(rows[0]["name"]) if rows else None


async def _overlapping_editor(
    tx: BaseDBAsyncClient, dialect: SqlDialect, write: StepWrite
) -> str | None:
    """The name of another person who changed one of the step's questions since it was read."""
    change = write.change
    if change is None:
        return None
    view = change.view
    questions = sorted({*change.set_answers, *change.clear_answers})
    if not questions:
        return None
    rows = await tx.execute_query_dict(
        dialect.sql(
            "SELECT a.question_id, a.value, p.name FROM answers a JOIN people p "
            "ON p.id = a.answered_by_id WHERE a.submission_id = ? AND a.answered_by_id <> ? "
            f"AND a.question_id IN ({marks(len(questions))})"
        ),
        [view.id, write.person_id, *questions],
    )
    for row in rows:
        seen: Any = view.answers.get(str(row["question_id"]))
        if seen is None or encode_value(seen) != row["value"]:
            return str(row["name"])
    return None


OTHERS_ANSWERS = (
    "SELECT a.question_id, a.updated_at, p.id, p.name, p.locale FROM answers a "
    "JOIN people p ON p.id = a.answered_by_id WHERE a.submission_id = ? "
    "AND a.answered_by_id <> ? AND a.question_id IN ({marks})"
)
STATE_MOMENT = "SELECT updated_at FROM conversation_states WHERE person_id = ?"


async def others_answers(
    submission_id: int, person_id: int, questions: Sequence[str]
) -> list[tuple[str, datetime, int, str, str]]:
    """(question id, stored at, person id, name, language) of the answers to `questions` of
    a report that someone other than `person_id` gave (`routing.colleagues`)."""
    if not questions:
        return []
    statement = OTHERS_ANSWERS.format(marks=marks(len(questions)))
    found = await sql.rows(statement, [submission_id, person_id, *questions])
    return [
        (str(qid), _utc(sql.moment(at)), int(pid), str(name), str(locale or ""))
        for qid, at, pid, name, locale in found
        if at is not None
    ]


async def last_seen(person_id: int) -> datetime | None:
    """When the person's conversation last moved on (their state row was last written):
    what they were shown then is the report as it was at that moment."""
    found = await sql.rows(STATE_MOMENT, [person_id])
    return _utc(sql.moment(found[0][0])) if found and found[0][0] is not None else None


def _utc(moment: datetime | None) -> datetime:
    """SQLite gives naive text back; the writer stores UTC."""
    assert moment is not None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# The address a notice reaches: the person's newest identity (the chat app they came with last).
IDENTITY = (
    "SELECT platform, external_id, chat_id FROM identities WHERE person_id = ? "
    "ORDER BY id DESC LIMIT 1"
)


async def queue_notice(person_id: int, messages: Sequence[Outgoing], now: datetime) -> bool:
    """Queue `messages` for a person who did not write (a colleague's change of their answer)
    as a reply kept in the outbox, due at once: the reply redelivery job sends it like any
    reply no connector confirmed. False when the person has no chat to reach."""
    found = await sql.rows(IDENTITY, [person_id])
    if not found:
        return False
    platform, user_id, chat_id = found[0]
    address = Address(str(platform), str(user_id), str(chat_id))
    # Not prefixed with the person's id: it answers nothing they typed, so it must never be
    # taken for a question they are owed (`replies.last_owed`).
    receipt = reply_rows.new_notice_receipt()
    await sql.execute(
        reply_rows.INSERT_REPLY, [receipt, reply_rows.encode(address, messages), now, now, None]
    )
    return True
