"""Figures in what an officer reads, against values written by hand: the length a text answer
needs or may not pass (with the reader's thousands separator, counted in letters as typed
whatever the keyboard's Unicode form), how many optional questions are left when a report is
taken up again, and a reminder's "còn N ngày" / "Quá hạn N ngày" on the Vietnamese calendar
around midnight (17:00 UTC).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

import pytest

from reportbot.forms.loader import parse_yaml_template
from reportbot.forms.schema import FormTemplate
from reportbot.periods import period_by_key
from reportbot.reminders.messages import officer_reminder
from tests.test_engine import TZ, Harness

FORM = """
key: y_kien
title: {vi: Báo cáo ý kiến, en: Comments report}
period: {kind: monthly, deadlines: ["25"]}
questions:
  - {id: so, type: integer, required: true, label: {vi: Số cán bộ, en: Staff}}
  - {id: ten, type: text, min: 14, max: 2000, label: {vi: Tên mô hình, en: Model name}}
  - {id: bai, type: long_text, min: 1000, label: {vi: Bài viết, en: Article}}
  - {id: ghi, type: text, label: {vi: Ghi chú, en: Note}}
"""
# "Thiếu máy tính": 14 letters. Typed on a keyboard that sends decomposed Unicode (NFD: "ế"
# as e + circumflex + acute), the same words are 18 code points; "Thiếu máy tín" is 13
# letters, 17 code points. The bound counts letters.
FOURTEEN = "Thiếu máy tính"
THIRTEEN = "Thiếu máy tín"
REFUSALS = {  # (locale, what is typed at which question) -> the reply, by hand
    ("vi", "ten", "short"): "Câu trả lời cần ít nhất 14 ký tự.",
    ("en", "ten", "short"): "The answer needs at least 14 characters.",
    ("vi", "ten", "long"): "Câu trả lời dài quá: tối đa 2.000 ký tự.",
    ("en", "ten", "long"): "The answer is too long: at most 2,000 characters.",
    ("vi", "bai", "short"): "Câu trả lời cần ít nhất 1.000 ký tự.",
    ("en", "bai", "short"): "The answer needs at least 1,000 characters.",
    ("vi", "ghi", "long"): "Câu trả lời dài quá: tối đa 500 ký tự.",  # a text's own limit
    ("en", "ghi", "long"): "The answer is too long: at most 500 characters.",
}


def template() -> FormTemplate:
    found, issues = parse_yaml_template(FORM)
    assert found is not None and not issues, issues
    return found


def opened(locale: str) -> Harness:
    """This month's report opened and question 1 answered: question 2 is asked (the overdue
    November report is listed first, so this month's is "2")."""
    bot = Harness(forms=(template(),), locale=locale)
    bot.say("/baocao")
    bot.say("2")
    assert bot.say("5").startswith(("Câu 2/4", "Question 2/4"))
    return bot


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_length_bounds_say_their_number_and_count_letters(locale: str) -> None:
    bot = opened(locale)
    assert bot.say(unicodedata.normalize("NFD", THIRTEEN)) == REFUSALS[locale, "ten", "short"]
    assert bot.say("x" * 2001) == REFUSALS[locale, "ten", "long"]
    assert bot.say(unicodedata.normalize("NFD", FOURTEEN)).startswith(("Câu 3/4", "Question 3/4"))
    assert bot.say("x" * 999) == REFUSALS[locale, "bai", "short"]
    assert bot.say("x" * 1000).startswith(("Câu 4/4", "Question 4/4"))
    assert bot.say("x" * 501) == REFUSALS[locale, "ghi", "long"]
    (view,) = bot.reports.values()
    assert view.answers["ten"] == FOURTEEN and len(view.answers["bai"]) == 1000


