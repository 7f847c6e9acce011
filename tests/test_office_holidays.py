"""Reminders keep Vietnam's official days off (and the commune's own), shown in `periods`.

The tables are written by hand from the government's announcements for 2026 and 2027
(Tết Bính Ngọ 16-20/02/2026, Tết Đinh Mùi 04-10/02/2027, Giỗ Tổ 10/3 âm lịch, 30/4, 1/5,
Quốc khánh 2/9 with its second day since 2025), not recomputed by the calendar code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reportbot.config import ConfigError, Settings
from reportbot.forms.loader import load_yaml_template
from reportbot.periods import period_by_key
from reportbot.reminders import policy_from_settings
from reportbot.reminders.days_off import (
    DaysOff,
    DaysOffError,
    parse_extra_days_off,
)
from reportbot.reminders.schedule import Policy, is_deliverable, next_deliverable, slots_for
from tests.conftest import FORMS_DIR
from tests.test_reminders_cli import demo_database, run

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
POLICY = Policy()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ).astimezone(UTC)


def when(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%a %d/%m/%Y %H:%M")


DAYS = [
    # (day, off?) — days off, and the working days right around them
    (date(2026, 1, 1), True),
    (date(2026, 1, 2), False),
    (date(2026, 2, 13), False),  # Friday before Tết: a working day by the calendar
    (date(2026, 2, 16), True),  # 29 Tết (New Year's Eve)
    (date(2026, 2, 17), True),  # mùng 1
    (date(2026, 2, 20), True),  # mùng 4
    (date(2026, 2, 23), False),  # back to work
    (date(2026, 4, 27), True),  # Giỗ Tổ fell on Sunday 26/4: Monday off instead
    (date(2026, 4, 28), False),
    (date(2026, 4, 30), True),
    (date(2026, 5, 1), True),
    (date(2026, 5, 4), False),
    (date(2026, 9, 1), True),  # the second day of National Day
    (date(2026, 9, 2), True),
    (date(2026, 9, 3), False),
    (date(2027, 1, 1), True),
    (date(2027, 2, 4), True),  # 28 Tết
    (date(2027, 2, 10), True),  # mùng 5
    (date(2027, 2, 11), False),
    (date(2027, 4, 16), True),  # Giỗ Tổ
    (date(2027, 4, 30), True),
    (date(2027, 5, 3), True),  # 1/5 fell on Saturday: Monday off
    (date(2027, 5, 4), False),
    (date(2027, 9, 2), True),
    (date(2027, 9, 3), True),
    (date(2027, 9, 6), False),
]


@pytest.mark.parametrize(("day", "off"), DAYS, ids=[str(day) for day, _ in DAYS])
def test_official_days_off(day: date, off: bool) -> None:
    assert DaysOff().is_off(day) is off
    assert is_deliverable(local(day.year, day.month, day.day, 9, 0), POLICY, TZ) is not off


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 4, 29, 20, 30), "Sat 02/05/2026 07:30"),  # 30/4, 1/5 off; Saturday works
        (local(2026, 2, 15, 10, 0), "Sat 21/02/2026 07:30"),  # Sunday, then Tết 16-20
        (local(2027, 2, 3, 21, 0), "Thu 11/02/2027 07:30"),  # Tết 4-10/02/2027
        (local(2026, 8, 30, 9, 0), "Thu 03/09/2026 07:30"),  # Sun, 31/8 swapped, 1/9, 2/9
        (local(2026, 6, 10, 9, 0), "Wed 10/06/2026 09:00"),  # an ordinary Wednesday
    ],
)
def test_next_deliverable_skips_days_off(moment: datetime, expected: str) -> None:
    assert when(next_deliverable(moment, POLICY, TZ)) == expected


def test_extra_days_off_are_added() -> None:
    extra = parse_extra_days_off("2026-02-21..2026-02-22=Nghỉ Tết bổ sung, 2026-06-10")
    assert extra == {
        date(2026, 2, 21): "Nghỉ Tết bổ sung",
        date(2026, 2, 22): "Nghỉ Tết bổ sung",
        date(2026, 6, 10): "",
    }
    policy = replace(POLICY, days_off=DaysOff(extra=extra))
    assert when(next_deliverable(local(2026, 2, 15, 10, 0), policy, TZ)) == "Mon 23/02/2026 07:30"
    assert when(next_deliverable(local(2026, 6, 10, 9, 0), policy, TZ)) == "Thu 11/06/2026 07:30"
    assert policy.days_off.name(date(2026, 6, 10)) == "Ngày nghỉ của đơn vị"


@pytest.mark.parametrize(
    ("text", "quoted", "vietnamese"),
    [
        ("2026-13-01", "2026-13-01", "ngày không hợp lệ"),
        ("2026-02-20, tết", "tết", "không hiểu"),
        ("2026-02-22..2026-02-20", "2026-02-22..2026-02-20", "ngược chiều"),
        ("2026-01-01..2026-03-01", "2026-01-01..2026-03-01", "dài quá 31 ngày"),
    ],
)
def test_wrong_extra_days_are_named(text: str, quoted: str, vietnamese: str) -> None:
    with pytest.raises(DaysOffError) as caught:
        parse_extra_days_off(text)
    message = str(caught.value)
    assert message.startswith("REPORTBOT_EXTRA_DAYS_OFF: ") and vietnamese in message
    assert quoted in message and " (" not in message  # no English beside the Vietnamese
    english = caught.value.text("en")
    assert quoted in english and vietnamese not in english and english != message
    assert isinstance(caught.value, ConfigError)


def test_a_calendar_without_working_days_is_refused_not_looped_forever() -> None:
    first_days = parse_extra_days_off(
        ", ".join(f"2026-{month:02d}-01..2026-{month:02d}-28" for month in range(1, 13))
    )
    policy = replace(POLICY, rest_weekdays=frozenset({0, 1, 2, 3, 4, 5}))
    policy = replace(policy, days_off=DaysOff(extra=first_days))
    # Sundays 1, 8, 15 and 22 March are days off: the first Sunday left is the 29th.
    assert when(next_deliverable(local(2026, 3, 1, 9), policy, TZ)) == "Sun 29/03/2026 07:30"
    whole_year = parse_extra_days_off(
        ", ".join(f"2026-{month:02d}-01..2026-{month:02d}-{28}" for month in range(1, 13))
        + ", "
        + ", ".join(f"2026-{month:02d}-29..2026-{month:02d}-30" for month in (1, *range(3, 13)))
        + ", 2026-01-31, 2026-03-31, 2026-05-31, 2026-07-31, 2026-08-31, 2026-10-31, 2026-12-31"
        + ", 2027-01-01..2027-01-10"
    )
    policy = replace(policy, days_off=DaysOff(extra=whole_year))
    with pytest.raises(ValueError, match="no working day"):
        next_deliverable(local(2026, 1, 1, 9), policy, TZ)


def test_a_month_of_reminders_around_30_4() -> None:
    template, _ = load_yaml_template(FORMS_DIR / "example_monthly.yaml")
    assert template is not None
    period = period_by_key(template.period, "2026-04", TZ)  # due Saturday 25/04/2026
    slots = {slot.kind: when(slot.due_at) for slot in slots_for(template, period, POLICY, TZ)}
    assert slots["d-0"] == "Sat 25/04/2026 07:30"
    assert slots["late-1"] == "Tue 28/04/2026 07:30"  # Mon 27/04: Giỗ Tổ's day off
    assert slots["late-3"] == "Sat 02/05/2026 07:30"  # Fri 01/05
    assert slots["digest-after"] == "Tue 28/04/2026 07:30"  # Sun 26/04, then Mon 27/04


def test_policy_reads_the_extra_days_from_the_settings() -> None:
    env = {"REPORTBOT_EXTRA_DAYS_OFF": "2026-06-10=Đại hội"}
    policy = policy_from_settings(Settings(env=env))
    assert policy.days_off.is_off(date(2026, 6, 10)) and policy.days_off.is_off(date(2026, 9, 2))
    with pytest.raises(ConfigError, match="2026-06-31"):
        policy_from_settings(Settings(env={"REPORTBOT_EXTRA_DAYS_OFF": "2026-06-31"}))


async def test_periods_lists_the_days_off(
    database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    await demo_database(database_url)
    env = {"REPORTBOT_EXTRA_DAYS_OFF": "2026-04-23=Đại hội Đoàn xã"}
    settings = Settings(database_url=database_url, forms_dir=FORMS_DIR, env=env)
    assert (
        await run(["periods", "bao_cao_nhanh_cds_hang_thang", "--at", "2026-04-10"], settings) == 0
    )
    out = capsys.readouterr().out
    assert (
        "    ngày nghỉ     23/04 Đại hội Đoàn xã, 26/04 Ngày Giỗ Tổ Hùng Vương, "
        "27/04 Ngày Giỗ Tổ Hùng Vương (nghỉ bù), 30/04 Ngày Chiến thắng, "
        "01/05 Ngày Quốc tế Lao động"
    ) in out
    assert "quá hạn lần 1: 07:30 28/04" in out  # time first, as the vocabulary writes it
