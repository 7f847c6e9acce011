"""Changing an answer that clears others says which will be cleared and asks first."""

from __future__ import annotations

from reportbot.conversation.state import ConversationState
from tests.support import NQ57_SCRIPT
from tests.test_engine import NQ57_T, Harness

KEY = (NQ57_T.key, "2026-H2")


def started(bot: Harness) -> None:
    bot.say("/baocao")
    bot.say("2")
    for _, typed, _ in NQ57_SCRIPT[:5]:
        bot.say(typed)


def test_the_answers_to_be_cleared_are_listed_and_kept_until_confirmed() -> None:
    bot = Harness()
    started(bot)
    bot.say("/sua 1")
    asked = bot.say("không")
    assert "2 câu sau không còn áp dụng và sẽ bị xoá" in asked
    assert "• 2. Số hiệu kế hoạch" in asked and ": KH-12/HPN" in asked
    assert "• 3. Ngày ban hành kế hoạch" in asked and ": 01/03/2026" in asked
    assert bot.state.mode == "confirm_clear"
    answers = bot.reports[KEY].answers
    assert answers["co_ke_hoach"] == "yes" and answers["so_ke_hoach"] == "KH-12/HPN"
    bot.say("có")
    answers = bot.reports[KEY].answers
    assert answers["co_ke_hoach"] == "no"
    assert "so_ke_hoach" not in answers and "ngay_ke_hoach" not in answers
    assert bot.state.mode == "review"


def test_no_keeps_every_answer_and_asks_the_question_again() -> None:
    bot = Harness()
    started(bot)
    bot.say("/sua 1")
    bot.say("không")
    reply = bot.say("không")
    assert "Đã giữ nguyên câu trả lời cũ." in reply
    assert bot.state.mode == "answering" and bot.state.question == "co_ke_hoach"
    assert bot.reports[KEY].answers["so_ke_hoach"] == "KH-12/HPN"


def test_a_change_that_clears_nothing_is_not_asked() -> None:
    bot = Harness()
    started(bot)
    bot.say("/sua 2")
    bot.say("KH-99")
    assert bot.state.mode == "review"
    assert bot.reports[KEY].answers["so_ke_hoach"] == "KH-99"


def test_moving_on_drops_the_unconfirmed_change_and_it_survives_the_store() -> None:
    bot = Harness()
    started(bot)
    bot.say("/sua 1")
    bot.say("không")
    stored = bot.state.to_dict()
    assert stored["pending"] == ["co_ke_hoach", '"no"']
    assert ConversationState.from_dict(stored) == bot.state
    bot.say("/xemlai")
    assert bot.state.pending is None
    assert bot.reports[KEY].answers["co_ke_hoach"] == "yes"
