"""The consolidated figures of one form and period: computed once, rendered everywhere.

One set of reports: the latest submitted revision of each unit that filed (a report reopened
for changes counts, with what it last submitted, until it is sent again). Over that set and
nothing else: the filed count ("đã nộp N/M"), the sum and average of every numeric question
(a percentage or ratio question is only averaged: a sum of rates means nothing; an average
of money in đồng is rounded half up to the whole đồng, others to two decimals), the units
per option of every yes/no and choice question with their share, the form's indicators
against their targets, and the free-text answers grouped by unit; a calculation counts as an
answer of its type. Every figure keeps its base (how many units it is computed over). The
chat text, the .xlsx, the .docx and the chart only render a `Consolidation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from reportbot.conversation.money_units import label_exponent
from reportbot.conversation.parsing import fold
from reportbot.coordination.reporting.filed import UnitReport, filed_reports
from reportbot.coordination.reporting.repeat_counts import with_entry_counts
from reportbot.coordination.reporting.rounding import HUNDREDTH, exact_share, share, telling
from reportbot.coordination.reporting.status import PeriodStatus, UnitStatus, period_status
from reportbot.forms.calculation_types import calculation_questions
from reportbot.forms.indicators import Indicator
from reportbot.forms.schema import CHOICE_TYPES, NUMERIC_TYPES, FormTemplate, Question, Text
from reportbot.periods import (
    Period,
)
from reportbot.store.queries.organisations import EVERYTHING, Scope

FREE_TEXT_TYPES = frozenset({"long_text"})
COUNTED_TYPES = CHOICE_TYPES | {"yes_no"}
WHOLE = Decimal(1)
YES_NO: tuple[tuple[str, Text], ...] = (
    ("yes", {"vi": "Có", "en": "Yes"}),
    ("no", {"vi": "Không", "en": "No"}),
)
# Words that make a numeric question a rate (averaged, never summed), diacritics folded.
RATE_WORDS = ("%", "ty le", "phan tram", "percent", "ratio")


def is_rate(question: Question, template: FormTemplate) -> bool:
    """Whether a numeric question is a percentage or ratio: its label says so, or one of the
    form's `average` indicators reads it."""
    if question.type not in NUMERIC_TYPES:
        return False
    averaged = {i.question for i in template.indicators if i.kind == "average"}
    labels = " ".join(fold(text) for text in question.label.values())
    return question.id in averaged or any(word in labels for word in RATE_WORDS)


@dataclass(frozen=True, slots=True)
class NumberSummary:
    """A numeric question over the units that answered it (`count`, its base)."""

    question: Question
    total: Decimal
    count: int
    averaged: bool = False  # a rate: the total is meaningless and never shown
    asked: int = 0  # the filed units it was asked of (relevant to them): the base of count

    @property
    def average(self) -> Decimal | None:
        """The mean per unit that answered, to two decimals; an amount of money in đồng to
        the whole đồng (`in_dong`), half up as people round by hand."""
        if not self.count:
            return None
        places = WHOLE if self.in_dong else HUNDREDTH
        return (self.total / self.count).quantize(places, rounding=ROUND_HALF_UP)

    @property
    def in_dong(self) -> bool:
        """Whether the question asks an amount in đồng ("Kinh phí (đồng)"): nobody pays a
        fraction of a đồng, so its average is shown whole (285.583.333,33 read as wrong)."""
        return in_dong(self.question.label)

    @property
    def shown_total(self) -> Decimal | None:
        """The total to show: None for a rate."""
        return None if self.averaged else self.total


@dataclass(frozen=True, slots=True)
class OptionCount:
    """One option of a yes/no or choice question: how many units chose it, out of how many
    answered the question."""

    value: str
    label: Text
    units: int
    answered: int

    @property
    def share(self) -> Decimal | None:
        """The units' share in percent, to one decimal."""
        return share(self.units, self.answered)


