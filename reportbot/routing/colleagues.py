"""Two officers of one unit on the same report: an answer changed under someone's eyes.

The store's version check (`store.versions`) refuses a step decided on an older report, but a
step is decided on the report as read at that moment: officer B, shown question 5 a minute
ago, types 12 after colleague A answered 10, and B's step (read fresh) would simply overwrite
A's 10. What B saw is the report as it was when B's conversation last moved on (B's state row
is written with every step that shows a question), so an answer to one of B's questions
stored by someone else after that moment is a change B never saw: B's answer is not stored,
B is told who changed it and what is stored now (`overtaken`).

Once B's change of an answer a colleague gave is stored, that colleague is told in one short
notice (`notices_for`), only if they worked on the report within `RECENT` (no flood for an
answer given last week).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import Outgoing
from reportbot.conversation.i18n import say
from reportbot.conversation.numbering import question_numbers
from reportbot.conversation.session import SubmissionChange
from reportbot.conversation.values import format_value
from reportbot.registration import spoken_language
from reportbot.store import versions

RECENT = timedelta(minutes=30)  # "working on the report at the same time"


@dataclass(frozen=True, slots=True)
class ColleagueAnswer:
    """An answer of the step's report stored by someone else (`name`, person `person_id`)."""

    question_id: str
    value: Any  # as the report view holds it (decoded)
    person_id: int
    name: str
    updated_at: datetime
    locale: str = "vi"  # the colleague's own language: what they are told is in it


async def others_answers(person_id: int, change: SubmissionChange) -> list[ColleagueAnswer]:
    """The stored answers, given by someone else, of the questions the step sets or clears.

    No query at all for a new report or a step that changes no answer already stored.
    """
    view = change.view
    touched = sorted(q for q in {*change.set_answers, *change.clear_answers} if q in view.answers)
    if view.id is None or not touched:
        return []
    found = await versions.others_answers(int(view.id), person_id, touched)
    return [
        ColleagueAnswer(q, view.answers[q], pid, name, at, spoken(locale))
        for q, at, pid, name, locale in found
    ]


async def overtaken(
    person_id: int, change: SubmissionChange, answers: list[ColleagueAnswer]
) -> ColleagueAnswer | None:
    """A colleague's answer stored after this person last saw the report (their answer would
    overwrite it unseen); None when every answer they change was there when they looked."""
    if not answers:
        return None
    seen = await versions.last_seen(person_id)
    if seen is None:
        return None  # never talked: nothing was shown to them
    later = [a for a in answers if a.updated_at > seen]
    return max(later, key=lambda a: a.updated_at) if later else None


def spoken(locale: str) -> str:
    """A stored person language the catalogue speaks; Vietnamese otherwise."""
    return spoken_language(locale) or "vi"


def recent(answers: list[ColleagueAnswer], now: datetime) -> list[ColleagueAnswer]:
    """The colleagues' answers given within `RECENT` of `now` (they are still at it)."""
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return [a for a in answers if moment - a.updated_at <= RECENT]


async def tell_colleagues(
    name: str, change: SubmissionChange, answers: list[ColleagueAnswer], now: datetime
) -> int:
    """Once `name`'s change is stored: one short notice to each colleague whose recent answer
    it replaced ("Câu 5 vừa được B sửa thành 12"); return how many were queued.

    Only answers given within `RECENT` count (the colleague is still at the report); an
    answer the change clears (a dependant) is not announced: the review shows it.
    """
    template = change.view.template
    numbers = question_numbers(template)
    lines: dict[int, list[str]] = {}
    for answer in recent(answers, now):
        qid = answer.question_id
        if qid not in change.set_answers:
            continue
        # In the colleague's language, not the writer's: the colleague reads it.
        locale = answer.locale
        value = format_value(template.question(qid), change.set_answers[qid], locale)
        number = numbers.get(qid, "?")
        line = say("colleague_changed", locale, number=number, name=name, value=value)
        lines.setdefault(answer.person_id, []).append(line)
    told = 0
    for person_id, texts in lines.items():
        told += await versions.queue_notice(person_id, [Outgoing("\n".join(texts))], now)
    return told
