"""The clock a form reads: ODK's now() and today(), and a time or day typed as "bây giờ".

ODK takes them from the phone, the one clock of the filling. The bot's one clock is the
service's (the one periods and deadlines use, and tests and a bot run with a set clock move):
the engine sets it for the message it handles (`conversation.engine.handle`). Outside a
message (a unit test, a workbook checked at upload) it is the machine's, in Vietnam's time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))  # no daylight saving since 1975
_MOMENT: ContextVar[datetime | None] = ContextVar("reportbot_form_clock", default=None)


def now() -> datetime:
    """The moment a form reads as now(): the bot's clock in a message, else the machine's."""
    moment = _MOMENT.get()
    return moment if moment is not None else datetime.now(VIETNAM)


def today() -> date:
    """The day a form reads as today() when no report day is given (`now()`'s day)."""
    return now().date()


@contextmanager
def reading(moment: datetime) -> Iterator[None]:
    """Within the block, forms read `moment` (aware, in the commune's time zone) as now."""
    token = _MOMENT.set(moment)
    try:
        yield
    finally:
        _MOMENT.reset(token)
