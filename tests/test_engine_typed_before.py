"""A copy of the last answer, written a while after it and before the question now asked was
shown, never answers that question.

After a crash the bot handles an answer the platform had already delivered; the officer, who
saw no reply, typed it again. Without this rule the copy answered the next question (the
kill -9 drill found "so_video_web=3": the retyped answer of the question before). Answers
typed ahead, different or not, are still taken in order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.support import NQ57_SCRIPT
from tests.test_engine import NQ57_T, Harness

KEY = (NQ57_T.key, "2026-H2")
VIDEOS = 6  # so_video_web, asked after so_infographic_web ("3")
SECTION = 3  # chuyen_muc_web, a question with buttons
COPY = NQ57_SCRIPT[VIDEOS - 1][1]


def _at(index: int) -> Harness:
    """An officer who answered the first `index` questions, 20 s each, written as handled."""
    bot = Harness()
    bot.say("/baocao")
    bot.say("1")
    for _, typed, _ in NQ57_SCRIPT[:index]:
        bot.now += timedelta(seconds=20)
        bot.say(typed, received_at=bot.now)
    assert bot.state.question == NQ57_SCRIPT[index][0]
    return bot


def _after_a_crash() -> tuple[Harness, datetime]:
    """so_infographic_web's "3", written at the returned time, handled 10 s later (the bot
    was killed after the platform delivered it): so_video_web is asked only then."""
    bot = _at(VIDEOS - 1)
    written = bot.now + timedelta(seconds=20)
    bot.now = written + timedelta(seconds=10)
    bot.say(COPY, received_at=written)
    assert bot.state.question == NQ57_SCRIPT[VIDEOS][0]
    assert bot.state.asked_at == bot.now
    return bot, written


def test_a_copy_typed_while_the_bot_was_silent_is_not_taken_and_the_question_is_asked() -> None:
    bot, written = _after_a_crash()
    asked = bot.state.asked_at
    bot.now += timedelta(seconds=1)
    reply = bot.say(COPY, received_at=written + timedelta(seconds=4))
    assert f"Tin nhắn “{COPY}” được gửi lại trước khi câu hỏi dưới đây hiện ra" in reply
    assert "Câu 7/" in reply, "the question is asked again"
    assert bot.state.question == NQ57_SCRIPT[VIDEOS][0], "still the same question"
    assert NQ57_SCRIPT[VIDEOS][0] not in bot.reports[KEY].answers
    assert bot.state.asked_at == asked, "asking again does not move the time it was shown"
    qid, typed, expected = NQ57_SCRIPT[VIDEOS]
    bot.say(typed, received_at=bot.now)
    assert bot.reports[KEY].answers[qid] == expected


def test_a_different_answer_typed_ahead_is_taken_in_order() -> None:
    bot, written = _after_a_crash()
    qid, typed, expected = NQ57_SCRIPT[VIDEOS]
    bot.say(typed, received_at=written + timedelta(seconds=4))
    assert bot.reports[KEY].answers[qid] == expected


def test_the_same_value_typed_ahead_at_once_is_the_next_answer() -> None:
    """A script typing ahead (or 30 staff, 30 informed, sent together): not a retype."""
    bot, written = _after_a_crash()
    qid = NQ57_SCRIPT[VIDEOS][0]
    bot.say(COPY, received_at=written + timedelta(seconds=1))
    assert bot.reports[KEY].answers[qid] == int(COPY)


def test_the_same_value_written_after_the_question_appeared_is_its_answer() -> None:
    bot, _written = _after_a_crash()
    qid = NQ57_SCRIPT[VIDEOS][0]
    bot.now += timedelta(seconds=5)
    bot.say(COPY, received_at=bot.state.asked_at + timedelta(seconds=1))
    assert bot.reports[KEY].answers[qid] == int(COPY)


def test_within_the_clock_margin_a_copy_is_taken() -> None:
    """Telegram gives whole seconds and clocks differ a little: a second early is normal."""
    bot, _written = _after_a_crash()
    qid = NQ57_SCRIPT[VIDEOS][0]
    bot.say(COPY, received_at=bot.state.asked_at - timedelta(seconds=1))
    assert bot.reports[KEY].answers[qid] == int(COPY)


def test_a_button_press_carries_its_question_whatever_its_time() -> None:
    bot = _at(SECTION)
    qid, _, expected = NQ57_SCRIPT[SECTION]
    old = bot.state.asked_at - timedelta(minutes=5)
    replies = bot.send(choice=expected, received_at=old)
    assert all("được gửi lại trước khi" not in r.text for r in replies)
    assert bot.reports[KEY].answers[qid] == expected


def test_the_time_a_question_was_asked_survives_the_store() -> None:
    bot, _written = _after_a_crash()
    stored = bot.state.to_dict()
    read = type(bot.state).from_dict(stored)
    assert (read.asked_at, read.typed) == (bot.state.asked_at, bot.state.typed)
    assert read.typed is not None and len(read.typed[0]) == 16, "a digest, not the answer"
    stored["asked"], stored["typed"] = "not a time", ["abc", 7]
    read = type(bot.state).from_dict(stored)
    assert (read.asked_at, read.typed) == (None, None)


def test_a_copy_retyped_before_the_review_appeared_does_not_open_that_question() -> None:
    """/sua 5 then "13", handled after a restart: the review is shown; the retyped "13"
    is not /sua 13 (whose next answer would overwrite question 13 unseen)."""
    bot = _at(VIDEOS)
    bot.say("/xemlai")
    bot.say("/sua 5")
    written = bot.now + timedelta(seconds=5)
    bot.now = written + timedelta(seconds=10)  # killed after the platform had it
    bot.say("13", received_at=written)
    assert bot.state.mode == "review" and bot.reports[KEY].answers["so_tin_bai_web"] == 13
    said = bot.say("13", received_at=written + timedelta(seconds=4))
    assert said.startswith("Tin nhắn “13” được gửi lại trước khi bảng xem lại hiện ra")
    assert bot.state.mode == "review"
    bot.now += timedelta(seconds=20)
    bot.say("6", received_at=bot.now)  # a number typed on the review, as before: /sua 6
    assert bot.state.mode == "answering" and bot.state.question == "so_infographic_web"
