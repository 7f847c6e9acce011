"""A province coordinator's digest counts units, not names: every commune has a
"Hội Nông dân xã", and two of them are two units in every count, list and cut.

Expected texts by hand: units 1 (commune Tân Phú) and 2 (commune An Bình) are both named
"Hội Nông dân xã" and have not filed; unit 1's officer has no messaging account, unit 2 has
no officer; "Đoàn Thanh niên" (unit 3) filed on time.
"""

from __future__ import annotations

from datetime import timedelta

from reportbot.forms.loader import parse_yaml_template
from reportbot.forms.schema import FormTemplate
from reportbot.periods import Period, period_by_key
from reportbot.reminders.compose import digest_sections
from reportbot.reminders.messages import digest
from reportbot.reminders.schedule import COORDINATORS, DIGEST_AFTER, Slot
from reportbot.reminders.store import DigestFacts, PersonRow, UnitRow
from tests.conftest import TZ
from tests.test_figures_sendings import FORM


def _form() -> tuple[FormTemplate, Period]:
    template, issues = parse_yaml_template(FORM, "so_lieu.yaml")
    assert issues == [] and template is not None
    return template, period_by_key(template.period, "2026-H2", TZ)


def _digest(facts: DigestFacts, locale: str) -> list[str]:
    """The digest's sections, composed a day after the deadline, as the coordinator reads it."""
    template, period = _form()
    now = period.deadline + timedelta(days=1)
    slot = Slot(template.key, period, DIGEST_AFTER, COORDINATORS, now, now + timedelta(days=1))
    sections = digest_sections(facts, slot, {"console"}, locale)
    return digest(template, period, sections, locale=locale, now=now, tz=TZ).text.split("\n\n")


def test_two_farmers_unions_of_two_communes_are_two_units() -> None:
    facts = DigestFacts(
        units=[
            UnitRow(1, "tanphu_hnd", "Hội Nông dân xã", "doan_the"),
            UnitRow(2, "anbinh_hnd", "Hội Nông dân xã", "doan_the"),
            UnitRow(3, "tanphu_dtn", "Đoàn Thanh niên", "doan_the"),
        ],
        filed_at={3: None},
        officers={1: [PersonRow(11, "Nguyễn Văn A", 1, "vi")]},
    )
    parts = _digest(facts, "vi")
    assert parts[0].endswith("Đã nộp: 1/3 đơn vị.")
    assert parts[1:] == [
        "Quá hạn, chưa nộp (2):\n• Hội Nông dân xã\n• Hội Nông dân xã",
        "Không liên lạc được (2):\n"
        "• Hội Nông dân xã – Nguyễn Văn A: chưa đăng ký tài khoản nhắn tin\n"
        "• Hội Nông dân xã – chưa có cán bộ",
        "Đã nộp đúng hạn (1):\n• Đoàn Thanh niên",
    ]


def test_41_same_named_units_list_40_and_count_the_41st() -> None:
    # 41 communes' unions, none filed, none with an officer: one line each in both sections,
    # 40 listed, the 41st counted (a name counted once listed all 41 under "(1)").
    facts = DigestFacts(
        units=[UnitRow(n, f"xa{n}_hnd", "Hội Nông dân xã", "doan_the") for n in range(1, 42)]
    )
    for locale, head, unreachable, more in (
        ("vi", "Quá hạn, chưa nộp (41):", "Không liên lạc được (41):", "… và 1 đơn vị khác"),
        ("en", "Overdue, not filed (41):", "Could not be reached (41):", "… more units: 1"),
    ):
        parts = _digest(facts, locale)
        missing, unreached = parts[1].split("\n"), parts[2].split("\n")
        assert missing[0] == head and unreached[0] == unreachable
        assert missing[1:41] == ["• Hội Nông dân xã"] * 40
        assert len(unreached[1:41]) == 40 and all(
            line.startswith("• Hội Nông dân xã – ") for line in unreached[1:41]
        )
        assert missing[41:] == [more] and unreached[41:] == [more]
