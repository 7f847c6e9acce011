"""Short report-chooser buttons (reportbot/conversation/menu_labels.py): what distinguishes
them comes first, and they fit where phones cut (32 characters)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reportbot.conversation.menu_labels import (
    BUTTON_LIMIT,
    cut,
    distinct,
    report_button,
    short_period,
    status_word,
)
from tests.test_engine import MONTHLY_T, NQ57_T, Harness


def test_period_labels_lose_the_words_a_button_can_do_without() -> None:
    assert short_period("tháng 12 năm 2026") == "tháng 12/2026"
    assert short_period("quý II năm 2026") == "quý II/2026"
    assert short_period("6 tháng đầu năm 2027") == "6 tháng đầu 2027"
    assert short_period("6 tháng cuối năm 2026") == "6 tháng cuối 2026"
    assert short_period("năm 2026") == "năm 2026"
    assert short_period("đợt 20/12/2026") == "đợt 20/12/2026"


def test_buttons_put_period_and_status_first() -> None:
    assert report_button("6 tháng cuối năm 2026", "chưa làm", "", with_title=False) == (
        "6 tháng cuối 2026 · chưa làm"
    )
    draft = status_word("draft", "vi", done=12, left=18)
    assert report_button("6 tháng đầu năm 2027", draft, "", with_title=False) == (
        "6 tháng đầu 2027 · còn 18 câu"
    )
    assert report_button("tháng 11 năm 2026", "quá hạn", "nhanh hằng tháng", with_title=True) == (
        "tháng 11/2026 · quá hạn · nhanh…"
    )


def test_titles_lose_the_words_every_offered_form_shares() -> None:
    titles = ["Báo cáo kết quả thực hiện Nghị quyết 57", "Báo cáo nhanh hằng tháng"]
    assert distinct(titles[0], titles) == "kết quả thực hiện Nghị quyết 57"
    assert distinct(titles[1], titles) == "nhanh hằng tháng"
    assert distinct("Báo cáo", ["Báo cáo", "Báo cáo tháng"]) == "cáo"  # never empty


@given(
    period=st.text(min_size=1, max_size=60),
    status=st.text(min_size=1, max_size=30),
    title=st.text(max_size=80),
    with_title=st.booleans(),
)
def test_every_button_fits_and_starts_with_its_period(
    period: str, status: str, title: str, with_title: bool
) -> None:
    label = report_button(period, status, title, with_title=with_title)
    assert len(label) <= BUTTON_LIMIT
    shown = short_period(period)
    assert label.startswith(shown[: min(len(shown), BUTTON_LIMIT // 2)].rstrip(" ·–-,"))


@given(st.text(max_size=200), st.integers(min_value=8, max_value=64))
def test_cut_keeps_short_text_and_marks_a_cut(text: str, limit: int) -> None:
    result = cut(text, limit)
    assert len(result) <= limit
    assert result == text if len(text) <= limit else result.endswith("…")


def test_the_menu_of_two_forms_names_them_in_full_above_short_buttons() -> None:
    bot = Harness(unit_type="to_cns", forms=(NQ57_T, MONTHLY_T))
    replies = bot.send("/baocao")
    menu = replies[-1]
    labels = [choice.label for choice in menu.choices]
    assert labels == [  # the overdue ones first
        # "quá hạn" left "kế…" of the title; the title keeps its room (overdue: said above)
        "6 tháng đầu 2026 · kết quả thực…",
        "tháng 11/2026 · quá hạn · nhanh…",
        "năm 2026 · chưa làm · kết quả…",
        "tháng 12/2026 · chưa làm · nhan…",
    ]
    assert all(len(label) <= BUTTON_LIMIT for label in labels)
    assert menu.text.splitlines()[1:] == [
        "• Báo cáo kết quả thực hiện Nghị quyết 57: 1, 3",
        "• Báo cáo nhanh chuyển đổi số hằng tháng: 2, 4",
        # on 26/11/2026: 159 days after 20/06, 1 day after 25/11 (counted by hand)
        "⏰ Số 1 (6 tháng đầu năm 2026) quá hạn 159 ngày (hạn 20/06/2026): nên làm trước.",
        "⏰ Số 2 (tháng 11 năm 2026) quá hạn 1 ngày (hạn 25/11/2026): nên làm trước.",
    ]
