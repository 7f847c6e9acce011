"""Officer navigation: /baocao during a draft, the review's way on, /quaylai, late confirmation."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import TZ
from tests.support import NQ57_SCRIPT
from tests.test_engine import MONTHLY_T, NQ57_T, Harness

KEY = (NQ57_T.key, "2026-H2")


def test_report_during_a_draft_names_it_and_offers_to_go_on_or_pick_another() -> None:
    bot = Harness(unit_type="to_cns", forms=(NQ57_T, MONTHLY_T))
    bot.say("/baocao")
    bot.say("3")  # the Resolution 57 report, current period (after the two overdue ones)
    for _, typed, _ in NQ57_SCRIPT[:3]:
        bot.say(typed)
    replies = bot.send("/baocao")
    named = replies[0]
    # 3 answered of 22 that apply to a to_cns unit so far (counted by hand from the form: 3
    # plan, 1 web section, 3 web, 3 Zalo, sessions, 2 officials, staff, residents trained,
    # events, digital literacy, funds, model, difficulties, proposals, file; participants and
    # staff trained wait for a number above 0).
    assert named.text.startswith(
        "Anh/chị đang làm dở “Báo cáo kết quả thực hiện Nghị quyết 57” – kỳ năm 2026: "
        "đã trả lời 3 câu, còn 19 câu."
    )
    assert [c.payload for c in named.choices] == ["/tieptuc", "/baocao khac"]
    assert bot.state.question == NQ57_SCRIPT[3][0]  # still at the question it was on
    menu = bot.say("/baocao khac")
    assert "Chọn báo cáo" in menu and bot.state.mode == "choosing"
    assert bot.reports[KEY].answers["so_ke_hoach"] == "KH-12/HPN"  # the draft is kept


def test_the_review_says_how_to_go_on_and_continue_goes_to_the_first_gap() -> None:
    bot = Harness()
    bot.say("/baocao")
    bot.say("2")
    for _, typed, _ in NQ57_SCRIPT[:5]:
        bot.say(typed)
    review = bot.say("/xemlai")
    assert "/tieptuc để làm tiếp" in review and "/quaylai" in review
    bot.say("/tieptuc")
    assert bot.state.mode == "answering" and bot.state.question == NQ57_SCRIPT[5][0]


def test_back_from_the_review_returns_where_the_officer_was() -> None:
    bot = Harness()
    bot.say("/baocao")
    bot.say("2")
    for _, typed, _ in NQ57_SCRIPT[:5]:
        bot.say(typed)
    assert bot.state.question == "so_infographic_web"
    bot.say("/xemlai")
    bot.say("/quaylai")
    assert bot.state.mode == "answering" and bot.state.question == "so_infographic_web"


def test_a_late_confirmation_does_not_promise_edits_until_a_past_date() -> None:
    bot = Harness(now=datetime(2026, 12, 21, 9, 0, tzinfo=TZ))
    bot.say("/baocao")
    bot.say("1")  # 2026-H2, due 20/12/2026: overdue, listed first
    for _, typed, _ in NQ57_SCRIPT:
        bot.say(typed)
    confirm = bot.say("/gui")
    assert "vẫn sửa được" not in confirm
    assert "Đã quá hạn (hết ngày 20/12/2026)" in confirm and "khoá" in confirm


def test_an_on_time_confirmation_still_says_until_when_edits_are_possible() -> None:
    bot = Harness()
    bot.file_whole_report()
    assert "vẫn sửa được đến hết ngày 20/12/2026" in bot.say("/gui")
