"""A unit's latest report with its stored answers, for `/xem`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportbot.store.models import Answer, Submission


@dataclass(frozen=True, slots=True)
class UnitReport:
    """One submission of a unit as `/xem` shows it; `answers` are the stored (encoded) values."""

    id: int
    template_id: int
    form_key: str
    period_key: str
    status: str
    revision: int
    submitted_at: datetime | None
    answers: dict[str, str]


async def latest_unit_report(
    unit_id: int, form_key: str | None = None, period_key: str | None = None
) -> UnitReport | None:
    """The unit's most recently changed report (of this form and period, when given)."""
    query = Submission.filter(unit_id=unit_id)
    if form_key:
        query = query.filter(form_key=form_key)
    if period_key:
        query = query.filter(period_key=period_key)
    submission = await query.order_by("-updated_at").first()
    if submission is None:
        return None
    rows = await Answer.filter(submission_id=submission.id).values_list("question_id", "value")
    return UnitReport(
        id=submission.id,
        template_id=submission.template_id,  # type: ignore[attr-defined]
        form_key=submission.form_key,
        period_key=submission.period_key,
        status=submission.status,
        revision=submission.revision,
        submitted_at=submission.submitted_at,
        answers={str(qid): str(value) for qid, value in rows},
    )
