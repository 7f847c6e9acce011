"""A message written before the question now asked was shown never answers that question.

After a crash the bot handles an answer the platform had already delivered; the officer, who
saw no reply, typed it again. Without this rule the copy answered the next question (the
kill -9 drill found "so_video_web=3": the retyped answer of the question before).
"""

from __future__ import annotations

from datetime import timedelta

from tests.support import NQ57_SCRIPT
from tests.test_engine import NQ57_T, Harness

KEY = (NQ57_T.key, "2026-H2")
VIDEOS = 6  # so_video_web, asked after so_infographic_web ("3")
SECTION = 3  # chuyen_muc_web, a question with buttons


def _at(index: int) -> Harness:
    bot = Harness()
    bot.say("/baocao")
    bot.say("1")
    for _, typed, _ in NQ57_SCRIPT[:index]:
        bot.say(typed)
    assert bot.state.question == NQ57_SCRIPT[index][0]
    return bot


def test_a_copy_typed_before_the_question_appeared_is_not_taken_and_the_question_is_asked() -> None:
    bot = _at(VIDEOS)
    asked = bot.state.asked_at
    assert asked == bot.now
    bot.now += timedelta(seconds=7)  # the bot came back; the copy was typed before it asked
    copy = NQ57_SCRIPT[VIDEOS - 1][1]
    reply = bot.say(copy, received_at=asked - timedelta(seconds=3))
    assert f"Tin nhắn «{copy}» được gửi trước khi câu hỏi dưới đây hiện ra" in reply
    assert "Câu 7/" in reply, "the question is asked again"
    assert bot.state.question == NQ57_SCRIPT[VIDEOS][0], "still the same question"
    assert NQ57_SCRIPT[VIDEOS][0] not in bot.reports[KEY].answers
    assert bot.state.asked_at == asked, "asking again does not move the time it was shown"


def test_an_answer_written_after_the_question_appeared_is_taken() -> None:
    bot = _at(VIDEOS)
    qid, typed, expected = NQ57_SCRIPT[VIDEOS]
    bot.now += timedelta(seconds=5)
    bot.say(typed, received_at=bot.state.asked_at + timedelta(seconds=1))
    assert bot.reports[KEY].answers[qid] == expected
    assert bot.state.question == NQ57_SCRIPT[VIDEOS + 1][0]
    assert bot.state.asked_at == bot.now, "the next question is shown now"


def test_within_the_clock_margin_an_answer_is_taken() -> None:
    """Telegram gives whole seconds and clocks differ a little: a second early is normal."""
    bot = _at(VIDEOS)
    qid, typed, expected = NQ57_SCRIPT[VIDEOS]
    bot.say(typed, received_at=bot.state.asked_at - timedelta(seconds=1))
    assert bot.reports[KEY].answers[qid] == expected


def test_a_button_press_carries_its_question_whatever_its_time() -> None:
    bot = _at(SECTION)
    qid, _, expected = NQ57_SCRIPT[SECTION]
    old = bot.state.asked_at - timedelta(minutes=5)
    replies = bot.send(choice=expected, received_at=old)
    assert all("được gửi trước khi" not in r.text for r in replies)
    assert bot.reports[KEY].answers[qid] == expected


def test_the_time_a_question_was_asked_survives_the_store() -> None:
    bot = _at(VIDEOS)
    stored = bot.state.to_dict()
    assert type(bot.state).from_dict(stored).asked_at == bot.state.asked_at
    stored["asked"] = "not a time"
    assert type(bot.state).from_dict(stored).asked_at is None
