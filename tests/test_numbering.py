"""Stable question numbers: "Câu N" and /sua N name the same question of a form version,
whatever branches apply (issue 11, officer navigation).

The numbers are written by hand from forms/nq57_bao_cao_6_thang.yaml: the answerable
questions (the opening note aside) counted in form order, 27 in all.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from reportbot.conversation import navigation as nav
from reportbot.conversation.numbering import question_by_number, question_count
from reportbot.forms.loader import parse_yaml_template
from tests.test_engine import NQ57_T, Harness

NUMBER = {
    "co_ke_hoach": 1,
    "so_ke_hoach": 2,
    "ngay_ke_hoach": 3,
    "chuyen_muc_web": 4,
    "so_tin_bai_web": 5,
    "so_infographic_web": 6,
    "so_video_web": 7,
    "so_tin_bai_zalo": 8,
    "so_infographic_zalo": 9,
    "so_video_zalo": 10,
    "so_buoi_truyen_thong": 11,
    "so_nguoi_tham_du": 12,
    "tong_so_can_bo": 13,
    "so_can_bo_quan_triet": 14,
    "tong_can_bo_truyen_thong": 15,
    "so_can_bo_tt_dao_tao": 16,
    "so_nguoi_dan_tap_huan": 17,
    "hoat_dong_truong_hoc": 18,
    "so_hoat_dong_truong_hoc": 19,
    "so_buoi_doanh_nghiep": 20,
    "su_kien": 21,
    "binh_dan_hoc_vu_so": 22,
    "kinh_phi": 23,
    "mo_hinh_hay": 24,
    "kho_khan": 25,
    "de_xuat": 26,
    "tep_bao_cao": 27,
}


def heading(text: str) -> str:
    """The "Câu N/T" heading of the question asked last."""
    return re.findall(r"Câu \d+/\d+", text)[-1]


def review_numbers(bot: Harness) -> list[int]:
    """The numbers the review shows, in order."""
    return [int(n) for n in re.findall(r"^(\d+)\. ", bot.say("/xemlai"), re.MULTILINE)]


def opened(unit_type: str = "doan_the") -> Harness:
    bot = Harness(unit_type=unit_type)
    bot.say("/baocao")
    assert heading(bot.say("1")) == "Câu 1/27"
    return bot


def test_the_numbers_are_the_form_versions() -> None:
    assert question_count(NQ57_T) == 27
    for qid, number in NUMBER.items():
        found = question_by_number(NQ57_T, number)
        assert found is not None and found.id == qid
    assert question_by_number(NQ57_T, 0) is None and question_by_number(NQ57_T, 28) is None


def test_a_skipped_branch_does_not_renumber_what_follows() -> None:
    bot = opened()
    assert heading(bot.say("Không")) == "Câu 4/27"  # the plan's number and date are skipped
    assert heading(bot.say("3")) == "Câu 8/27"  # no web page: the web counts are skipped
    numbers = review_numbers(bot)
    # doan_the, no plan, no web page; 12 and 16 wait for their counts (empty: not > 0)
    assert numbers == [1, 4, 8, 9, 10, 11, 13, 14, 15, 21, 22, 23, 24, 25, 26, 27]
    assert heading(bot.say("/sua 4")) == "Câu 4/27"  # /sua N is the number shown
    assert bot.state.question == "chuyen_muc_web"


def test_sua_names_a_number_that_does_not_apply_instead_of_another_question() -> None:
    bot = opened()
    bot.say("Không")
    bot.say("/xemlai")
    refused = bot.say("/sua 2")
    assert "Câu 2 không áp dụng" in refused and bot.state.question != "so_ke_hoach"
    assert "từ 1 đến 27" in bot.say("/sua 28")
    assert "từ 1 đến 27" in bot.say("/sua abc")


def test_a_school_sees_its_own_questions_under_the_forms_numbers() -> None:
    bot = opened("truong_hoc")
    for typed in ("có", "KH-1", "01/03/2026", "1", "1", "1", "1", "1", "1", "1", "0", "5", "5"):
        text = bot.say(typed)
    assert heading(text) == "Câu 15/27"  # 12 (attendance) skipped after 0 sessions
    text = bot.say("0")
    assert heading(text) == "Câu 18/27"  # 16 skipped, 17 (community teams) not a school's
    assert bot.state.question == "hoat_dong_truong_hoc"


def test_the_clearing_confirmation_lists_the_forms_numbers() -> None:
    bot = opened()
    bot.say("có")
    bot.say("KH-1")
    bot.say("01/03/2026")
    bot.say("/sua 1")
    confirm = bot.say("Không")
    assert "• 2. " in confirm and "• 3. " in confirm
    bot.say("có")  # yes, clear them: back to the review, where the rest keep their numbers
    assert review_numbers(bot)[:4] == [1, 4, 5, 6]


BRANCHES = {
    "co_ke_hoach": st.sampled_from([None, "yes", "no"]),
    "chuyen_muc_web": st.sampled_from([None, "co", "chua_co", "chua_co_trang_ttdt"]),
    "so_buoi_truyen_thong": st.sampled_from([None, 0, 4]),
    "tong_can_bo_truyen_thong": st.sampled_from([None, 0, 2]),
    "hoat_dong_truong_hoc": st.sampled_from([None, [], ["stem"], ["chua_to_chuc"]]),
}


@settings(max_examples=200, deadline=None)
@given(
    unit_type=st.sampled_from(["doan_the", "truong_hoc", "to_cns", "phong", "co_quan"]),
    answers=st.fixed_dictionaries(BRANCHES),
)
def test_whatever_applies_each_question_keeps_its_hand_written_number(
    unit_type: str, answers: dict[str, object]
) -> None:
    given_answers = {k: v for k, v in answers.items() if v is not None}
    facts = {"unit_type": unit_type, "unit_code": "u1", "period": "2026-H2"}
    relevance = nav.relevance(NQ57_T, given_answers, facts)
    assert relevance.numbers == {q.id: NUMBER[q.id] for q in relevance.answerable}
    shown = list(relevance.numbers.values())
    assert shown == sorted(shown) and len(set(shown)) == len(shown)  # form order, no repeats


def test_the_intro_counts_the_questions_as_the_headings_do() -> None:
    bot = Harness()
    bot.say("/baocao")
    intro = bot.say("1")
    # 27 numbered questions, 19 of them asked with no answer yet: the intro names the 27 of
    # "Câu 1/27" and says that some depend on earlier answers, never a second count
    assert "Gồm 27 câu hỏi (có câu chỉ hỏi tùy câu trả lời trước)." in intro
    assert heading(intro) == "Câu 1/27" and "19" not in intro


SHORT_FORM = """
key: ngan
title: {vi: Báo cáo ngắn}
period: {kind: monthly, deadlines: ["25"]}
questions:
  - {id: a, type: integer, label: {vi: Câu A}}
  - {id: b, type: integer, label: {vi: Câu B}}
  - {id: c, type: text, label: {vi: Câu C}}
