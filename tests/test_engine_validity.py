"""One validity rule wherever an answer can change: at the answer, after an edit, at /gui."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportbot.forms.loader import load_yaml_template
from tests.support import NQ57_SCRIPT
from tests.test_engine import NQ57_T, Harness

KEY = (NQ57_T.key, "2026-H2")
# Review numbers of a `doan_the` unit's Resolution 57 report, counted by hand from the form:
# 1 co_ke_hoach, 2 so_ke_hoach, 3 ngay_ke_hoach, 4 chuyen_muc_web, 5-7 web, 8-10 zalo,
# 11 so_buoi_truyen_thong, 12 so_nguoi_tham_du, 13 tong_so_can_bo, 14 so_can_bo_quan_triet,
# 15 tong_can_bo_truyen_thong, 16 so_can_bo_tt_dao_tao.
TOTAL, INFORMED, SESSIONS, PARTICIPANTS = 13, 14, 11, 12


def file_report(bot: Harness, **typed: str) -> None:
    """The whole report as in NQ57_SCRIPT, some answers typed differently."""
    bot.say("/baocao")
    bot.say("2")
    for qid, text, _ in NQ57_SCRIPT:
        bot.say(typed.get(qid, text))


def test_lowering_a_total_below_its_part_takes_the_officer_to_the_part() -> None:
    bot = Harness()
    file_report(bot, tong_so_can_bo="25", so_can_bo_quan_triet="25")
    reply = bot.say(f"/sua {TOTAL}")
    assert "25" in reply  # the current value is shown
    reply = bot.say("10")
    assert "câu 14" in reply and "không được lớn hơn tổng số" in reply
    assert bot.state.question == "so_can_bo_quan_triet"
    assert "Xin trả lời lại câu 14" in reply
    bot.say("10")
    assert bot.state.mode == "review"
    bot.say("/gui")
    bot.say("có")
    assert bot.reports[KEY].status == "submitted"
    assert bot.reports[KEY].answers["so_can_bo_quan_triet"] == 10
    assert bot.reports[KEY].answers["tong_so_can_bo"] == 10


def test_submit_is_refused_while_an_answer_breaks_a_rule() -> None:
    """The issue's reproduction: 25 informed of 25, the total changed to 10, then /gui."""
    bot = Harness()
    file_report(bot, tong_so_can_bo="25", so_can_bo_quan_triet="25")
    bot.say(f"/sua {TOTAL}")
    bot.say("10")
    refused = bot.say("/gui")
    assert "Chưa gửi được: 1 câu trả lời không hợp lệ" in refused
    assert "• 14. Trong đó, số người đã được quán triệt" in refused
    assert bot.state.mode == "answering" and bot.state.question == "so_can_bo_quan_triet"
    assert bot.reports[KEY].status == "draft"
    assert bot.state.mode != "confirm"


def test_a_sent_report_cannot_be_resent_breaking_a_rule() -> None:
    bot = Harness()
    file_report(bot, tong_so_can_bo="25", so_can_bo_quan_triet="25")
    bot.say("/gui")
    bot.say("có")
    bot.say("/baocao")
    bot.say("2")
    bot.say(f"/sua {TOTAL}")
    bot.say("10")
    assert bot.state.question == "so_can_bo_quan_triet"
    assert "Chưa gửi được" in bot.say("/gui")
    assert bot.reports[KEY].revision == 1
    assert bot.reports[KEY].answers["tong_so_can_bo"] == 25  # nothing written yet


def test_raising_the_sessions_above_the_participants_is_caught() -> None:
    bot = Harness()
    file_report(bot)
    bot.say(f"/sua {SESSIONS}")
    reply = bot.say("300")  # 250 participants were given
    assert "Số người tham dự không thể ít hơn số buổi" in reply
    assert bot.state.question == "so_nguoi_tham_du"


