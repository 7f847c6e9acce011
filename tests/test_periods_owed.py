"""One rule for which periods a unit owes: only periods whose deadline the form existed before.

The same rule in the officer's menu, /tinhhinh and (through `owed.py`) the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from reportbot.conversation.session import Env, FormOffer, PersonInfo, UnitInfo
from reportbot.owed import is_overdue, is_owed, owed_periods, previous_owed
from reportbot.periods import period_by_key
from tests.conftest import TZ
from tests.test_engine import NQ57_T, Harness

SPEC = NQ57_T.period
H1 = period_by_key(SPEC, "2026-H1", TZ)  # due 20/06/2026, end of day
H2 = period_by_key(SPEC, "2026-H2", TZ)  # due 20/12/2026, end of day


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(
    ("published", "owed"),
    [
        (None, True),  # unknown: every period is owed (the old behaviour)
        (local(2026, 1, 2, 8, 0), True),
        (local(2026, 6, 20, 23, 59), True),  # the deadline day itself: owed
        (local(2026, 6, 21, 0, 0), False),  # the day after: the form did not exist in time
        (local(2026, 11, 30, 9, 0), False),
    ],
)
def test_a_period_is_owed_only_if_the_form_existed_before_its_deadline(
    published: datetime | None, owed: bool
) -> None:
    assert is_owed(H1, published) is owed


def test_the_periods_a_unit_may_file_now() -> None:
    now = local(2026, 11, 30, 9, 0)  # 2026-H2 is current, 2026-H1 is behind
    assert [p.key for p in owed_periods(SPEC, local(2026, 1, 1), now, TZ)] == [
        "2026-H1",
        "2026-H2",
    ]
    assert [p.key for p in owed_periods(SPEC, local(2026, 11, 30), now, TZ)] == ["2026-H2"]
    assert previous_owed(SPEC, local(2026, 11, 30), now, TZ) is None
    assert previous_owed(SPEC, local(2026, 1, 1), now, TZ) == H1
    assert is_overdue(H1, now) and not is_overdue(H2, now)
    assert not is_overdue(H2, local(2026, 12, 20, 23, 59)) and is_overdue(H2, local(2026, 12, 21))


@dataclass
class Published(Harness):
    """The engine harness with a publication time on the form offer."""

    published: datetime | None = None

    def env(self) -> Env:
        unit = UnitInfo(1, "u1", "Đơn vị 1", self.unit_type)
        offers = {NQ57_T.key: FormOffer(NQ57_T, 1, self.published)}
        return Env(self.now, TZ, PersonInfo(7, "Lan", "officer", "vi", unit), offers, self.reports)


def test_the_menu_offers_an_overdue_period_only_if_it_is_owed() -> None:
    now = local(2026, 11, 30, 9, 0)
    old = Published(now=now, published=local(2026, 1, 5, 8, 0))
    menu = old.say("/baocao")
    assert "6 tháng đầu 2026 · quá hạn" in menu and "năm 2026 · chưa làm" in menu
    new = Published(now=now, published=local(2026, 11, 29, 8, 0))  # published yesterday
    opened = new.say("/baocao")
    assert "6 tháng đầu" not in opened  # nobody owes the period before the form
    assert "năm 2026" in opened and "quá hạn" not in opened
