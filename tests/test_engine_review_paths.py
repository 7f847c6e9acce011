"""Officer paths around the review and after /huy, tried as an officer on a phone would.

The review's first button leads to what the officer must do next: the missing answers while
required ones are empty, sending once none is. /tieptuc after /huy takes the officer back to
the question they were at, never to an optional question they had skipped.
"""

from __future__ import annotations

from connectors.base import Outgoing
from reportbot.conversation.state import ConversationState
from tests.support import NQ57_SCRIPT
from tests.test_engine import NQ57_T, Harness

KEY = (NQ57_T.key, "2026-H2")
# The script's question ids, in the order a "doan_the" unit is asked them.
ASKED = [qid for qid, _, _ in NQ57_SCRIPT]


def _answer_up_to(bot: Harness, qid: str) -> None:
    """Open the report and answer the script's questions before `qid` (then asked)."""
    bot.say("/baocao")
    bot.say("2")
    for asked, typed, _ in NQ57_SCRIPT[: ASKED.index(qid)]:
        assert bot.state.question == asked
        bot.say(typed)
    assert bot.state.question == qid


def _plan_again_with_its_number_and_date_missing() -> Harness:
    """The whole report filed, then "no plan" and a plan again: its number and date are
    required again and empty, behind every other answer."""
    bot = Harness()
    bot.file_whole_report()
    for typed in ("/sua 1", "không", "có", "/sua 1", "có"):
        bot.say(typed)
    return bot


def _review(bot: Harness) -> Outgoing:
    """/xemlai, and the review it shows (with its buttons)."""
    replies = bot.send("/xemlai")
    assert bot.state.mode == "review"
    return replies[-1]


def test_a_review_with_missing_answers_leads_to_them_and_sending_comes_after() -> None:
    bot = Harness()
    _answer_up_to(bot, "so_tin_bai_zalo")
    review = _review(bot)
    first = review.choices[0]
    assert (first.label, first.payload) == ("▶️ Trả lời câu còn thiếu", "/tieptuc")
    # the report cannot be sent yet: no button offers it, and the footer does not invite it
    assert all(choice.payload != "/gui" for choice in review.choices)
    assert "/gui" not in review.text and "Trả lời đủ rồi mới gửi được báo cáo." in review.text
    # 9 by hand: the three Zalo counts, sessions, officials, officials briefed, communication
    # staff, events, funds (participants and staff trained wait for a number above 0)
    assert "Còn 9 câu bắt buộc chưa trả lời (đánh dấu ❗)." in review.text
    bot.send(choice="/tieptuc")  # the button asks the first missing answer, where they were
    assert bot.state.mode == "answering" and bot.state.question == "so_tin_bai_zalo"
    for _, typed, _ in NQ57_SCRIPT[ASKED.index("so_tin_bai_zalo") :]:
        bot.say(typed)
    complete = bot.send("/xemlai")[-1]  # once nothing is missing: sending comes first
    assert (complete.choices[0].label, complete.choices[0].payload) == ("📨 Gửi báo cáo", "/gui")
    assert "/gui để gửi báo cáo" in complete.text and "câu bắt buộc" not in complete.text


def test_the_missing_answers_button_and_footer_speak_english() -> None:
    bot = Harness(locale="en")
    _answer_up_to(bot, "so_tin_bai_zalo")
    review = _review(bot)
    assert review.choices[0].label == "▶️ Answer the missing questions"
    assert "/submit" not in review.text
    assert "Type /continue to go on with the missing questions" in review.text


def test_text_typed_on_a_review_with_missing_answers_does_not_invite_sending() -> None:
    bot = Harness()
    _answer_up_to(bot, "so_tin_bai_zalo")
    bot.say("/xemlai")
    reminded = bot.say("xong rồi")
    assert (
        reminded.startswith("Gõ /tieptuc để làm tiếp các câu còn thiếu") and "/gui" not in reminded
    )
    # /gui itself is refused the same way as before: how many, then the first of them
    said = bot.say("/gui")
    assert said.startswith("Còn 9 câu bắt buộc chưa trả lời. Mời anh/chị trả lời tiếp:")
    assert bot.state.question == "so_tin_bai_zalo" and bot.reports[KEY].status == "draft"


