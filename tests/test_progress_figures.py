"""Every figure about a report's progress agrees (usertry4): the question heading "Câu N/T"
names a question of the form (N its number, T the form's numbered questions); the reminder,
"Tiếp tục …" and the report chooser count answers among the questions this unit is asked
("đã trả lời 2 câu, còn 2 câu"), all from `navigation.count_answered`. Before, the reminder
said "2/4 câu" beside a heading "Câu 5/6": two fractions over different totals.

The form below is written here and its figures by hand: a note (not a question), a yes/no
whose "Không" hides questions 2 and 3, an optional question 4 left empty, questions 5 and 6,
and a calculation (not a question). Numbered questions: 6. Asked after "Không": 1, 4, 5, 6.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.conversation import navigation as nav
from reportbot.conversation.report import unit_facts
from reportbot.forms.loader import parse_yaml_template
from reportbot.periods import period_by_key
from reportbot.reminders.messages import officer_reminder
from tests.test_engine import TZ, Harness

FORM = """
key: thu
title: {vi: Báo cáo thử}
period: {kind: monthly, deadlines: ["25"]}
questions:
  - {id: loi_chao, type: note, label: {vi: Mời anh/chị trả lời.}}
  - {id: co_hop, type: yes_no, required: true, label: {vi: "Có họp không?"}}
  - {id: so_buoi, type: integer, required: true, relevant: "${co_hop} = 'yes'",
     label: {vi: Số buổi họp}}
  - {id: so_nguoi, type: integer, required: true, relevant: "${co_hop} = 'yes'",
     label: {vi: Số người dự}}
  - {id: ghi_chu, type: text, label: {vi: Ghi chú}}
  - {id: so_can_bo, type: integer, required: true, label: {vi: Số cán bộ}}
  - {id: so_tin, type: integer, required: true, label: {vi: Số tin bài}}
calculations:
  - {name: tong, calculation: "${so_can_bo} + ${so_tin}", label: Tổng}
"""


def _template():
    template, issues = parse_yaml_template(FORM)
    assert template is not None and not issues, issues
    return template


def heading(text: str) -> str:
    """The "Câu N/T" heading of the question asked last."""
    return re.findall(r"Câu \d+/\d+", text)[-1]


def _opened() -> Harness:
    bot = Harness(forms=(_template(),))
    bot.say("/baocao")
    assert heading(bot.say("2")) == "Câu 1/6"  # this month's report (after last month's)
    return bot


def test_the_heading_the_reminder_and_the_resume_line_agree() -> None:
    bot = _opened()
    assert heading(bot.say("Không")) == "Câu 4/6"  # 2 and 3 hidden, keep their numbers
    assert heading(bot.say("/boqua")) == "Câu 5/6"  # the optional note left empty
    assert heading(bot.say("3")) == "Câu 6/6"
    bot.say("/huy")
    (view,) = bot.reports.values()
    template = view.template
    counted = nav.answered_count(template, view.answers, unit_facts(None, view.period_key))
    assert counted == (2, 4) and counted.left == 2  # asked 1, 4, 5, 6; answered 1 and 5
    # the reminder, with the figures the reminder worker reads from the stored draft
    period = period_by_key(template.period, view.period_key, TZ)
    reminder = officer_reminder(
        template,
        period,
        unit_name="Đơn vị 1",
        locale="vi",
        now=bot.now,
        tz=TZ,
        progress=counted,
    )
    assert "Đơn vị 1 đã trả lời 2 câu, còn 2 câu chưa trả lời." in reminder.text
    # no second fraction over another total beside the heading's "Câu 6/6"
    assert not re.search(r"\b\d+/\d+ câu", reminder.text)
    assert "tháng 12/2026 · còn 2 câu" in bot.say("/baocao")  # the chooser's label
    resumed = bot.say("/tieptuc")
    # the two left are 4 (the optional one skipped) and 6, where the officer stopped with
    # /huy: /tieptuc goes back there, not to the question they had skipped
    assert "đã trả lời 2 câu, còn 2 câu." in resumed and heading(resumed) == "Câu 6/6"


@settings(max_examples=25, deadline=None)
@given(meeting=st.booleans(), note=st.booleans(), stop=st.integers(min_value=0, max_value=6))
def test_the_count_is_the_questions_asked(meeting: bool, note: bool, stop: int) -> None:
    """Walking the form: `total` is how many question headings were shown, `done` how many
    of them got an answer; stopping early never makes done exceed total."""
    bot = _opened()
    asking, shown, answered = 1, 1, 0
    while asking and shown <= stop:
        typed = "4"
        if asking == 1:
            typed = "Có" if meeting else "Không"
        elif asking == 4:
            typed = "một ghi chú" if note else "/boqua"
        answered += typed != "/boqua"
        found = re.findall(r"Câu (\d+)/6", bot.say(typed))
        asking = int(found[-1]) if found else 0  # none: the review, every question asked
        shown += bool(asking)
    (view,) = bot.reports.values()
    counted = nav.answered_count(view.template, view.answers, unit_facts(None, view.period_key))
    asked = 4 + 2 * (meeting and stop > 0)  # the questions this unit is asked, by hand
    assert counted.total == asked and 0 <= counted.done <= counted.total
    assert counted.done == answered
    if not asking:  # walked to the end: a heading for each question asked
        assert shown == asked
