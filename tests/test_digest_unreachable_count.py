"""The digest's unreachable section: its count and "… và N đơn vị khác" count units, not lines.

An unreachable unit may take several lines (one per officer who cannot be reached), so the
list is cut between units, never inside one, and the units left out are counted, as the line
says. Figures by hand: 45 units with 2 unreachable officers each are 90 lines; 40 lines show
the first 20 units whole; 25 units are left.
"""

from __future__ import annotations

from datetime import datetime

from reportbot.forms.loader import parse_yaml_template
from reportbot.periods import period_by_key
from reportbot.reminders.messages import DigestEntry, DigestSections, digest
from tests.conftest import TZ
from tests.test_figures_sendings import FORM

NOW = datetime(2026, 12, 22, 9, 0, tzinfo=TZ)


def _unreachable_section(units: int, officers: int, locale: str) -> list[str]:
    template, issues = parse_yaml_template(FORM, "so_lieu.yaml")
    assert issues == [] and template is not None
    period = period_by_key(template.period, "2026-H2", TZ)
    names = [f"Đơn vị {n:02d}" for n in range(1, units + 1)]
    unreachable = [
        DigestEntry(number, name, f"Cán bộ {letter}: không gửi được tin nhắn")
        for number, name in enumerate(names, 1)
        for letter in "ABC"[:officers]
    ]
    sections = DigestSections(
        units, [], [], [DigestEntry(i, n) for i, n in enumerate(names, 1)], unreachable
    )
    message = digest(template, period, sections, locale=locale, now=NOW, tz=TZ)
    part = next(p for p in message.text.split("\n\n") if p.startswith(("Không liên", "Could")))
    return part.split("\n")


def test_45_units_with_two_unreachable_officers_each_leave_25_units_unlisted() -> None:
    lines = _unreachable_section(45, 2, "vi")
    assert lines[0] == "Không liên lạc được (45):"
    assert lines[1] == "• Đơn vị 01 – Cán bộ A: không gửi được tin nhắn"
    assert lines[40] == "• Đơn vị 20 – Cán bộ B: không gửi được tin nhắn"
    assert lines[41:] == ["… và 25 đơn vị khác"]


def test_a_unit_is_not_cut_between_its_officers() -> None:
    # 3 officers a unit: 13 units are 39 lines; the 14th would pass 40, so it goes whole.
    lines = _unreachable_section(20, 3, "en")
    assert lines[0] == "Could not be reached (20):"
    assert lines[39] == "• Đơn vị 13 – Cán bộ C: không gửi được tin nhắn"
    assert lines[40:] == ["… more units: 7"]
