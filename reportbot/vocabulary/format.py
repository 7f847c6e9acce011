"""Figures, dates and times the way the reader writes them: Vietnamese first, English second.

Vietnamese groups thousands with a dot and writes a decimal comma ("43.000.000", "62,5%");
English the other way round ("43,000,000", "62.5%"). Dates are dd/mm/yyyy in both languages:
the forms, the deadlines in decrees and the people who read them are Vietnamese, and a day
written 06/20/2026 next to a decree's 20/06/2026 would mislead. A moment is always written
time first, "HH:MM dd/mm/yyyy", on the local clock of the deployment's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal

MISSING = "—"
"""What a figure without a value shows: a dash, never 0 (0 is a reported value)."""

DATE_FORMAT = "%d/%m/%Y"
TIME_FORMAT = "%H:%M"
DEADLINE_WORD = {"vi": "hạn", "en": "due"}

Number = int | float | Decimal


def _exact(value: Number, places: int | None) -> int | Decimal:
    """An int, or a Decimal rounded half-up to `places` (kept to the last place)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        value = Decimal(repr(value))  # the shortest text of the float, not its binary expansion
    if places is not None:
        return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            return int(value)
    return value


def number_text(
    value: Number | None, locale: str = "vi", *, places: int | None = None, missing: str = MISSING
) -> str:
    """1.234,5 in Vietnamese, 1,234.5 in English; `places` fixes the decimals; `missing` for None.

    Without `places` a number shows all its digits and no trailing zeros (what was reported);
    with `places` it is rounded half-up, as people round by hand, and keeps them ("62,50").
    """
    if value is None:
        return missing
    exact = _exact(value, places)
    text = f"{exact:,}" if isinstance(exact, int) else f"{exact:,f}"
    if locale != "en":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent_text(
    value: Number | None, locale: str = "vi", *, places: int | None = None, missing: str = MISSING
) -> str:
    """A percentage already out of 100: '62,5%' in Vietnamese, '62.5%' in English."""
    return missing if value is None else f"{number_text(value, locale, places=places)}%"


def _local(moment: date | datetime, tz: tzinfo | None) -> date | datetime:
    """An aware moment on the local clock of `tz`; a date or a naive moment as it is."""
    if isinstance(moment, datetime) and tz is not None and moment.tzinfo is not None:
        return moment.astimezone(tz)
    return moment


def date_text(day: date | datetime, tz: tzinfo | None = None) -> str:
    """dd/mm/yyyy (both languages); an aware moment is first put on the local clock of `tz`."""
    return _local(day, tz).strftime(DATE_FORMAT)


def day_month_text(day: date | datetime, tz: tzinfo | None = None) -> str:
    """dd/mm, for days listed within one year."""
    return _local(day, tz).strftime("%d/%m")


def time_text(moment: datetime, tz: tzinfo | None = None, *, seconds: bool = False) -> str:
    """HH:MM (or HH:MM:SS) on the local clock of `tz`."""
    return _local(moment, tz).strftime("%H:%M:%S" if seconds else TIME_FORMAT)


def datetime_text(
    moment: datetime | None, tz: tzinfo | None = None, *, seconds: bool = False
) -> str:
    """'HH:MM dd/mm/yyyy' on the local clock of `tz` (both languages); '' for no moment."""
    if moment is None:
        return ""
    return f"{time_text(moment, tz, seconds=seconds)} {date_text(moment, tz)}"


def deadline_text(deadline: date | datetime, tz: tzinfo | None = None, locale: str = "vi") -> str:
    """'hạn 20/06/2026' in Vietnamese, 'due 20/06/2026' in English."""
    word = DEADLINE_WORD.get(locale) or DEADLINE_WORD["vi"]
    return f"{word} {date_text(deadline, tz)}"


def unit_in_commune(unit: str, commune: str = "") -> str:
    """A unit's name followed by its commune's when the reader sees several communes
    ("Hội Nông dân xã (Xã An Bình)"); the name alone otherwise."""
    return f"{unit} ({commune})" if commune else unit
