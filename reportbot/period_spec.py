"""A form's period spec: its validation in plain words and its compilation to numbers.

`validate_period_spec` lists what is wrong with a spec (the template loader shows it to the
admin); `rule_of` turns a valid spec into a `Rule` that the period arithmetic in
`reportbot.periods` counts with.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from reportbot.vocabulary.format import date_text
from reportbot.vocabulary.kinds import PERIOD_KIND_CODES

if TYPE_CHECKING:
    from reportbot.forms.schema import PeriodSpec

KINDS = PERIOD_KIND_CODES
"""The period kinds this module understands (the same set as the schema's PERIOD_KINDS)."""

_DAY_RE = re.compile(r"\d{1,2}")
_DAY_MONTH_RE = re.compile(r"(\d{1,2})/(\d{1,2})")
_FULL_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated spec in numbers: (day, month) deadlines, or the one-off dates."""

    kind: str
    days: tuple[tuple[int, int], ...] = ()  # (day, month); month 0 for monthly and quarterly
    start: date | None = None
    end: date | None = None


# ---------------------------------------------------------------------------------------------
# Validation


def validate_period_spec(spec: PeriodSpec) -> list[str]:
    """Return the problems of a period spec in plain English; an empty list means it is fine."""
    if isinstance(spec.deadlines, str):
        return [f"deadlines must be a list of texts, not the single text {spec.deadlines!r}"]
    return _problems(spec.kind, tuple(spec.deadlines or ()), spec.start)


def _problems(kind: str, deadlines: tuple[object, ...], start: object) -> list[str]:
    problems: list[str] = []
    if kind not in KINDS:
        return [f"unknown period kind {kind!r}; expected one of: {', '.join(KINDS)}"]
    if kind != "one_off" and start is not None:
        problems.append(f"'start' is only used by one_off periods, not by {kind} ones")
    expected = 2 if kind == "six_monthly" else 1
    if len(deadlines) != expected:
        problems.append(
            f"a {kind} period needs exactly {expected} deadline{'s' if expected > 1 else ''} "
            f"({_DEADLINE_SHAPES[kind]}), got {len(deadlines)}"
        )
    if kind in ("monthly", "quarterly"):
        for raw in deadlines:
            if _parse_day(raw) is None:
                problems.append(
                    f"{kind} deadline {raw!r} must be a day of the month from 1 to 31 "
                    "(29 to 31 fall on the last day of shorter months)"
                )
    elif kind in ("six_monthly", "annual"):
        parsed = [_parse_day_month(raw) for raw in deadlines]
        for raw, value in zip(deadlines, parsed, strict=True):
            if value is None:
                problems.append(f"{kind} deadline {raw!r} is not a real day of the year (dd/mm)")
        if kind == "six_monthly" and len(parsed) == 2 and None not in parsed:
            (d0, m0), (d1, m1) = parsed  # type: ignore[misc]
            if (m0, d0) >= (m1, d1):
                problems.append(
                    "six_monthly deadlines must be in calendar order, first half then second "
                    f"half: got {deadlines[0]!r} then {deadlines[1]!r}"
                )
    else:
        problems.extend(_one_off_problems(start, deadlines))
    return problems


_DEADLINE_SHAPES = {
    "monthly": 'a day of the month such as "20"',
    "quarterly": 'a day of the month such as "20"',
    "six_monthly": 'dd/mm for each half, such as "20/06", "20/12"',
    "annual": 'dd/mm such as "20/12"',
    "one_off": 'dd/mm/yyyy such as "20/12/2026"',
}


def _one_off_problems(start_raw: object, deadlines: tuple[object, ...]) -> list[str]:
    problems: list[str] = []
    start = _parse_full_date(start_raw) if start_raw is not None else None
    if start_raw is None:
        problems.append("a one_off period needs a start date (dd/mm/yyyy)")
    elif start is None:
        problems.append(f"one_off start {start_raw!r} is not a real date (dd/mm/yyyy)")
    ends = [_parse_full_date(raw) for raw in deadlines]
    for raw, value in zip(deadlines, ends, strict=True):
        if value is None:
            problems.append(f"one_off deadline {raw!r} is not a real date (dd/mm/yyyy)")
    if start is not None and len(ends) == 1 and ends[0] is not None and start > ends[0]:
        problems.append(
            f"one_off start {date_text(start)} is after its deadline {date_text(ends[0])}"
        )
    return problems


def _parse_day(raw: object) -> int | None:
    if not isinstance(raw, str) or not _DAY_RE.fullmatch(raw.strip()):
        return None
    day = int(raw)
    return day if 1 <= day <= 31 else None


def _parse_day_month(raw: object) -> tuple[int, int] | None:
    match = _DAY_MONTH_RE.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        return None
    day, month = int(match[1]), int(match[2])
    # A leap year, so 29/02 is accepted; it falls on 28/02 in other years.
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        return None
    return day, month


def _parse_full_date(raw: object) -> date | None:
    match = _FULL_DATE_RE.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        return None
    try:
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def rule_of(spec: PeriodSpec) -> Rule:
    """The spec compiled to numbers (cached); ValueError listing its problems if invalid."""
    return _compiled(spec.kind, tuple(spec.deadlines or ()), spec.start)


@lru_cache(maxsize=256)
def _compiled(kind: str, deadlines: tuple[str, ...], start: str | None) -> Rule:
    problems = _problems(kind, deadlines, start)
    if problems:
        raise ValueError("invalid period spec: " + "; ".join(problems))
    if kind in ("monthly", "quarterly"):
        return Rule(kind, days=((_parse_day(deadlines[0]) or 0, 0),))
    if kind == "one_off":
        return Rule(kind, start=_parse_full_date(start), end=_parse_full_date(deadlines[0]))
    return Rule(kind, days=tuple(_parse_day_month(raw) or (0, 0) for raw in deadlines))