"""


def test_the_sua_example_is_a_number_of_the_form() -> None:
    template, issues = parse_yaml_template(SHORT_FORM)
    assert template is not None and not issues, issues
    bot = Harness(forms=(template,))
    bot.say("/baocao")
    assert "Câu 1/3" in bot.say("2")  # this month's report (last month's is listed first)
    said = bot.say("/sua 9")
    assert "ví dụ /sua 3 (từ 1 đến 3)" in said and "/sua 5" not in said
    assert "ví dụ /sua 5 (từ 1 đến 27)" in opened().say("/sua 28")  # a long form: 5


def test_an_optional_question_says_once_that_it_can_be_skipped() -> None:
    bot = opened()
    asked = bot.say("/sua 24")  # mo_hinh_hay: the form's hint says "gõ /boqua nếu không có"
    assert "Không bắt buộc; gõ /boqua nếu không có" in asked
    assert "(Không bắt buộc – gõ /boqua để bỏ qua)" not in asked
    assert asked.count("/boqua") == 1
    # a hint that does not say it: the bot's own line
    template, _ = parse_yaml_template(
        SHORT_FORM.replace("type: text,", "type: text, hint: {vi: Ghi ngắn},")
    )
    assert template is not None
    short = Harness(forms=(template,))
    short.say("/baocao")
    short.say("1")
    assert "(Không bắt buộc – gõ /boqua để bỏ qua)" in short.say("/sua 3")


def test_a_report_command_after_stopping_points_to_the_draft() -> None:
    bot = opened()
    bot.say("Không")
    assert "Đã dừng" in bot.say("/huy")
    for command in ("/gui", "/xemlai", "/quaylai", "/boqua"):
        said = bot.say(command)
        assert "Gõ /tieptuc để làm tiếp báo cáo đang dở." in said, command
    assert "Câu 4/27" in bot.say("/tieptuc")
    # nothing begun: /baocao, as before
    assert "Gõ /baocao để bắt đầu." in Harness().say("/gui")