RESUMED = {  # 2 answered (1 and 2), nothing required missing, 3 and 4 (optional) empty
    "vi": "Tiếp tục “Báo cáo ý kiến” – tháng 12 năm 2026: đã trả lời 2 câu, đủ các câu bắt "
    "buộc; 2 câu không bắt buộc còn để trống.",
    "en": "Resuming Comments report – December 2026: 2 answered, all required answers given; "
    "optional questions left empty: 2.",
}


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_taken_up_again_the_optional_questions_left_are_counted(locale: str) -> None:
    bot = opened(locale)
    bot.say(FOURTEEN)
    bot.say("/boqua")  # 3 skipped; 4 asked, not answered
    reply = bot.say("/start").split("\n\n")
    assert reply[1] == RESUMED[locale]


# Deadline of 2026-12: the end of 25/12/2026 in Vietnam (16:59:59 UTC). Each moment is on the
# Vietnamese wall clock; its UTC date is a day earlier from 00:00 to 06:59.
HEADS = {
    (datetime(2026, 12, 24, 0, 5), "vi"): "🔔 Nhắc nộp báo cáo: Báo cáo ý kiến – tháng 12 năm "
    "2026.\nHạn nộp: 25/12/2026 (còn 1 ngày).",
    (datetime(2026, 12, 24, 23, 55), "en"): "🔔 Report reminder: Comments report – December "
    "2026.\nDue: 25/12/2026 (days left: 1).",
    (datetime(2026, 12, 18, 6, 30), "vi"): "🔔 Nhắc nộp báo cáo: Báo cáo ý kiến – tháng 12 năm "
    "2026.\nHạn nộp: 25/12/2026 (còn 7 ngày).",
    (datetime(2026, 12, 25, 0, 30), "vi"): "🔔 Hôm nay (25/12/2026) là hạn cuối nộp: Báo cáo ý "
    "kiến – tháng 12 năm 2026.",
    (datetime(2026, 12, 25, 23, 59), "en"): "🔔 Today (25/12/2026) is the deadline of: Comments "
    "report – December 2026.",
    (datetime(2026, 12, 26, 0, 10), "vi"): "⏰ Quá hạn 1 ngày (hạn 25/12/2026): Báo cáo ý kiến – "
    "tháng 12 năm 2026.",
    (datetime(2026, 12, 26, 0, 10), "en"): "⏰ Days overdue: 1 (due 25/12/2026): Comments report "
    "– December 2026.",
    (datetime(2026, 12, 28, 8, 0), "vi"): "⏰ Quá hạn 3 ngày (hạn 25/12/2026): Báo cáo ý kiến – "
    "tháng 12 năm 2026.",
}


@pytest.mark.parametrize(("moment", "locale"), list(HEADS))
def test_a_reminder_counts_days_on_the_vietnamese_calendar(moment: datetime, locale: str) -> None:
    form = template()
    period = period_by_key(form.period, "2026-12", TZ)
    reminder = officer_reminder(
        form,
        period,
        unit_name="Đơn vị 1",
        locale=locale,
        now=moment.replace(tzinfo=TZ),
        tz=TZ,
        progress=(2, 4),
    )
    lines = reminder.text.splitlines()
    head = HEADS[moment, locale]
    assert "\n".join(lines[: head.count("\n") + 1]) == head
    draft = {
        "vi": "Đơn vị 1 đã trả lời 2 câu, còn 2 câu chưa trả lời.",
        "en": "Đơn vị 1: questions answered: 2; still to answer: 2.",
    }[locale]
    assert draft in reminder.text


