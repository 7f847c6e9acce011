"""A report's title is quoted, not preceded by "báo cáo" (tryout finding: every shipped title
starts with "Báo cáo", so the officer read "đang làm dở báo cáo Báo cáo kết quả ...")."""

from __future__ import annotations

from tests.support import NQ57_SCRIPT
from tests.test_engine import MONTHLY_T, NQ57_T, Harness


def test_resume_and_in_progress_texts_do_not_say_bao_cao_twice() -> None:
    bot = Harness(unit_type="to_cns", forms=(NQ57_T, MONTHLY_T))
    bot.say("/baocao")
    bot.say("3")  # this year's Resolution 57 report, after the two overdue ones
    for _, typed, _ in NQ57_SCRIPT[:2]:
        bot.say(typed)
    in_progress = bot.send("/baocao")[0].text
    assert in_progress.startswith(
        "Anh/chị đang làm dở “Báo cáo kết quả thực hiện Nghị quyết 57” – kỳ năm 2026: "
        "đã trả lời 2 câu, còn "
    )
    bot.say("/baocao khac")
    resumed = bot.say("3")  # the same report, picked again from the menu
    assert (
        "Tiếp tục “Báo cáo kết quả thực hiện Nghị quyết 57” – năm 2026: đã trả lời 2 câu, còn "
        in resumed
    )
    assert "báo cáo Báo cáo" not in in_progress + resumed


def test_submitted_reopened_and_locked_texts_quote_the_title() -> None:
    from reportbot.conversation.i18n import say

    title = "Báo cáo kết quả thực hiện Nghị quyết 57"
    params = {"title": title, "period": "năm 2026", "deadline": "20/12/2026", "revision": 1}
    for key in ("report_locked", "report_submitted_edit", "report_reopened_edit"):
        text = say(key, "vi", **params)
        assert text.startswith(f"“{title}” – năm 2026 "), (key, text)
