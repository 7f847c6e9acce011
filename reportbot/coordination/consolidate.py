"""The consolidated figures of one form and period, as the Phòng Văn hóa - Xã hội sends them.

Over the units that filed (reports reopened for changes count with what they last
submitted): the sum and average of every numeric question, the plan's indicators as
percentages against their targets, and the free-text answers grouped by unit. Also the
standing of every unit, and the late ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from reportbot.conversation.values import decode_value, is_empty
from reportbot.coordination.indicators import Indicator, indicators_for
from reportbot.coordination.status import FILED, PeriodStatus, UnitStatus, period_status
from reportbot.coordination.texts import Problem
from reportbot.forms.schema import NUMERIC_TYPES, FormTemplate, Question
from reportbot.periods import Period, PeriodKeyError, current_period, period_at, period_by_key
from reportbot.store.forms import latest_templates, template_by_record
from reportbot.store.models import Answer, Submission

FREE_TEXT_TYPES = frozenset({"long_text"})
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class NumberSummary:
    """A numeric question over the units that answered it."""

    question: Question
    total: Decimal
    count: int

    @property
    def average(self) -> Decimal | None:
        """The mean per unit that answered, to two decimals."""
        if not self.count:
            return None
        return (self.total / self.count).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """An indicator measured: numerator out of denominator, as a percentage."""

    indicator: Indicator
    numerator: Decimal
    denominator: Decimal

    @property
    def percent(self) -> Decimal | None:
        """The percentage to one decimal, None when there is nothing to divide by."""
        if not self.denominator:
            return None
        return (self.numerator * HUNDRED / self.denominator).quantize(Decimal("0.1"))

    @property
    def met(self) -> bool | None:
        """Whether the target is reached (None without data)."""
        percent = self.percent
        return None if percent is None else percent >= self.indicator.target


@dataclass(frozen=True, slots=True)
class UnitReport:
    """A unit's filed report: its standing, the template version and the answers."""

    status: UnitStatus
    template: FormTemplate
    answers: dict[str, Any]


@dataclass(frozen=True, slots=True)
class TextEntry:
    """One free-text answer of one unit."""

    unit: UnitStatus
    question: Question
    text: str


@dataclass(slots=True)
class Consolidation:
    """Everything the summary, the workbook, the report and the chart show."""

    form_key: str
    template: FormTemplate
    period: Period
    status: PeriodStatus
    generated_at: datetime
    questions: list[Question] = field(default_factory=list)
    reports: list[UnitReport] = field(default_factory=list)
    numbers: list[NumberSummary] = field(default_factory=list)
    indicators: list[IndicatorResult] = field(default_factory=list)
    texts: list[TextEntry] = field(default_factory=list)

    @property
    def late(self) -> list[UnitStatus]:
        """Units that filed late, and, once the deadline has passed, those that did not file
        (a report reopened for changes was filed: it is not late)."""
        overdue = self.status.overdue(self.generated_at)
        return [
            unit
            for unit in self.status.units
            if unit.bucket == "late" or (overdue and unit.bucket not in FILED and not unit.reopened)
        ]

    def texts_by_unit(self) -> list[tuple[UnitStatus, list[TextEntry]]]:
        """Free-text answers grouped by unit, units in name order."""
        groups: dict[int, tuple[UnitStatus, list[TextEntry]]] = {}
        for entry in self.texts:
            groups.setdefault(entry.unit.unit_id, (entry.unit, []))[1].append(entry)
        return list(groups.values())

    def texts_for(self, question_id: str) -> list[TextEntry]:
        """The answers to one free-text question, units in name order."""
        return [entry for entry in self.texts if entry.question.id == question_id]


async def pick_form(key: str | None) -> tuple[str, FormTemplate]:
    """The form named by `key`, or the only one in use. Raises Problem."""
    forms = {k: template for k, (_rid, template) in (await latest_templates()).items()}
    if not forms:
        raise Problem("no_forms")
    if key is None:
        if len(forms) == 1:
            return next(iter(forms.items()))
        raise Problem("form_needed", forms=", ".join(sorted(forms)))
    if key not in forms:
        raise Problem("form_unknown", form=key, forms=", ".join(sorted(forms)))
    return key, forms[key]


