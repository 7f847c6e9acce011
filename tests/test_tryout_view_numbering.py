"""/xem numbers a unit's answers with the form's own question numbers (tryout finding).

A coordinator's `/xem` used to count only the answered questions, so after a skipped branch
the numbers no longer matched the officer's "Câu N", `/xemlai` and `/sua N`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from reportbot.coordination.reporting.render import render_unit_report
from reportbot.coordination.reporting.unit_view import UnitView
from reportbot.forms.loader import template_from_definition
from reportbot.periods import Period

DEFINITION = {
    "key": "thu_xem",
    "version": "1",
    "title": {"vi": "Báo cáo thử", "en": "Trial report"},
    "period": {"kind": "monthly", "deadlines": ["25"]},
    "questions": [
        {"id": "co_lop", "type": "yes_no", "required": True, "label": {"vi": "Có lớp không?"}},
        {
            "id": "so_lop",
            "type": "integer",
            "required": True,
            "relevant": "${co_lop} = 'yes'",
            "label": {"vi": "Số lớp"},
        },
        {"id": "ghi_chu", "type": "text", "label": {"vi": "Ghi chú"}},
    ],
}


def _period() -> Period:
    return Period(
        key="2026-11",
        label_vi="tháng 11 năm 2026",
        label_en="November 2026",
        opens_at=datetime(2026, 11, 1, tzinfo=UTC),
        deadline=datetime(2026, 11, 25, tzinfo=UTC),
        cutoff_start=datetime(2026, 10, 15).date(),
        cutoff_end=datetime(2026, 11, 14).date(),
    )


def test_view_keeps_form_numbers_after_a_skipped_branch() -> None:
    template = template_from_definition(DEFINITION)
    period = _period()
    state = SimpleNamespace(status="draft", revision=0, submitted_at=None)
    text = render_unit_report(
        unit_name="Đơn vị A",
        unit_code="dva",
        period=period,
        submission=state,
        view=UnitView(template, {"co_lop": "no", "ghi_chu": "ổn"}, {}),
        tz=UTC,
        locale="vi",
    )
    lines = text.splitlines()
    assert "1. Có lớp không?: Không" in lines
    # Question 2 was skipped by the branch: the note stays question 3, as in /xemlai.
    assert "3. Ghi chú: ổn" in lines
    assert not any(line.startswith("2. ") for line in lines)


def test_web_unit_page_keeps_form_numbers_after_a_skipped_branch() -> None:
    from reportbot.web.pages import unit_page

    template = template_from_definition(DEFINITION)
    html = unit_page(
        unit_name="Đơn vị A",
        unit_code="dva",
        template=template,
        period=_period(),
        state="đang soạn",
        view=UnitView(template, {"co_lop": "no", "ghi_chu": "ổn"}, {}),
    )
    assert "<td>1. Có lớp không?</td>" in html
    assert "<td>3. Ghi chú</td>" in html
    assert "<td>2. " not in html
