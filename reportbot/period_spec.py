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

from reportbot.forms.diagnostics import said
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
        return [said("formrule:period_deadlines_text", value=repr(spec.deadlines))]
    return _problems(spec.kind, tuple(spec.deadlines or ()), spec.start)


def _problems(kind: str, deadlines: tuple[object, ...], start: object) -> list[str]:
    problems: list[str] = []
    if kind not in KINDS:
        return [said("formrule:period_unknown_kind", value=repr(kind), allowed=", ".join(KINDS))]
    if kind != "one_off" and start is not None:
        problems.append(said("formrule:period_start_only_one_off", kind=kind))
    expected = 2 if kind == "six_monthly" else 1
    if len(deadlines) != expected:
        shape = said(_DEADLINE_SHAPES[kind])
        problems.append(
            said(
                "formrule:period_deadline_count",
                kind=kind,
                expected={
                    "vi": f"{expected} hạn nộp",
                    "en": f"{expected} deadline{'s' if expected > 1 else ''}",
                },
                shape=shape,
                value=len(deadlines),
            )
        )
    if kind in ("monthly", "quarterly"):
        for raw in deadlines:
            if _parse_day(raw) is None:
                problems.append(said("formrule:period_day_of_month", kind=kind, value=repr(raw)))
    elif kind in ("six_monthly", "annual"):
        parsed = [_parse_day_month(raw) for raw in deadlines]
        for raw, value in zip(deadlines, parsed, strict=True):
            if value is None:
                problems.append(said("formrule:period_day_of_year", kind=kind, value=repr(raw)))
        if kind == "six_monthly" and len(parsed) == 2 and None not in parsed:
            (d0, m0), (d1, m1) = parsed  # type: ignore[misc]
            if (m0, d0) >= (m1, d1):
                first, second = repr(deadlines[0]), repr(deadlines[1])
                problems.append(said("formrule:period_halves_order", value=first, second=second))
    else:
        problems.extend(_one_off_problems(start, deadlines))
    return problems


_DEADLINE_SHAPES = {
    "monthly": "formrule:period_shape_day",
    "quarterly": "formrule:period_shape_day",
    "six_monthly": "formrule:period_shape_halves",
    "annual": "formrule:period_shape_year",
    "one_off": "formrule:period_shape_once",
}


def _one_off_problems(start_raw: object, deadlines: tuple[object, ...]) -> list[str]:
    problems: list[str] = []
    start = _parse_full_date(start_raw) if start_raw is not None else None
    if start_raw is None:
        problems.append(said("formrule:period_one_off_start"))
    elif start is None:
        problems.append(said("formrule:period_one_off_bad_start", value=repr(start_raw)))
    ends = [_parse_full_date(raw) for raw in deadlines]
    for raw, value in zip(deadlines, ends, strict=True):
        if value is None:
            problems.append(said("formrule:period_one_off_bad_deadline", value=repr(raw)))
    if start is not None and len(ends) == 1 and ends[0] is not None and start > ends[0]:
        problems.append(
            said(
                "formrule:period_one_off_order",
                value=date_text(start),
                second=date_text(ends[0]),
            )
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