async def pick_period(
    form_key: str, template: FormTemplate, period_key: str | None, now: datetime, tz: tzinfo
) -> Period:
    """The period named by `period_key`; by default the current period if a unit has filed
    it, else the previous one if a unit has filed that, else the current one."""
    spec = template.period
    if period_key is not None:
        try:
            return period_by_key(spec, period_key, tz)
        except (PeriodKeyError, ValueError) as exc:
            example = (current_period(spec, now, tz) or period_by_key_example(template, tz)).key
            raise Problem("period_unknown", period=period_key, example=example) from exc
    current = current_period(spec, now, tz)
    candidates = [p for p in (current, period_at(spec, now, tz, -1)) if p is not None]
    for period in candidates:
        filed = await Submission.filter(
            form_key=form_key, period_key=period.key, status__in=("submitted", "reopened")
        ).exists()
        if filed:
            return period
    if candidates:
        return candidates[0]
    return period_by_key_example(template, tz)


def period_by_key_example(template: FormTemplate, tz: tzinfo) -> Period:
    """The single period of a one-off form (the only kind without a current one)."""
    from reportbot.periods import periods_between

    spec = template.period
    far = datetime(1900, 1, 1, tzinfo=tz), datetime(9000, 1, 1, tzinfo=tz)
    return periods_between(spec, far[0], far[1], tz)[0]


async def consolidate(
    form_key: str, template: FormTemplate, period: Period, *, now: datetime
) -> Consolidation:
    """Compute the consolidated figures of one form and period."""
    status = await period_status(form_key, template, period)
    result = Consolidation(form_key, template, period, status, now)
    filed = [unit for unit in status.units if unit.bucket in FILED or unit.reopened]
    submissions = {
        submission.id: submission
        for submission in await Submission.filter(
            id__in=[unit.submission_id for unit in filed if unit.submission_id is not None]
        )
    }
    templates: dict[int, FormTemplate] = {}
    answers: dict[int, dict[str, Any]] = {submission_id: {} for submission_id in submissions}
    for submission in submissions.values():
        record_id = submission.template_id  # type: ignore[attr-defined]
        if record_id not in templates:
            templates[record_id] = await template_by_record(record_id)
    for row in await Answer.filter(submission_id__in=list(submissions)):
        submission = submissions[row.submission_id]  # type: ignore[attr-defined]
        version = templates[submission.template_id]  # type: ignore[attr-defined]
        value = decode_value(version.question(row.question_id), row.value)
        if not is_empty(value):
            answers[submission.id][row.question_id] = value
    for unit in filed:
        submission = submissions[unit.submission_id]  # type: ignore[index]
        version = templates[submission.template_id]  # type: ignore[attr-defined]
        result.reports.append(UnitReport(unit, version, answers[submission.id]))
    result.questions = _questions(template, [report.template for report in result.reports])
    result.numbers = _numbers(result.questions, result.reports)
    result.indicators = [_measure(i, result.reports) for i in indicators_for(template)]
    result.texts = [
        TextEntry(report.status, question, str(report.answers[question.id]))
        for report in result.reports
        for question in result.questions
        if question.type in FREE_TEXT_TYPES and question.id in report.answers
    ]
    return result


def _questions(latest: FormTemplate, versions: list[FormTemplate]) -> list[Question]:
    """The latest version's questions, then any asked only by older versions still filed."""
    questions = [q for q in latest.questions if q.answerable]
    known = {q.id for q in questions}
    for version in versions:
        for question in version.questions:
            if question.answerable and question.id not in known:
                questions.append(question)
                known.add(question.id)
    return questions


def _numbers(questions: list[Question], reports: list[UnitReport]) -> list[NumberSummary]:
    summaries = []
    for question in questions:
        if question.type not in NUMERIC_TYPES:
            continue
        values = [
            Decimal(str(report.answers[question.id]))
            for report in reports
            if question.id in report.answers
        ]
        summaries.append(NumberSummary(question, sum(values, Decimal(0)), len(values)))
    return summaries


def _measure(indicator: Indicator, reports: list[UnitReport]) -> IndicatorResult:
    numerator = denominator = Decimal(0)
    for report in reports:
        answers = report.answers
        if indicator.question is not None:
            value = answers.get(indicator.question)
            if value is None or value in indicator.excluded:
                continue
            denominator += 1
            numerator += 1 if value == indicator.value else 0
        elif indicator.denominator in answers:
            denominator += Decimal(str(answers[indicator.denominator]))
            numerator += Decimal(str(answers.get(indicator.numerator, 0)))
    return IndicatorResult(indicator, numerator, denominator)
