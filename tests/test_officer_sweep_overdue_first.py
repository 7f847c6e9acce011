"""The /baocao menu lists a report still owed past its deadline before the current one.

Found as an officer of the Women's Union on 26/11/2026 who never sent the first half's report
(due 20/06/2026): /baocao listed "1. năm 2026 · chưa làm" then "2. 6 tháng đầu 2026 · quá
hạn"; a quick "1" opened the current report and the overdue one stayed forgotten below it,
while the reminders were about the overdue one. Now the overdue report is number 1, and a
line above the buttons says it is overdue, by how many days and since which deadline (as the
reminders word it). A report sent, or not yet due, is no longer named so.
"""

from __future__ import annotations

from datetime import datetime

from reportbot.service import ConversationService
from tests.conftest import FakeClock
from tests.support import NQ57_SCRIPT, Chat

# 20/06/2026 to 26/11/2026, counted by hand: 10 + 31 + 31 + 30 + 31 + 26 days.
OVERDUE_LINE = "⏰ Số 1 (6 tháng đầu năm 2026) quá hạn 159 ngày (hạn 20/06/2026): nên làm trước."


async def test_the_overdue_report_comes_first_and_says_since_when(
    service: ConversationService,
) -> None:
    officer = Chat(service, "u-hoiphunu")
    menu = await officer.say("/baocao")
    lines = menu.splitlines()
    assert lines[0] == "Chọn báo cáo cần làm:" and lines[1] == OVERDUE_LINE, menu
    assert menu.index("1. 6 tháng đầu 2026 · quá hạn") < menu.index("2. năm 2026 · chưa làm")
    opened = await officer.say("1")
    assert "6 tháng đầu năm 2026" in opened and "đã quá hạn (20/06/2026)" in opened, opened


async def test_an_overdue_draft_stays_first(service: ConversationService) -> None:
    officer = Chat(service, "u-hoiphunu")
    await officer.say("/baocao")
    await officer.say("1")  # the first half, overdue
    await officer.say("có")
    await officer.say("/huy")
    menu = await officer.say("/baocao")
    assert OVERDUE_LINE in menu, menu
    assert "1. 6 tháng đầu 2026 · còn " in menu and "2. năm 2026 · chưa làm" in menu


async def test_once_sent_the_current_report_opens_alone(service: ConversationService) -> None:
    officer = Chat(service, "u-hoiphunu")
    await officer.say("/baocao")
    await officer.say("1")  # the first half, overdue
    for _, typed, _ in NQ57_SCRIPT:
        await officer.say(typed)
    await officer.say("/gui")
    assert "✅ Đã gửi" in await officer.say("có")
    opened = await officer.say("/baocao")  # the first half is sent: only this year's is left
    assert "Chọn báo cáo" not in opened and "quá hạn" not in opened
    assert "năm 2026" in opened, opened


async def test_in_english_too(service: ConversationService) -> None:
    officer = Chat(service, "u-hoiphunu")
    replies = await officer.send("/report", language_code="en")
    text = replies[0].text
    assert "⏰ No. 1 (first half of 2026) – days overdue: 159 (due 20/06/2026)" in text, text


async def test_one_day_overdue_in_english(service: ConversationService, clock: FakeClock) -> None:
    # Review finding: "is 1 days overdue"; the count follows a colon, as in the reminders.
    clock.set_local(datetime(2026, 6, 21, 10, 0))  # the day after the first half's deadline
    officer = Chat(service, "u-hoiphunu")
    menu = await officer.say("/baocao")
    assert "⏰ Số 1 (6 tháng đầu năm 2026) quá hạn 1 ngày (hạn 20/06/2026)" in menu, menu
    replies = await officer.send("/report", language_code="en")
    text = replies[0].text
    line = "⏰ No. 1 (first half of 2026) – days overdue: 1 (due 20/06/2026): do it first."
    assert line in text.splitlines(), text
