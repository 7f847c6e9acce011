"""The coordinators' chat answers as text: filing status, a unit's report, the summary."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, tzinfo
from typing import Protocol

from reportbot.collation import vietnamese_key
from reportbot.conversation.calculated import value_lines
from reportbot.conversation.numbering import question_numbers
from reportbot.conversation.values import format_value, is_empty
from reportbot.coordination.reporting.formatting import (
    bucket_label,
    local_date,
    local_time,
)
from reportbot.coordination.reporting.reach import REACH
from reportbot.coordination.reporting.status import FILED, PeriodStatus, UnitStatus
from reportbot.coordination.reporting.summary_text import render_summary
from reportbot.coordination.reporting.unit_view import UnitView
from reportbot.coordination.texts import t
from reportbot.forms.schema import pick
from reportbot.periods import Period
from reportbot.store.standing import standing

MAX_NAMES = 20
__all__ = ["render_status", "render_summary", "render_unit_report"]


class ReportState(Protocol):
    """What /xem shows of a report besides its answers."""

    status: str
    revision: int
    submitted_at: datetime | None


def _names(units: list[UnitStatus], locale: str) -> str:
    shown = []
    for unit in units[:MAX_NAMES]:
        mark = f" ({t('reopened_mark', locale)})" if unit.reopened else ""
        shown.append(f"{unit.label}{mark}")
    more = f", … (+{len(units) - MAX_NAMES})" if len(units) > MAX_NAMES else ""
    return ", ".join(shown) + more


def render_status(
    items: list[tuple[PeriodStatus, PeriodStatus | None]],
    now: datetime,
    tz: tzinfo,
    locale: str,
    unreachable: Collection[int] = frozenset(),
) -> str:
    """/tinhhinh: per form, the current period's units by bucket, and the previous period's
    units that still have not filed; under each period, its units not filed none of whose
    officers the bot can reach (`unreachable`: unit ids, reach.unreachable_units)."""
    if not items:
        return t("no_forms", locale)
    lines = [t("status_title", locale, time=local_time(now, tz))]
    for current, previous in items:
        period = current.period
        lines.append("")
        lines.append(
            t(
                "status_form",
                locale,
                title=pick(current.template.title, locale),
                period=period.label(locale),
                deadline=local_date(period.deadline, tz),
                overdue=t("status_overdue", locale) if current.overdue(now) else "",
            )
        )
        for bucket, count in current.counts().items():
            units = current.in_bucket(bucket)
            names = f" – {_names(units, locale)}" if units and bucket != "on_time" else ""
            label = bucket_label(bucket, locale, overdue=current.overdue(now))
            lines.append(t("status_line", locale, label=label, count=count, names=names))
        total = len(current.units)
        lines.append(t("status_total", locale, total=total, filed=current.filed))
        lines += _unreachable(current, unreachable, locale)
        if previous is not None:
            missing = [u for u in previous.units if u.bucket not in ("on_time", "late")]
            lines.append(
                t(
                    "status_previous",
                    locale,
                    period=previous.period.label(locale),
                    count=len(missing),
                    names=_names(missing, locale),
                )
            )
            lines += _unreachable(previous, unreachable, locale)
    return "\n".join(lines)


def _unreachable(status: PeriodStatus, ids: Collection[int], locale: str) -> list[str]:
    """The line naming the units still owing this period that the bot cannot reach (`ids`),
    with the period (none when there are none): each period its own line, so a unit that
    filed one period is never named under it for owing the other."""
    owing = [unit for unit in status.units if unit.bucket not in FILED and unit.unit_id in ids]
    if not owing:
        return []
    ordered = sorted(owing, key=lambda unit: vietnamese_key(unit.label))
    return [
        REACH.say(
            "status_unreachable",
            locale,
            count=len(ordered),
            period=status.period.label(locale),
            names=_names(ordered, locale),
        )
    ]


def render_unit_report(
    *,
    unit_name: str,
    unit_code: str,
    period: Period,
    submission: ReportState,
    view: UnitView,
    tz: tzinfo,
    locale: str,
    notice: str | None = None,
) -> str:
    """/xem: a unit's report, its status and every answer, with the form's question numbers,
    then its labelled calculations as stored when it was sent. `notice` (whom the bot cannot
    reach) follows the status.

    The numbers are those the officer sees ("Câu N", /xemlai, /sua N): a skipped branch leaves
    a gap rather than renumbering what follows.
    """
    template, answers = view.template, view.answers
    when = local_time(submission.submitted_at, tz)
    # The first sending decides on time or late, whatever was sent after (store.standing).
    first = standing(submission.status, submission.submitted_at, period.deadline)
    late = "_late" if first == "late" else ""
    if submission.status == "submitted":
        key = "state_resubmitted" if submission.revision > 1 else "state_submitted"
        status = t(key + late, locale, time=when, revision=submission.revision)
    elif submission.status == "reopened":
        status = t("state_reopened" + late, locale, time=when or "—", revision=submission.revision)
    else:
        status = t("state_draft", locale)
    lines = [
        t(
            "view_header",
            locale,
            unit=unit_name,
            code=unit_code,
            title=pick(template.title, locale),
            period=period.label(locale),
            status=status,
        )
    ]
    if notice:
        lines.append(notice)
    numbers = question_numbers(template)
    shown = 0
    for question in template.questions:
        if not question.answerable or is_empty(answers.get(question.id)):
            continue
        shown += 1
        value = format_value(question, answers[question.id], locale)
        lines.append(f"{numbers[question.id]}. {pick(question.label, locale)}: {value}")
    if shown == 0:
        lines.append(t("view_no_answers", locale))
    else:
        lines.extend(value_lines(template, view.calculated, locale))
    return "\n".join(lines)
