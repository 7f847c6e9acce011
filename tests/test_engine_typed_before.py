"""A copy of the last answer, written a while after it and before the screen it led to
appeared, never answers that screen.

After a crash the bot handles an answer the platform had already delivered; the officer, who
saw no reply, typed it again. Without this rule the copy answered the next question (the
kill -9 drill found "so_video_web=3": the retyped answer of the question before). Answers
typed ahead, different or not, are still taken in order. Times compared are the platform's:
when the copy was written, against when the original was written plus how long it waited in
the bot (the bot's own clock, from its arrival), so a server clock off by seconds changes
nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.support import NQ57_SCRIPT
from tests.test_engine import NQ57_T, Harness

KEY = (NQ57_T.key, "2026-H2")
VIDEOS = 6  # so_video_web, asked after so_infographic_web ("3")
SECTION = 3  # chuyen_muc_web, a question with buttons
COPY = NQ57_SCRIPT[VIDEOS - 1][1]
SKEW = timedelta(seconds=40)  # the platform's clock, 40 s behind the server's


def _at(index: int) -> Harness:
    """An officer who answered the first `index` questions, 20 s apart, each handled as it
    arrived (the platform's clock runs SKEW behind the bot's)."""
    bot = Harness()
    bot.say("/baocao")
    bot.say("2")
    for _, typed, _ in NQ57_SCRIPT[:index]:
        bot.now += timedelta(seconds=20)
        bot.say(typed, received_at=bot.now - SKEW, arrived_at=bot.now)
    assert bot.state.question == NQ57_SCRIPT[index][0]
    return bot


def _after_a_crash() -> tuple[Harness, datetime]:
    """so_infographic_web's "3", written at the returned platform time, arrived at once,
    handled 10 s later (the bot was killed after storing it): so_video_web appears then."""
    bot = _at(VIDEOS - 1)
    arrived = bot.now + timedelta(seconds=20)
    bot.now = arrived + timedelta(seconds=10)
    bot.say(COPY, received_at=arrived - SKEW, arrived_at=arrived)
    assert bot.state.question == NQ57_SCRIPT[VIDEOS][0]
    return bot, arrived - SKEW


def test_a_copy_typed_while_the_bot_was_silent_is_not_taken_and_the_question_is_asked() -> None:
    bot, written = _after_a_crash()
    bot.now += timedelta(seconds=1)
    reply = bot.say(COPY, received_at=written + timedelta(seconds=4), arrived_at=bot.now)
    assert f"Tin nhắn “{COPY}” được gửi lại trước khi câu hỏi dưới đây hiện ra" in reply
    assert f"xin gõ lại “{COPY}”" in reply
    assert "Câu 7/" in reply, "the question is asked again"
    assert bot.state.question == NQ57_SCRIPT[VIDEOS][0], "still the same question"
    assert NQ57_SCRIPT[VIDEOS][0] not in bot.reports[KEY].answers
    qid, typed, expected = NQ57_SCRIPT[VIDEOS]
    bot.say(typed, received_at=bot.now - SKEW, arrived_at=bot.now)
    assert bot.reports[KEY].answers[qid] == expected


def test_a_different_answer_typed_ahead_is_taken_in_order() -> None:
    bot, written = _after_a_crash()
    qid, typed, expected = NQ57_SCRIPT[VIDEOS]
    bot.say(typed, received_at=written + timedelta(seconds=4), arrived_at=bot.now)
    assert bot.reports[KEY].answers[qid] == expected


def test_the_same_value_typed_ahead_at_once_is_the_next_answer() -> None:
    """A script typing ahead (or 30 staff, 30 informed, sent together): not a retype."""
    bot, written = _after_a_crash()
    qid = NQ57_SCRIPT[VIDEOS][0]
    bot.say(COPY, received_at=written + timedelta(seconds=1), arrived_at=bot.now)
    assert bot.reports[KEY].answers[qid] == int(COPY)


def test_the_same_value_written_after_the_question_appeared_is_its_answer() -> None:
    """so_infographic_zalo and so_video_zalo may well both be 0: typed after seeing each,
    3 s after the question appeared, although the server's clock is 40 s ahead."""
    bot, written = _after_a_crash()
    qid = NQ57_SCRIPT[VIDEOS][0]
    shown = written + timedelta(seconds=10)  # by the platform's clock
    bot.now += timedelta(seconds=3)
    bot.say(COPY, received_at=shown + timedelta(seconds=3), arrived_at=bot.now)
    assert bot.reports[KEY].answers[qid] == int(COPY)


