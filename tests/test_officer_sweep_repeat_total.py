"""A form with repeats says why its question total moved ("Câu 4/5", then "Câu 5/8").

Found filing a form with a repeat of hamlets ("Thêm một mục “Thôn” nữa?"): the headings read
"Câu 4/5", then "Câu 5/8" after "Có, thêm một mục", and "Câu 5/5" after going back and
answering "Không"; a count answered first ("Số người trong hộ: 2") turned "Câu 1/1" into
"Câu 2/7", after an intro that said the form had 1 question. The numbers are the ones /sua
and the review use (every entry written out), so they stay; what changes is that the total
never moves without a word: the first question after the entries changed says how many
questions came or went and for which entry, and the intro says the total grows per entry.
"""

from __future__ import annotations

from pathlib import Path

from tests.test_engine import Harness
from tests.test_repeats import ROSTER, roster, with_calc

HAMLETS = [
    ["type", "name", "label"],
    ["integer", "so_ho", "Số hộ"],
    ["begin repeat", "thon", "Thôn"],
    ["text", "ten_thon", "Tên thôn"],
    ["integer", "dan_so", "Dân số"],
    ["end repeat", None, None],
    ["text", "ghi_chu", "Ghi chú"],
]


def opened(bot: Harness) -> str:
    """/baocao, then the current period (the first half is listed first, overdue)."""
    menu = bot.say("/baocao")
    assert "2. năm 2026" in menu, menu
    return bot.say("2")


def test_an_entry_added_or_taken_away_is_said_next_to_the_total(tmp_path: Path) -> None:
    bot = Harness(forms=(roster(tmp_path, HAMLETS),))
    intro = opened(bot)
    assert "Gồm 5 câu hỏi (thêm câu cho mỗi mục “Thôn”)" in intro and "Câu 1/5\n" in intro
    for typed in ("5", "A"):
        bot.say(typed)
    assert "Câu 4/5\nThêm một mục “Thôn” nữa? (đã có 1)" in bot.say("10")
    added = bot.say("1")  # "Có, thêm một mục"
    assert "Câu 5/8 – thêm 3 câu cho Thôn 2\nThôn 2 – Tên thôn" in added, added
    assert "Câu 6/8\nThôn 2 – Dân số" in bot.say("B")  # said once, not on every question
    back = bot.say("/quaylai")
    assert "Câu 5/8\nThôn 2 – Tên thôn" in back, back
    bot.say("/quaylai")
    assert "sẽ bị xoá" in bot.say("2")  # "Không, xong": the second hamlet's answer goes
    fewer = bot.say("1")  # yes, change it
    assert "Câu 5/5 – bớt 3 câu (bỏ Thôn 2)\nGhi chú" in fewer, fewer


def test_a_count_answered_first_names_the_entries_it_adds(tmp_path: Path) -> None:
    bot = Harness(forms=(roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})")),))
    intro = opened(bot)
    assert "Gồm 1 câu hỏi (thêm câu cho mỗi mục “Thành viên”)" in intro, intro
    asked = bot.say("2")
    assert "Câu 2/7 – thêm 6 câu cho Thành viên 1, Thành viên 2\nThành viên 1 – Họ tên" in asked
    assert "Câu 3/7\n" in bot.say("An")
    # /sua names the same numbers the headings showed
    edit = bot.say("/sua 5")
    assert "Câu 5/7\nThành viên 2 – Họ tên" in edit, edit


def test_in_english_too(tmp_path: Path) -> None:
    bot = Harness(forms=(roster(tmp_path, HAMLETS),), locale="en")
    intro = opened_en(bot)
    assert "Questions: 5 (more for each “Thôn” entry)." in intro, intro
    for typed in ("5", "A", "10"):
        bot.say(typed)
    assert "Question 5/8 – questions added for Thôn 2: 3\n" in bot.say("1")


