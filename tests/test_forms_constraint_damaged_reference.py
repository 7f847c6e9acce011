"""A constraint that reads a stored answer of the wrong type (old data) waits for that answer
to be corrected, as one reading an unanswered question does: `. <= ${total}` with the total
'ba mươi' would be false whatever the officer types (XPath: a text that is no number is NaN,
never ordered, forms/XPATH.md), so the officer's answer is taken, and judged once the total is
a number again."""

from __future__ import annotations

from pathlib import Path

from tests.test_engine import NQ57_T, Harness
from tests.test_engine_validity import INFORMED, file_report
from tests.test_officer_sweep_repeat_total import opened
from tests.test_repeats import roster

KEY = (NQ57_T.key, "2026-H2")


def test_the_part_is_judged_once_the_damaged_total_is_corrected() -> None:
    bot = Harness()
    file_report(bot, tong_so_can_bo="25", so_can_bo_quan_triet="5")
    bot.reports[KEY].answers["tong_so_can_bo"] = "ba mươi"  # damaged old data
    bot.say(f"/sua {INFORMED}")
    bot.say("20")
    assert bot.reports[KEY].answers["so_can_bo_quan_triet"] == 20  # taken, not refused
    refused = bot.say("/gui")
    assert "Chưa gửi được: 1 câu trả lời không hợp lệ" in refused  # the total only
    assert bot.state.question == "tong_so_can_bo"
    reply = bot.say("10")  # now 20 of 10 breaks the rule the damaged total hid
    assert f"câu {INFORMED}" in reply and "không được lớn hơn tổng số" in reply
    assert bot.state.question == "so_can_bo_quan_triet"
    bot.say("10")
    bot.say("/gui")
    bot.say("có")
    assert bot.reports[KEY].status == "submitted"
    assert bot.reports[KEY].answers["so_can_bo_quan_triet"] == 10


def test_a_sound_total_still_refuses_a_bigger_part_at_once() -> None:
    """Only a stored answer of the wrong type waits: with the total a number, 40 of 25 is
    refused when typed."""
    bot = Harness()
    file_report(bot, tong_so_can_bo="25", so_can_bo_quan_triet="5")
    bot.say(f"/sua {INFORMED}")
    reply = bot.say("40")
    assert "không được lớn hơn tổng số" in reply
    assert bot.reports[KEY].answers["so_can_bo_quan_triet"] == 5
    assert bot.reports[KEY].answers["tong_so_can_bo"] == 25


CLASSES = [
    ["type", "name", "label", "constraint", "constraint_message"],
    ["begin repeat", "lop", "Lớp", None, None],
    ["integer", "tong", "Tổng số học viên", None, None],
    ["integer", "nu", "Số học viên nữ", ". <= ${tong}", "Không được lớn hơn tổng số"],
    ["end repeat", None, None, None, None],
]


def test_inside_a_repeat_too(tmp_path: Path) -> None:
    """Review finding: an entry's constraint reads `tong[1]`, which only the expanded form
    knows; the damaged entry total was not seen as damaged, and every answer was refused."""
    bot = Harness(forms=(roster(tmp_path, CLASSES),))
    opened(bot)
    assert "Số học viên nữ" in bot.say("30")
    (key,) = bot.reports
    bot.reports[key].answers["tong[1]"] = "ba mươi"  # damaged old data
    bot.say("0")
    assert bot.reports[key].answers["nu[1]"] == 0  # taken, not refused
