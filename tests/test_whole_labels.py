"""The console lists the report chooser's labels whole (usertry4): the cut to 32 characters
is for a button on a phone's narrow screen, and was applied to the console's numbered list
too ("năm 2026 · chưa làm · kết quả…"). A choice now carries its whole label beside the
button's (`Choice.whole`), and `render_plain` lists the whole one."""

from __future__ import annotations

from connectors.base import Capabilities, Choice, Outgoing, render_plain
from reportbot.conversation.menu_labels import BUTTON_LIMIT
from tests.test_engine import MONTHLY_T, NQ57_T, Harness


def test_the_console_lists_whole_labels_and_buttons_stay_short() -> None:
    bot = Harness(unit_type="to_cns", forms=(NQ57_T, MONTHLY_T))
    listed = bot.say("/baocao")  # rendered as the console does: no buttons
    assert "…" not in listed
    assert "3. năm 2026 · chưa làm · kết quả thực hiện Nghị quyết 57" in listed
    assert "4. tháng 12/2026 · chưa làm · nhanh chuyển đổi số hằng tháng" in listed
    (menu,) = bot.send("/baocao")
    assert all(len(choice.label) <= BUTTON_LIMIT for choice in menu.choices)  # for phones
    assert menu.choices[2].label == "năm 2026 · chưa làm · kết quả…"


def test_render_plain_prefers_the_whole_label() -> None:
    message = Outgoing("Chọn:", choices=(Choice("ngắn…", "#1", whole="ngắn gọn đầy đủ"),))
    assert render_plain(message, Capabilities(buttons=False)) == "Chọn:\n\n1. ngắn gọn đầy đủ"
    assert render_plain(message, Capabilities(buttons=True)) == "Chọn:"  # buttons: the label