@dataclass(frozen=True, slots=True)
class ChoiceSummary:
    """A yes/no or choice question counted per option (several per unit for select_multiple)."""

    question: Question
    answered: int
    options: tuple[OptionCount, ...]
    asked: int = 0  # the filed units it was asked of (relevant to them)


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """An indicator measured over `units` units: numerator out of denominator."""

    indicator: Indicator
    numerator: Decimal
    denominator: Decimal
    units: int = 0
    in_dong: bool = False  # an average of money in đồng: shown in whole đồng, as numbers are

    @property
    def percent(self) -> Decimal | None:
        """The percentage to one decimal (percent kinds; more when one decimal would read as
        the target and it is not reached: `rounding.telling`), None without a base."""
        if not self.indicator.is_percent:
            return None
        rounded, exact = share(self.numerator, self.denominator), self.exact
        if rounded is None or exact is None:
            return None
        return telling(rounded, exact, self.indicator.target)

    @property
    def value(self) -> Decimal | None:
        """What is shown against the target: the percentage, the count or the average (to two
        decimals, money in đồng to the whole đồng; or more as `percent`)."""
        kind = self.indicator.kind
        if self.indicator.is_percent:
            return self.percent
        if kind == "count":
            return self.numerator
        if not self.denominator:
            return None
        exact = self.numerator / self.denominator
        places = WHOLE if self.in_dong else HUNDREDTH
        rounded = exact.quantize(places, rounding=ROUND_HALF_UP)
        return telling(rounded, exact, self.indicator.target)  # 0,125, not 0,13 against 0,13

    @property
    def exact(self) -> Decimal | None:
        """`value` before rounding (what the target is compared with): 1.999 of 2.000 is
        99,95%, which one decimal would show as 100%."""
        if self.indicator.is_percent:
            return exact_share(self.numerator, self.denominator)
        if self.indicator.kind == "count":
            return self.numerator
        return self.numerator / self.denominator if self.denominator else None

    @property
    def met(self) -> bool | None:
        """Whether the target is reached by the exact figure, not the rounded one shown (None
        without data or without a target)."""
        value, target = self.exact, self.indicator.target
        return None if value is None or target is None else value >= target

    @property
    def verdict(self) -> str:
        """Its verdict's key in the coordination texts: met, not met, no data, or cannot be
        computed (units answered, and their denominators add up to 0)."""
        if self.met is not None:
            return "verdict_met" if self.met else "verdict_not_met"
        return "verdict_zero_base" if self.units and not self.denominator else "verdict_none"


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
    choices: list[ChoiceSummary] = field(default_factory=list)
    indicators: list[IndicatorResult] = field(default_factory=list)
    texts: list[TextEntry] = field(default_factory=list)

    @property
    def filed(self) -> int:
        """The units whose report the figures are computed over: 'đã nộp N/M' is this N."""
        return len(self.reports)

    @property
    def total(self) -> int:
        """The units that must file (and any unit that filed)."""
        return len(self.status.units)

    @property
    def late(self) -> list[UnitStatus]:
        """Units that filed late, and, once the deadline has passed, those that did not file
        (a report reopened for changes was filed: it is not late)."""
        overdue = self.status.overdue(self.generated_at)
        filed = {report.status.unit_id for report in self.reports}
        return [
            unit
            for unit in self.status.units
            if unit.bucket == "late" or (overdue and unit.unit_id not in filed)
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


async def consolidate(
    form_key: str,
    template: FormTemplate,
    period: Period,
    *,
    now: datetime,
    tz: tzinfo,
    scope: Scope = EVERYTHING,
) -> Consolidation:
    """Compute the consolidated figures of one form and period over the units of `scope`
    (every unit by default; `province.consolidate_scope` adds the split per commune)."""
    status = await period_status(form_key, template, period, scope=scope)
    result = Consolidation(form_key, template, period, status, now)
    result.reports = await filed_reports(status.filed_units(), tz)
    return compute(result, template)


def compute(result: Consolidation, template: FormTemplate) -> Consolidation:
    """Fill in every figure from `result.reports`, and from nothing else."""
    reports = result.reports
    versions = [report.template for report in reports]
    result.questions = with_entry_counts(_questions(template, versions), [template, *versions])
    result.numbers = [
        _number(question, reports, is_rate(question, template))
        for question in result.questions
        if question.type in NUMERIC_TYPES
    ]
    result.choices = [
        _choices(question, reports)
        for question in result.questions
        if question.type in COUNTED_TYPES
    ]
    result.indicators = [_measure(i, reports, template) for i in template.indicators]
    result.texts = [
        TextEntry(report.status, question, str(report.answers[question.id]))
        for report in reports
        for question in result.questions
        if question.type in FREE_TEXT_TYPES and question.id in report.answers
    ]
    return result


def _questions(latest: FormTemplate, versions: list[FormTemplate]) -> list[Question]:
    """The latest version's questions, then any asked only by older versions still filed,
    then the calculations (each a read-only question of its type: forms.calculation_types)."""
    questions = [q for q in latest.questions if q.answerable]
    known = {q.id for q in questions}
    for version in versions:
        for question in version.questions:
            if question.answerable and question.id not in known:
                questions.append(question)
                known.add(question.id)
    return questions + calculation_questions((latest, *versions), known)


def _number(question: Question, reports: list[UnitReport], averaged: bool) -> NumberSummary:
    values = [
        Decimal(str(report.answers[question.id]))
        for report in reports
        if question.id in report.answers
    ]
    asked = sum(1 for report in reports if report.asked(question.id))
    return NumberSummary(question, sum(values, Decimal(0)), len(values), averaged, asked)


def _chosen(value: Any) -> list[str]:
    """The option values of one answer (a list for select_multiple)."""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


def _choices(question: Question, reports: list[UnitReport]) -> ChoiceSummary:
    if question.type == "yes_no":
        options: list[tuple[str, Text]] = list(YES_NO)
    else:
        options = [(choice.value, choice.label) for choice in question.choices]
    counts = dict.fromkeys((value for value, _ in options), 0)
    answered = 0
    for report in reports:
        if question.id not in report.answers:
            continue
        answered += 1
        for value in dict.fromkeys(_chosen(report.answers[question.id])):
            if value not in counts:  # an option an older version had
                options.append((value, {"vi": value}))
                counts[value] = 0
            counts[value] += 1
    return ChoiceSummary(
        question,
        answered,
        tuple(OptionCount(value, label, counts[value], answered) for value, label in options),
        sum(1 for report in reports if report.asked(question.id)),
    )


def in_dong(label: Text) -> bool:
    """Whether a label asks an amount in đồng ("Kinh phí (đồng)")."""
    return any(label_exponent(text) == 0 for text in label.values())


def _money_average(indicator: Indicator, template: FormTemplate) -> bool:
    """Whether the indicator averages an amount in đồng (a question or a calculation)."""
    if indicator.kind != "average" or indicator.question is None:
        return False
    question = template.question(indicator.question)
    if question is not None:
        return in_dong(question.label)
    labels = (c.label for c in template.calculations if c.name == indicator.question)
    return any(in_dong(label) for label in labels)


def _measure(
    indicator: Indicator, reports: list[UnitReport], template: FormTemplate
) -> IndicatorResult:
    numerator = denominator = Decimal(0)
    units = 0
    for report in reports:
        answers = report.answers
        if indicator.kind == "ratio_of_sums":
            if indicator.denominator not in answers:
                continue
            denominator += Decimal(str(answers[indicator.denominator]))
            numerator += Decimal(str(answers.get(indicator.numerator, 0)))
        elif indicator.kind == "average":
            if indicator.question not in answers:
                continue
            numerator += Decimal(str(answers[indicator.question]))
            denominator += 1
        else:
            value = answers.get(indicator.question)
            if value is None:
                continue
            chosen = _chosen(value)
            if any(item in indicator.excluded for item in chosen):
                continue
            denominator += 1
            numerator += 1 if indicator.value in chosen else 0
        units += 1
    money = _money_average(indicator, template)
    return IndicatorResult(indicator, numerator, denominator, units, money)