def test_answers_an_edit_made_required_are_asked_from_the_review_in_a_row() -> None:
    bot = Harness()
    bot.file_whole_report()  # kho_khan and tep_bao_cao skipped, the last one last
    bot.say("/sua 1")
    bot.say("không")  # no plan: its number and date are cleared
    bot.say("có")
    bot.say("/sua 1")
    review = bot.send("có")[-1]  # a plan again: its number and date are missing
    assert "Còn 2 câu bắt buộc chưa trả lời" in review.text
    assert review.choices[0].payload == "/tieptuc"
    bot.send(choice="/tieptuc")
    assert bot.state.question == "so_ke_hoach"  # not tep_bao_cao, skipped at the end
    bot.say("KH-1")  # the next missing one straight away, not the whole review between
    assert bot.state.mode == "answering" and bot.state.question == "ngay_ke_hoach"
    done = bot.send("02/03/2026")[-1]  # none left: the review, not on through the form
    assert bot.state.mode == "review" and done.choices[0].payload == "/gui"
    assert bot.reports[KEY].answers["so_ke_hoach"] == "KH-1"


def test_an_edit_of_an_answer_given_still_returns_to_the_review() -> None:
    bot = Harness()
    _answer_up_to(bot, "so_tin_bai_zalo")
    bot.say("/xemlai")
    bot.say("/sua 2")
    bot.say("KH-99")  # a change, not a gap filled: back to the review as always
    assert bot.state.mode == "review"
    bot.say("/sua 8")  # so_tin_bai_zalo, marked ❗
    bot.say("5")  # a gap filled: the next missing one comes next
    assert bot.state.mode == "answering" and bot.state.question == "so_infographic_zalo"


def test_continue_after_cancel_returns_to_the_question_the_officer_was_at() -> None:
    bot = Harness()
    _answer_up_to(bot, "binh_dan_hoc_vu_so")  # optional
    assert bot.say("/boqua").startswith("Đã bỏ qua")
    bot.say("15tr")  # kinh_phi
    assert bot.state.question == "mo_hinh_hay"
    assert "Đã dừng" in bot.say("/huy")
    assert bot.state.mode == "idle"
    bot.say("/tieptuc")
    assert bot.state.mode == "answering" and bot.state.question == "mo_hinh_hay"
    assert "binh_dan_hoc_vu_so" not in bot.reports[KEY].answers  # skipped, still empty


def test_continue_after_cancel_just_after_a_skip_and_a_second_cancel_returns_there() -> None:
    bot = Harness()
    _answer_up_to(bot, "binh_dan_hoc_vu_so")
    bot.say("/boqua")
    assert bot.state.question == "kinh_phi"  # nothing answered since the skip
    bot.say("/huy")
    assert "Không có gì đang làm dở" in bot.say("/huy")  # typed twice, as people do
    bot.say("/tieptuc")
    assert bot.state.question == "kinh_phi"


def test_continue_after_cancel_on_the_final_review_shows_the_review_again() -> None:
    bot = Harness()
    bot.file_whole_report()  # the last two optional questions skipped
    assert bot.state.mode == "review"
    bot.say("/huy")
    resumed = bot.send("/tieptuc")
    assert bot.state.mode == "review"  # not kho_khan, skipped on the way to the end
    assert resumed[-1].choices[0].payload == "/gui"


def test_a_draft_opened_without_a_known_place_asks_the_questions_not_seen_yet() -> None:
    """The place is unknown (a state stored before /huy kept it, or a colleague's draft):
    the optional questions after the last answer were never shown, so they are asked, not
    jumped over to the review (the review found here first would hide four questions)."""
    bot = Harness()
    _answer_up_to(bot, "binh_dan_hoc_vu_so")
    bot.say("/boqua")
    bot.say("15tr")  # kinh_phi, the last required question
    bot.state = ConversationState(last=KEY)
    bot.say("/tieptuc")
    assert bot.state.mode == "answering" and bot.state.question == "mo_hinh_hay"


def test_stopped_place_is_stored_and_read_back() -> None:
    state = ConversationState(last=KEY, stopped_at="kinh_phi")
    assert state.to_dict()["stopped"] == "kinh_phi"
    assert ConversationState.from_dict(state.to_dict()) == state
    at_end = ConversationState.from_dict(ConversationState(last=KEY, stopped_at="").to_dict())
    assert at_end.stopped_at == ""
    assert ConversationState.from_dict({"mode": "idle", "stopped": 3}).stopped_at is None


def test_one_missing_answer_is_counted_in_plain_english() -> None:
    bot = Harness(locale="en")
    bot.file_whole_report()
    bot.say("/edit 1")
    bot.say("no")  # no plan: its number and date are cleared
    bot.say("yes")
    bot.say("/edit 1")
    bot.say("yes")
    bot.say("/continue")
    bot.say("KH-1")  # the plan's number: its date is still missing
    review = bot.say("/review")
    assert "Required answers missing: 1 (marked ❗)." in review
    assert "1 required answers" not in review
    assert bot.say("/submit").startswith("Required answers missing: 1. Please continue:")
    assert bot.state.question == "ngay_ke_hoach"


