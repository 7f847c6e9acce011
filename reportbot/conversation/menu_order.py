"""The /baocao menu's order: a report the unit still owes past its deadline comes first.

An officer who still owes June's report when December's is open meets the overdue one first:
it is the urgent one (its reminders already open it directly), and one left below the current
period is the one forgotten. A line above the buttons says which number is overdue, by how
many days and since which deadline, as the reminders word it. Overdue: the deadline has
passed and the unit has not sent the report (none begun, or a draft). A sent report a
coordinator reopened is filed; it keeps its place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from reportbot.conversation.session import SubmissionView
from reportbot.conversation.turn import Turn, deadline_text
from reportbot.owed import is_overdue
from reportbot.periods import Period

T = TypeVar("T")


def unfiled_overdue(period: Period, view: SubmissionView | None, now: datetime) -> bool:
    """Whether `period`'s report is past its deadline and not sent (none, or a draft)."""
    return (view is None or view.status == "draft") and is_overdue(period, now)


def overdue_first(options: Sequence[T], overdue: Callable[[T], bool]) -> list[T]:
    """The menu's options with the overdue ones first, each group in its own order."""
    return sorted(options, key=lambda option: not overdue(option))


def overdue_notes(turn: Turn, numbered: Sequence[tuple[int, Period]]) -> list[str]:
    """One line per overdue option (its menu number and period): how late, since when."""
    today = turn.today
    notes = []
    for number, period in numbered:
        late = (today - period.deadline.astimezone(turn.env.tz).date()).days
        notes.append(
            turn.text(
                "menu_overdue",
                number=number,
                period=period.label(turn.locale),
                late=late,
                deadline=deadline_text(period),
            )
        )
    return notes
