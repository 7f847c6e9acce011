"""A deployment of one commune whose units were seeded or imported without a commune: a unit
with no organisation belongs to the default commune, so the digest and the unit page name no
commune (before: "Đoàn Thanh niên (Xã (mặc định))" next to a bare "Hội Nông dân xã").

Seeded by hand: "Hội Nông dân xã" in the default commune, "Đoàn Thanh niên" with none;
neither has filed. Expected texts typed by hand.
"""

from __future__ import annotations

from datetime import timedelta

from reportbot.forms.loader import parse_yaml_template
from reportbot.periods import period_by_key
from reportbot.reminders.compose import digest_sections
from reportbot.reminders.messages import digest
from reportbot.reminders.schedule import COORDINATORS, DIGEST_AFTER, Slot
from reportbot.reminders.store import digest_facts
from reportbot.store.models import Unit
from reportbot.store.queries.organisations import (
    EVERYTHING,
    ensure_default_commune,
    scope_of,
    spans_communes,
)
from tests.conftest import TZ
from tests.test_province_same_names import FORM


async def test_units_without_a_commune_are_the_default_communes(db: str) -> None:
    default = await ensure_default_commune()
    await Unit.create(code="hnd", name="Hội Nông dân xã", type="doan_the", organisation=None)
    await Unit.create(code="dtn", name="Đoàn Thanh niên", type="doan_the", organisation=None)
    await Unit.filter(code="hnd").update(organisation_id=default.id)
    template, issues = parse_yaml_template(FORM, "nq57_xa.yaml")
    assert issues == [] and template is not None
    period = period_by_key(template.period, "2026-H2", TZ)
    now = period.deadline + timedelta(days=1)
    slot = Slot(template.key, period, DIGEST_AFTER, COORDINATORS, now, now + timedelta(days=1))
    for scope in (EVERYTHING, await scope_of(default.id)):
        assert not await spans_communes(scope)
        facts = await digest_facts(template, period.key, scope)
        sections = digest_sections(facts, slot, {"console"}, "vi")
        text = digest(template, period, sections, locale="vi", now=now, tz=TZ).text
        assert "Quá hạn, chưa nộp (2):\n• Đoàn Thanh niên\n• Hội Nông dân xã" in text.split("\n\n")
