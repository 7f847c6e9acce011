"""A stored report read back: its answers decoded and its calculations, one rule for every
reader after the fact (the sheet mirror, the consolidation).

Calculations are those stored with the submission (as ODK stores them). A report stored
before calculations were kept has them computed once from its answers, with the facts the
chat used (unit type and code, period) and, for today(), the local day it was sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from reportbot.conversation.values import decode_value
from reportbot.forms.calculation_types import split_stored
from reportbot.forms.evaluation import report_day, stored_or_computed
from reportbot.forms.schema import FormTemplate


@dataclass(frozen=True, slots=True)
class StoredValues:
    """One submission's decoded answers (empty ones kept) and its calculations' values."""

    answers: dict[str, Any]
    calculated: dict[str, Any]


def stored_values(
    template: FormTemplate,
    rows: Mapping[str, str],
    *,
    unit_code: str,
    unit_type: str,
    period_key: str,
    sent: datetime | None,
    tz: tzinfo,
) -> StoredValues:
    """Decode a submission's stored rows (question id -> encoded value) with the template
    version it was filed on; calculations as stored, or computed as of the day it was sent."""
    encoded, stored = split_stored(template, rows)
    answers = {qid: decode_value(template.question(qid), text) for qid, text in encoded.items()}
    facts: dict[str, Any] = {"unit_type": unit_type, "unit_code": unit_code, "period": period_key}
    facts["__today__"] = report_day(sent, tz)
    return StoredValues(answers, stored_or_computed(template, stored, answers, facts))