def test_within_the_clock_margin_a_copy_is_taken() -> None:
    """Telegram gives whole seconds: a copy dated a second before the question appeared is
    taken as its answer, as before."""
    bot, written = _after_a_crash()
    qid = NQ57_SCRIPT[VIDEOS][0]
    shown = written + timedelta(seconds=10)
    bot.say(COPY, received_at=shown - timedelta(seconds=1), arrived_at=bot.now)
    assert bot.reports[KEY].answers[qid] == int(COPY)


def test_without_the_times_nothing_is_held() -> None:
    """A console line, or an update stored by an earlier version, has no arrival time."""
    bot = _at(VIDEOS - 1)
    written = bot.now - SKEW
    bot.now += timedelta(seconds=30)
    bot.say(COPY, received_at=written)  # no arrival: no typed record
    assert bot.state.typed is None
    bot.say(COPY, received_at=written + timedelta(seconds=4), arrived_at=bot.now)
    assert bot.reports[KEY].answers[NQ57_SCRIPT[VIDEOS][0]] == int(COPY)


def test_a_button_press_carries_its_question_whatever_its_time() -> None:
    bot = _at(SECTION)
    qid, _, expected = NQ57_SCRIPT[SECTION]
    old = bot.now - timedelta(minutes=5)
    replies = bot.send(choice=expected, received_at=old, arrived_at=bot.now)
    assert all("được gửi lại trước khi" not in r.text for r in replies)
    assert bot.reports[KEY].answers[qid] == expected


def test_the_typed_record_survives_the_store_and_is_dropped_on_another_screen() -> None:
    bot, _written = _after_a_crash()
    stored = bot.state.to_dict()
    read = type(bot.state).from_dict(stored)
    assert read.typed == bot.state.typed and read.typed is not None
    assert len(read.typed[0]) == 16, "a digest, not the answer"
    for broken in (["abc", 7, 8], ["abc", "2026-01-01T00:00:00+00:00"], "x"):
        stored["typed"] = broken
        assert type(bot.state).from_dict(stored).typed is None
    bot.say("/xemlai")  # a screen reached without a typed answer: nothing to compare
    assert bot.state.typed is None


def test_a_copy_retyped_before_the_review_appeared_does_not_open_that_question() -> None:
    """/sua 5 then "13", handled after a restart: the review is shown; the retyped "13"
    is not /sua 13 (whose next answer would overwrite question 13 unseen)."""
    bot = _at(VIDEOS)
    bot.say("/xemlai")
    bot.say("/sua 5")
    arrived = bot.now + timedelta(seconds=5)
    bot.now = arrived + timedelta(seconds=10)  # killed after the platform had it
    bot.say("13", received_at=arrived - SKEW, arrived_at=arrived)
    assert bot.state.mode == "review" and bot.reports[KEY].answers["so_tin_bai_web"] == 13
    copy_written = arrived - SKEW + timedelta(seconds=4)
    said = bot.say("13", received_at=copy_written, arrived_at=bot.now)
    assert said.startswith("Tin nhắn “13” được gửi lại trước khi bảng xem lại hiện ra")
    assert bot.state.mode == "review"
    bot.now += timedelta(seconds=20)
    bot.say("6", received_at=bot.now - SKEW, arrived_at=bot.now)  # as before: /sua 6
    assert bot.state.mode == "answering" and bot.state.question == "so_infographic_web"
