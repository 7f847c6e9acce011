"""A second "Xong" from a multi-select keyboard already answered by "Xong" is ignored, decided
from the stored conversation state (which keyboard message answered which question), so it
holds with several workers: the connector's own memory of settled keyboards is per process.

Before, a stale copy's "Xong" handled by another worker was taken as an edit of the question
and stored that copy's ticks over the answer. Expected answers written by hand from
forms/nq57_*.yaml (Câu 15 = su_kien).
"""

from __future__ import annotations

from tests.test_bind_engine import KEY, _asked, _open_until
from tests.test_engine import Harness


def test_a_second_done_from_the_same_keyboard_stores_nothing() -> None:
    bot = Harness()
    tokens = _open_until(bot, "su_kien")
    token = tokens["su_kien"]
    first = bot.send(choices=("ngay_18_5",), message_id="k1", reply_to_question=token)
    after = _asked(first).question_id
    assert after != "su_kien" and bot.reports[KEY].answers["su_kien"] == ["ngay_18_5"]
    # the same keyboard's "Xong", with the ticks of a stale copy, handled elsewhere
    bot.send(choices=("ngay_10_10",), message_id="k1", reply_to_question=token)
    assert bot.reports[KEY].answers["su_kien"] == ["ngay_18_5"]
    assert bot.state.question == after


def test_done_on_a_keyboard_sent_after_the_answer_still_edits_it() -> None:
    bot = Harness()
    tokens = _open_until(bot, "su_kien")
    token = tokens["su_kien"]
    bot.send(choices=("ngay_18_5",), message_id="k1", reply_to_question=token)
    # the question asked again (a new message, a new keyboard): its "Xong" is an answer
    bot.send(choices=("ngay_10_10",), message_id="k2", reply_to_question=token)
    assert bot.reports[KEY].answers["su_kien"] == ["ngay_10_10"]