COUNTED = """
key: hop
title: {vi: Báo cáo họp, en: Meetings report}
period: {kind: monthly, deadlines: ["25"]}
questions:
  - {id: co_hop, type: yes_no, required: true, label: {vi: "Có họp không?", en: "Any meetings?"}}
  - {id: so_buoi, type: integer, required: true, relevant: "${co_hop} = 'yes'",
     label: {vi: Số buổi họp, en: Meetings}}
  - {id: so_can_bo, type: integer, required: true, label: {vi: Số cán bộ, en: Staff}}
  - {id: so_du, type: integer, required: true, constraint: ". <= ${so_can_bo}",
     constraint_message: {vi: Không quá số cán bộ, en: At most the staff},
     label: {vi: Số cán bộ dự, en: Staff present}}
"""
# Yes, 3 meetings, 10 staff, 8 present; then staff 5 (8 present breaks the rule), then "no
# meetings" (answer 2 no longer applies): one answer removed, one answer breaking a rule.
TYPED = {"vi": ["có", "3", "10", "8"], "en": ["yes", "3", "10", "8"]}
NO = {"vi": "không", "en": "no"}
GONE = {"vi": "• 2. Số buổi họp: 3", "en": "• 2. Meetings: 3"}
COUNTS = {
    "vi": (
        "Đổi câu trả lời này thì 1 câu sau không còn áp dụng và sẽ bị xoá:",
        "Có 1 câu trả lời chưa hợp lệ (đánh dấu ⚠️), cần sửa trước khi gửi.",
        "Chưa gửi được: 1 câu trả lời không hợp lệ:",
    ),
    "en": (
        "With this change, answers that no longer apply will be removed (1):",
        "Answers that break the form's rules: 1 (marked ⚠️); correct them before sending.",
        "Not sent yet: answers that break the form's rules (1):",
    ),
}


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_answers_removed_and_rules_broken_are_counted(locale: str) -> None:
    form, issues = parse_yaml_template(COUNTED)
    assert form is not None and not issues, issues
    bot = Harness(forms=(form,), locale=locale)
    bot.say("/baocao")
    bot.say("1")
    for typed in TYPED[locale]:
        bot.say(typed)
    bot.say("/sua 3")
    bot.say("5")
    bot.say("/sua 1")
    removed, review, refused = COUNTS[locale]
    assert bot.say(NO[locale]).splitlines()[:2] == [removed, GONE[locale]]
    bot.say("1")  # yes, make the change
    assert review in bot.say("/xemlai").splitlines()
    assert bot.say("/gui").splitlines()[0] == refused


BOUNDED = """
key: so
title: {vi: Báo cáo số, en: Numbers report}
period: {kind: monthly, deadlines: ["25"]}
questions:
  - {id: a, type: integer, required: true, min: 0, max: 1000000, label: {vi: Kinh phí, en: Funds}}
  - {id: b, type: decimal, required: true, min: 0.5, label: {vi: Diện tích, en: Area}}
  - {id: c, type: decimal, required: true, max: 99.5, label: {vi: Tỷ lệ, en: Rate}}
"""
# (typed, the reply) in order; each bound written as the reader writes numbers.
BOUNDS = {
    "vi": [
        ("1000001", "Xin nhập số từ 0 đến 1.000.000."),
        ("-1", "Xin nhập số từ 0 đến 1.000.000."),
        ("1.000.000", "Câu 2/3"),
        ("0,4", "Xin nhập số từ 0,5 trở lên."),
        ("0,5", "Câu 3/3"),
        ("99,6", "Xin nhập số không quá 99,5."),
    ],
    "en": [
        ("1000001", "Please enter a number from 0 to 1,000,000."),
        ("-1", "Please enter a number from 0 to 1,000,000."),
        ("1,000,000", "Question 2/3"),
        ("0.4", "Please enter 0.5 or more."),
        ("0.5", "Question 3/3"),
        ("99.6", "Please enter at most 99.5."),
    ],
}


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_number_bounds_say_their_numbers(locale: str) -> None:
    form, issues = parse_yaml_template(BOUNDED)
    assert form is not None and not issues, issues
    bot = Harness(forms=(form,), locale=locale)
    bot.say("/baocao")
    bot.say("1")
    for typed, expected in BOUNDS[locale]:
        assert bot.say(typed).splitlines()[0] == expected, typed