def test_skip_on_the_review_says_no_question_is_asked_not_that_no_report_is_open() -> None:
    bot = Harness()
    bot.file_whole_report()
    said = bot.say("/boqua")
    assert said.startswith("Không có câu hỏi nào đang chờ để bỏ qua.")
    assert "dùng khi đang làm báo cáo" not in said and bot.state.mode == "review"
    bot.say("/gui")  # the "send now?" question
    assert "Không có câu hỏi nào đang chờ" in bot.say("/boqua") and bot.state.mode == "confirm"
    bot.say("không")
    bot.say("/huy")  # out of the report, it still says how to get back in
    assert "Gõ /tieptuc để làm tiếp báo cáo đang dở" in bot.say("/boqua")


def test_cancel_while_answering_a_missing_one_comes_back_to_it_and_then_the_next() -> None:
    bot = _plan_again_with_its_number_and_date_missing()
    bot.say("/tieptuc")  # the first missing one asked
    assert bot.state.question == "so_ke_hoach"
    bot.say("/huy")
    bot.say("/tieptuc")
    assert bot.state.question == "so_ke_hoach"
    bot.say("KH-2")  # the date next, not chuyen_muc_web and every answer after it
    assert bot.state.question == "ngay_ke_hoach"
    bot.say("03/03/2026")
    assert bot.state.mode == "review"


def test_submit_with_answers_missing_behind_asks_them_in_a_row_then_the_review() -> None:
    bot = _plan_again_with_its_number_and_date_missing()
    assert bot.say("/gui").startswith("Còn 2 câu bắt buộc chưa trả lời.")
    assert bot.state.question == "so_ke_hoach"
    bot.say("KH-3")
    assert bot.state.question == "ngay_ke_hoach"
    bot.say("04/03/2026")  # none left: the review, not chuyen_muc_web and the answers after
    assert bot.state.mode == "review"


def test_the_missing_answers_button_passes_an_optional_question_just_skipped() -> None:
    bot = _plan_again_with_its_number_and_date_missing()
    bot.say("/sua 24")  # mo_hinh_hay, optional
    bot.say("/boqua")  # cleared: back to the review
    assert bot.state.mode == "review" and "mo_hinh_hay" not in bot.reports[KEY].answers
    bot.send(choice="/tieptuc")
    assert bot.state.question == "so_ke_hoach"  # a missing one, not mo_hinh_hay again


def test_a_gap_behind_then_the_questions_not_reached_yet_are_asked_in_order() -> None:
    """/gui with a gap behind (an edit made "participants" required) and the officer only
    half-way: the gap, then on in order from where they were, optional questions included;
    never a jump from required question to required question to the review."""
    bot = Harness()
    _answer_up_to(bot, "so_buoi_truyen_thong")
    bot.say("0")  # no sessions: participants not asked
    bot.say("31")
    bot.say("30")
    assert bot.state.question == "tong_can_bo_truyen_thong"
    bot.say("/sua 11")
    bot.say("5")  # five sessions after all: participants now required, behind
    assert bot.say("/gui").startswith("Còn 4 câu bắt buộc chưa trả lời.")
    asked = [bot.state.question]
    for typed in ("250", "10", "7", "1, 3", "không", "15tr", "Mô hình", "/boqua", "Đề xuất"):
        bot.say(typed)
        asked.append(bot.state.question)
    assert asked == [
        "so_nguoi_tham_du",
        "tong_can_bo_truyen_thong",
        "so_can_bo_tt_dao_tao",
        "su_kien",
        "binh_dan_hoc_vu_so",  # optional, never seen: asked
        "kinh_phi",
        "mo_hinh_hay",
        "kho_khan",
        "de_xuat",
        "tep_bao_cao",
    ]


def test_edit_after_cancel_opens_the_report_left_at_that_question() -> None:
    """/sua 2 after /huy: the officer asks for question 2 of the report they left, not for
    the report menu; answered, the review, and /tieptuc goes on where they had stopped."""
    bot = Harness()
    _answer_up_to(bot, "so_tin_bai_zalo")
    bot.say("/huy")
    said = bot.say("/sua 2")
    assert said.startswith("Tiếp tục “Báo cáo kết quả thực hiện Nghị quyết 57”")
    assert said.count("Câu ") == 1 and "Câu 2/27" in said, "only the question asked for"
    assert bot.state.question == "so_ke_hoach"
    bot.say("KH-77")
    assert bot.state.mode == "review" and bot.reports[KEY].answers["so_ke_hoach"] == "KH-77"
    bot.say("/tieptuc")
    assert bot.state.question == "so_tin_bai_zalo"