# A count-driven repeat of one question each, then a note: every count below is 1.
ONE_EACH = [
    ["type", "name", "label", "repeat_count"],
    ["integer", "so_nguoi", "Số người trong hộ", None],
    ["begin repeat", "thanh_vien", "Thành viên", "${so_nguoi}"],
    ["text", "ho_ten", "Họ tên", None],
    ["end repeat", None, None, None],
]


def test_a_count_of_one_reads_in_english(tmp_path: Path) -> None:
    # Review finding: "1 questions (more for each … entry)", "1 more questions for Member 1",
    # "1 questions fewer": the count now follows a colon, as the reminders' "Days overdue: 1".
    bot = Harness(forms=(roster(tmp_path, ONE_EACH),), locale="en")
    intro = opened_en(bot)
    assert "Questions: 1 (more for each “Thành viên” entry)." in intro, intro
    added = bot.say("1")
    assert "Question 2/2 – questions added for Thành viên 1: 1\nThành viên 1 – Họ tên" in added
    with_note = [*ONE_EACH, ["text", "ghi_chu", "Ghi chú", None]]
    bot = Harness(forms=(roster(tmp_path, with_note),), locale="en")
    assert "Questions: 2 (more for each “Thành viên” entry)." in opened_en(bot)
    bot.say("1")
    bot.say("An")
    bot.say("/back")
    bot.say("/back")
    bot.say("0")  # no member after all: An's answer goes
    fewer = bot.say("1")  # yes, change it
    assert "Question 2/2 – questions removed with Thành viên 1: 1\nGhi chú" in fewer, fewer


def opened_en(bot: Harness) -> str:
    """/report, then the current period (listed second, after the overdue one)."""
    assert "2. year 2026" in bot.say("/report")
    return bot.say("2")


def test_both_notes_share_one_bracket(tmp_path: Path) -> None:
    # Review finding: "Gồm 4 câu hỏi (có câu chỉ hỏi tùy câu trả lời trước) (thêm câu cho mỗi
    # mục “Thôn”)": two brackets in a row. Numbered by hand: so_ho 1, ly_do 2, ten_thon 3,
    # "Thêm một mục “Thôn” nữa?" 4.
    survey = [
        ["type", "name", "label", "relevant"],
        ["integer", "so_ho", "Số hộ", None],
        ["text", "ly_do", "Vì sao không có hộ nào?", "${so_ho} = 0"],
        ["begin repeat", "thon", "Thôn", None],
        ["text", "ten_thon", "Tên thôn", None],
        ["end repeat", None, None, None],
    ]
    intro = opened(Harness(forms=(roster(tmp_path, survey),)))
    assert (
        "Gồm 4 câu hỏi (có câu chỉ hỏi tùy câu trả lời trước; thêm câu cho mỗi mục “Thôn”). "
        in intro
    ), intro
    intro = opened_en(Harness(forms=(roster(tmp_path, survey),), locale="en"))
    assert (
        "Questions: 4 (some asked only depending on earlier answers; more for each “Thôn” "
        "entry). " in intro
    ), intro


def test_many_entries_are_named_as_a_range(tmp_path: Path) -> None:
    # Review finding: 50 members named every one in the heading ("Thành viên 1, …, Thành viên
    # 50"). Up to three are named; more read as a range. By hand: so_nguoi, then 3 questions
    # for each member (the note is not numbered): 1 + 3 × 50 = 151; 1 + 3 × 3 = 10.
    form = roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})"))
    bot = Harness(forms=(form,))
    opened(bot)
    asked = bot.say("50")
    assert "Câu 2/151 – thêm 150 câu cho Thành viên 1–50\nThành viên 1 – Họ tên" in asked, asked
    bot = Harness(forms=(form,), locale="en")
    opened_en(bot)
    asked = bot.say("3")
    assert (
        "Question 2/10 – questions added for Thành viên 1, Thành viên 2, Thành viên 3: 9\n" in asked
    ), asked
