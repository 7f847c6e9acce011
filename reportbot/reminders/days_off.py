"""Vietnam's official days off, plus the commune's own, for when reminders may go out.

The official calendar comes from the `holidays` package (country "VN"): New Year, Tết (the eve
and the first days of the lunar year as decreed), Hùng Kings' day, 30/4, 1/5, National Day 2/9
with its second day, and the days off the government moves (observed or swapped days). The
office may add its own (`REPORTBOT_EXTRA_DAYS_OFF`, e.g. the extra Tết days a province grants):
a comma-separated list of ISO dates or ranges, each optionally named after "=":

    REPORTBOT_EXTRA_DAYS_OFF="2026-02-13, 2026-02-23..2026-02-24=Nghỉ Tết bổ sung"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from reportbot.config import ConfigError

ENV_EXTRA_DAYS_OFF = "REPORTBOT_EXTRA_DAYS_OFF"
MAX_EXTRA_ENTRIES = 200  # bounded input: a list longer than this is a mistake
MAX_RANGE_DAYS = 31
EXTRA_NAME = {"vi": "Ngày nghỉ của đơn vị", "en": "Local day off"}
_ENTRY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?(?:=(.{1,80}))?")


class DaysOffError(ConfigError):
    """A wrong REPORTBOT_EXTRA_DAYS_OFF entry; the line quotes it, in one language."""


@lru_cache(maxsize=32)
def _official(year: int, language: str) -> Mapping[date, str]:
    import holidays  # ~0.5 s with its first calendar: paid by the first reminder run only

    calendar = holidays.country_holidays("VN", years=year, language=language)
    return dict(calendar.items())


def official_days_off(year: int, locale: str = "vi") -> Mapping[date, str]:
    """Vietnam's official days off in `year`, with their names in Vietnamese or English."""
    return _official(year, "en_US" if locale == "en" else "vi")


@dataclass(frozen=True, slots=True)
class DaysOff:
    """The days nothing is sent on: the official calendar (unless off) and extra days."""

    official: bool = True
    extra: Mapping[date, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.official, tuple(sorted(self.extra))))

    def name(self, day: date, locale: str = "vi") -> str | None:
        """The name of the day off `day`, or None when it is a day like any other."""
        if day in self.extra:
            return self.extra[day] or EXTRA_NAME["en" if locale == "en" else "vi"]
        if self.official:
            return official_days_off(day.year, locale).get(day)
        return None

    def is_off(self, day: date) -> bool:
        """Whether `day` is an official or extra day off."""
        return day in self.extra or (self.official and day in official_days_off(day.year))

    def between(self, first: date, last: date, locale: str = "vi") -> list[tuple[date, str]]:
        """Every day off from `first` to `last` inclusive, in date order, with its name."""
        found: list[tuple[date, str]] = []
        day = first
        while day <= last and len(found) < 400:
            name = self.name(day, locale)
            if name is not None:
                found.append((day, name))
            day += timedelta(days=1)
        return found


def _day(text: str, entry: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise DaysOffError("days_off_date", entry=entry[:40]) from exc


def parse_extra_days_off(text: str | None) -> dict[date, str]:
    """Parse "YYYY-MM-DD[..YYYY-MM-DD][=name], ..." into days and names ('' when unnamed).

    Raises DaysOffError naming the offending entry; nothing is half-applied.
    """
    days: dict[date, str] = {}
    entries = [part.strip() for part in (text or "").split(",") if part.strip()]
    if len(entries) > MAX_EXTRA_ENTRIES:
        raise DaysOffError("days_off_many", count=len(entries), limit=MAX_EXTRA_ENTRIES)
    for entry in entries:
        match = _ENTRY.fullmatch(entry[:120])
        if match is None:
            raise DaysOffError("days_off_entry", entry=entry[:40])
        start = _day(match.group(1), entry)
        end = _day(match.group(2), entry) if match.group(2) else start
        if not timedelta(0) <= end - start < timedelta(days=MAX_RANGE_DAYS):
            raise DaysOffError("days_off_range", entry=entry[:40], days=MAX_RANGE_DAYS)
        name = (match.group(3) or "").strip()
        day = start
        while day <= end:
            days[day] = name
            day += timedelta(days=1)
    return days


def days_off_from_env(env: Mapping[str, str]) -> DaysOff:
    """The official calendar plus REPORTBOT_EXTRA_DAYS_OFF; raises DaysOffError if wrong.

    The calendars of last, this and next year are built now, at start-up: the first one
    costs about half a second, which must not block the event loop in a reminder run.
    """
    days_off = DaysOff(official=True, extra=parse_extra_days_off(env.get(ENV_EXTRA_DAYS_OFF)))
    this_year = date.today().year
    for year in (this_year - 1, this_year, this_year + 1):
        official_days_off(year)
    return days_off
