"""Reminders for an officer of several units (kiêm nhiệm, issue 13): one reminder per slot names
every unit that still owes the period; a filed unit drops out; coordinators see the officer
under each unit."""

from __future__ import annotations

from reportbot.reminders.store import digest_facts
from reportbot.store.forms import template_by_record
from reportbot.store.models import PersonUnit, Unit
from tests.conftest import FakeClock
from tests.support import load_shipped_forms
from tests.test_reminders_support import (
    FORM,
    PERIOD,
    RecordingConnector,
    file_report,
    local,
    officer,
    template_record,
    worker_for,
)


async def _two_units() -> tuple[Unit, Unit]:
    await load_shipped_forms()
    women = await Unit.create(code="hoi", name="Hội Phụ nữ xã", type="doan_the")
    youth = await Unit.create(code="doan", name="Đoàn Thanh niên xã", type="doan_the")
    both = await officer("both", women)
    await PersonUnit.create(person=both, unit=youth)
    await officer("youth", youth)
    return women, youth


async def test_one_reminder_names_both_units_then_only_the_one_still_owing(db: str) -> None:
    women, _youth = await _two_units()
    clock = FakeClock(local(2026, 6, 19, 9, 0))
    await file_report(women, clock(), status="draft")  # started in one unit only
    fake = RecordingConnector("fake", clock)
    await worker_for([fake], clock).run_once()
    to_both = [d for d in fake.delivered if d.user_id == "u-both"]
    assert len(to_both) == 1  # one reminder per slot, not one per unit
    assert "Hội Phụ nữ xã, Đoàn Thanh niên xã chưa gửi báo cáo kỳ này" in to_both[0].text
    assert "đã trả lời" not in to_both[0].text  # no one unit's draft count under both names
    # Its button names the form and period: /baocao then offers the two units that owe it.
    assert to_both[0].payloads == (f"/baocao {FORM} {PERIOD}",)
    to_youth = [d.text for d in fake.delivered if d.user_id == "u-youth"]
    assert len(to_youth) == 1 and "Hội Phụ nữ xã" not in to_youth[0]

    await file_report(women, clock())
    clock.now = local(2026, 6, 20, 9, 0)  # the deadline day's reminder
    fake.delivered.clear()
    await worker_for([fake], clock).run_once()
    to_both = [d.text for d in fake.delivered if d.user_id == "u-both"]
    assert len(to_both) == 1
    assert "Đoàn Thanh niên xã" in to_both[0] and "Hội Phụ nữ xã" not in to_both[0]


async def test_the_digest_lists_the_officer_under_each_unit(db: str) -> None:
    women, youth = await _two_units()
    template = await template_by_record((await template_record()).id)
    facts = await digest_facts(template, PERIOD)
    names = {unit_id: [p.name for p in people] for unit_id, people in facts.officers.items()}
    assert names == {women.id: ["Cán bộ both"], youth.id: ["Cán bộ both", "Cán bộ youth"]}
