"""The reports a consolidation is computed over: the latest submitted revision of each unit
that filed, its answers and stored calculations, the sending they are from, and which
questions its relevance rules did not ask of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from reportbot.conversation.navigation import relevance
from reportbot.conversation.stored_values import stored_values
from reportbot.conversation.values import is_empty
from reportbot.coordination.reporting.status import UnitStatus
from reportbot.forms.evaluation import report_day
from reportbot.forms.repeats import consolidated
from reportbot.forms.schema import FormTemplate
from reportbot.store.queries.reports import (
    stored_answers,
    submissions_by_id,
    templates_by_record,
)


@dataclass(frozen=True, slots=True)
class UnitReport:
    """A unit's filed report: its standing, the template version and the answers, with the
    sending they are from (`revision`, 1 for a report sent once, and when it was sent:
    None when unknown, a report reopened since it was sent again)."""

    status: UnitStatus
    template: FormTemplate
    answers: dict[str, Any]
    revision: int = 1
    sent_at: datetime | None = None
    skipped: frozenset[str] = frozenset()  # questions not asked of it (relevance said no)

    def asked(self, question_id: str) -> bool:
        """Whether the question was asked of this unit: an answer says it was; else it must be
        a question of the version it filed on (one added later was never put to it) that its
        relevance rules did not skip."""
        if question_id in self.answers:
            return True
        if question_id in self.skipped:
            return False
        template = self.template
        return template.question(question_id) is not None or any(
            calculation.name == question_id for calculation in template.calculations
        )


async def filed_reports(filed: list[UnitStatus], tz: tzinfo) -> list[UnitReport]:
    """The latest submitted revision of each filed unit's report, with its answers and its
    stored calculations (computed once, with the chat's facts and the local day it was sent,
    if stored before they were)."""
    ids = [unit.submission_id for unit in filed if unit.submission_id is not None]
    submissions = await submissions_by_id(ids)
    versions = await templates_by_record(
        row.template_id  # type: ignore[attr-defined]
        for row in submissions.values()
    )
    raw = await stored_answers(submissions)
    reports = []
    for unit in filed:
        submission = submissions[unit.submission_id]  # type: ignore[index]
        version = versions[submission.template_id]  # type: ignore[attr-defined]
        day_sent = submission.submitted_at or submission.updated_at
        values = stored_values(
            version,
            raw[submission.id],
            unit_code=unit.code,
            unit_type=unit.type,
            period_key=submission.period_key,
            sent=day_sent,
            tz=tz,
        )
        calculated = values.calculated
        answers = {qid: value for qid, value in values.answers.items() if not is_empty(value)}
        answers = consolidated(version, answers)  # repeats: numbers summed over entries
        answers |= {name: value for name, value in calculated.items() if not is_empty(value)}
        facts = {"unit_type": unit.type, "unit_code": unit.code, "period": submission.period_key}
        facts["__today__"] = report_day(day_sent, tz)  # today() as on the day it was sent
        skipped = _skipped(version, values.answers, facts)
        sent = _sent_at(submission)
        reports.append(UnitReport(unit, version, answers, submission.revision, sent, skipped))
    return reports


def _skipped(
    version: FormTemplate, answers: dict[str, Any], facts: dict[str, Any]
) -> frozenset[str]:
    """The questions of `version` its relevance rules did not ask of this report (a question
    for one unit type, a branch not taken), as the chat decided with the same facts. A form
    with repeats counts every question as asked (its entries are expanded in the chat)."""
    if version.repeats:
        return frozenset()
    shown = {question.id for question in relevance(version, answers, facts).questions}
    return frozenset(q.id for q in version.questions if q.answerable and q.id not in shown)


def _sent_at(submission: Any) -> datetime | None:
    """When the revision counted was sent: the first sending for revision 1; the row's last
    write for a later one while it stands submitted (sending writes it last); unknown once
    reopened again (the reopening wrote the row after that sending)."""
    if submission.revision <= 1:
        return submission.submitted_at
    return submission.updated_at if submission.status == "submitted" else None