SKIPPED_REFERENCE = """
key: skipped_reference
version: "1"
title: {vi: Thử, en: Test}
unit_types: []
period: {kind: monthly, deadlines: ["25"]}
questions:
  - id: whole
    type: integer
    required: false
    label: {vi: Tổng, en: Whole}
  - id: part
    type: integer
    required: true
    constraint: . <= ${whole}
    constraint_message: {vi: Phần không lớn hơn tổng., en: A part cannot exceed the whole.}
    label: {vi: Phần, en: Part}
"""


def test_a_skipped_reference_answered_later_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "skipped.yaml"
    path.write_text(SKIPPED_REFERENCE, encoding="utf-8")
    template = load_yaml_template(path)[0]
    bot = Harness(forms=(template,))
    bot.say("/baocao")
    bot.say("2")
    bot.say("/boqua")
    bot.say("50")  # the whole is not known yet: the part cannot be judged
    assert bot.state.mode == "review"
    bot.say("/sua 1")
    reply = bot.say("20")
    assert "Phần không lớn hơn tổng." in reply and bot.state.question == "part"


def _rules_hold(answers: dict) -> bool:
    """The NQ57 rules, written out by hand (the oracle), over stored answers."""
    sessions = answers.get("so_buoi_truyen_thong") or 0
    participants = answers.get("so_nguoi_tham_du")
    informed = answers.get("so_can_bo_quan_triet")
    staff = answers.get("tong_can_bo_truyen_thong") or 0
    trained = answers.get("so_can_bo_tt_dao_tao")
    planned = answers.get("ngay_ke_hoach")
    return not (
        (sessions > 0 and participants is not None and participants < sessions)
        or (informed is not None and informed > answers["tong_so_can_bo"])
        or (staff > 0 and trained is not None and trained > staff)
        or (isinstance(planned, date) and planned > date(2026, 11, 26))
    )


EDITS = st.lists(
    st.one_of(
        st.tuples(
            st.sampled_from([SESSIONS, PARTICIPANTS, TOTAL, INFORMED, 15, 16]), st.integers(0, 60)
        ),
        st.sampled_from(["/gui", "có", "/baocao", "1", "/huy", "/xemlai", "/quaylai", "7"]),
    ),
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=EDITS, resend=st.booleans())
def test_random_edits_never_leave_a_sent_report_breaking_a_rule(edits: list, resend: bool) -> None:
    bot = Harness()
    file_report(bot)
    if resend:
        bot.say("/gui")
        bot.say("có")
        bot.say("/baocao")
        bot.say("2")
    for edit in edits:
        if isinstance(edit, tuple):
            bot.say(f"/sua {edit[0]}")
            bot.say(str(edit[1]))
        else:
            bot.say(edit)
    bot.say("/gui")
    bot.say("có")
    view = bot.reports[KEY]
    if view.status == "submitted":
        assert _rules_hold(view.answers), view.answers


def test_the_review_marks_an_answer_an_edit_made_invalid() -> None:
    """An officer told to answer question 14 again opens the review instead: the review must
    not show 14 as fine (and only "/gui" to do), but mark it with the rule's message."""
    bot = Harness()
    file_report(bot, tong_so_can_bo="25", so_can_bo_quan_triet="25")
    bot.say(f"/sua {TOTAL}")
    bot.say("10")
    screen = bot.say("/xemlai")
    row = next(line for line in screen.splitlines() if line.startswith(f"{INFORMED}. "))
    assert row.endswith(
        ": ⚠️ 25 – Số người được quán triệt không được lớn hơn tổng số cán bộ ở câu trước."
    )
    assert "Có 1 câu trả lời chưa hợp lệ (đánh dấu ⚠️), cần sửa trước khi gửi." in screen
    total = next(line for line in screen.splitlines() if line.startswith(f"{TOTAL}. "))
    assert total.endswith(": 10")  # the edited answer itself is fine
    bot.say(f"/sua {INFORMED}")
    screen = bot.say("10")
    assert "⚠️" not in screen and "chưa hợp lệ" not in screen


def test_the_review_marks_nothing_on_a_valid_report() -> None:
    bot = Harness()
    file_report(bot)
    screen = bot.say("/xemlai")
    assert "⚠️" not in screen and "chưa hợp lệ" not in screen
