"""The clock a form reads: ODK's now() and today(), and a time or day typed as "bây giờ".

ODK takes them from the phone, the one clock of the filling. The bot's one clock is the
service's (the one periods and deadlines use, and tests and a bot run with a set clock move):
the engine sets it for the message it handles (`conversation.engine.handle`). Outside a
message (a unit test, a workbook checked at upload) it is the machine's, in Vietnam's time.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from datetime import date, datetime, timedelta, timezone, tzinfo

VIETNAM = timezone(timedelta(hours=7))  # no daylight saving since 1975
# The message's moment and the commune's zone, converted only when a form reads it: most
# messages never do, and the engine sets this for every one.
_MOMENT: ContextVar[tuple[datetime, tzinfo | None] | None] = ContextVar(
    "reportbot_form_clock", default=None
)


def now() -> datetime:
    """The moment a form reads as now(): the bot's clock in a message, else the machine's."""
    given = _MOMENT.get()
    if given is None:
        return datetime.now(VIETNAM)
    moment, zone = given
    return moment.astimezone(zone) if zone is not None and moment.tzinfo is not None else moment


def today() -> date:
    """The day a form reads as today() when no report day is given (`now()`'s day)."""
    return now().date()


def enter(moment: datetime, zone: tzinfo | None = None) -> Token:
    """From here until `leave(token)`, forms read `moment` (shown in `zone`) as now.

    A pair of calls rather than a context manager: the engine sets it for every message,
    and a generator-based `with` cost more than the rest of this module."""
    return _MOMENT.set((moment, zone))


def leave(token: Token) -> None:
    """Forms read what they read before the matching `enter`."""
    _MOMENT.reset(token)
