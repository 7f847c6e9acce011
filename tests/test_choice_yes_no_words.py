"""A choice between a yes and a no reads every way of saying yes or no.

Found by a tester filing a form with a repeat: at "Thêm một mục “Lớp” nữa?" (options "Có, thêm
một mục" / "Không, xong") the officer typed "có" and was told "Xin gõ số thứ tự từ 1 đến 2";
"không" worked, because a label start needs three letters and "co" has two. The next answers
then landed on that question, and the unit filed fewer entries than it meant to. Forms written
by admins have the same shape ("Đã ban hành" / "Chưa ban hành").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportbot.conversation.parsing import AnswerError
from reportbot.conversation.parsing_choices import parse_choice
from tests.test_engine import Harness
from tests.test_officer_sweep_repeat_total import HAMLETS, opened
from tests.test_repeats import roster

MORE = [("yes", ["Có, thêm một mục"]), ("no", ["Không, xong"])]
ISSUED = [("issued", ["Đã ban hành"]), ("not_yet", ["Chưa ban hành"])]
BOTH_START_WITH_CO = [("a", ["Có, đầy đủ"]), ("b", ["Có, một phần"])]
TWO_TIMES = [("one", ["1 lần"]), ("two", ["2 lần"])]


@pytest.mark.parametrize(
    ("typed", "value"),
    [("có", "yes"), ("Có ạ", "yes"), ("c", "yes"), ("ừ", "yes"), ("ko", "no"), ("không", "no")],
)
def test_the_repeat_question_reads_yes_and_no_words(typed: str, value: str) -> None:
    assert parse_choice(typed, MORE) == value


@pytest.mark.parametrize(("typed", "value"), [("có", "issued"), ("ko", "not_yet")])
def test_an_admins_yes_no_choice_reads_them_too(typed: str, value: str) -> None:
    assert parse_choice(typed, ISSUED) == value


def test_done_is_not_read_as_yes_at_add_another() -> None:
    """Review finding: "rồi" (often "done") added an entry; "xong" is the no option's own word."""
    with pytest.raises(AnswerError):
        parse_choice("rồi", MORE)
    assert parse_choice("xong", MORE) == "no"


@pytest.mark.parametrize(("typed", "options"), [("có", BOTH_START_WITH_CO), ("c", TWO_TIMES)])
def test_options_that_are_not_a_yes_and_a_no_stay_strict(typed: str, options: list) -> None:
    with pytest.raises(AnswerError):
        parse_choice(typed, options)


def test_an_officer_adds_an_entry_by_typing_co(tmp_path: Path) -> None:
    bot = Harness(forms=(roster(tmp_path, HAMLETS),))
    opened(bot)
    for typed in ("5", "A"):
        bot.say(typed)
    assert "Thêm một mục “Thôn” nữa?" in bot.say("10")
    added = bot.say("có")
    assert "Thôn 2 – Tên thôn" in added, added
