"""/baocao's buttons tell every offered form apart within the phone's 32 characters: each
keeps the words of its title that set it apart from the most alike other title (not only the
words every title shares), and the title keeps room even beside a long period and status.

Three forms, two of them "Báo cáo kết quả …": before, both of those read "năm 2026 · chưa
làm · Báo cáo…", and the six-monthly drafts "6 tháng … · còn N câu…" with no title at all.
"""

from __future__ import annotations

from reportbot.conversation.menu_labels import BUTTON_LIMIT, distinct, report_button, status_word
from reportbot.forms.loader import parse_yaml_template
from reportbot.forms.schema import FormTemplate
from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store.forms import store_template
from reportbot.store.models import Unit
from tests.conftest import FakeClock
from tests.province_support import local
from tests.support import Chat
from tests.test_engine import Harness


def form(key: str, title: str, kind: str = "annual", deadlines: str = '["20/12"]') -> FormTemplate:
    text = f"""
key: {key}
version: "1"
title: {{vi: "{title}", en: "{title}"}}
unit_types: []
period: {{kind: {kind}, deadlines: {deadlines}}}
questions:
  - {{id: so_can_bo, type: integer, required: true, min: 0, label: Tổng số cán bộ}}
"""
    template, issues = parse_yaml_template(text, f"{key}.yaml")
    assert issues == [] and template is not None
    return template


TITLES = [
    "Báo cáo kết quả thực hiện Nghị quyết 57",
    "Báo cáo kết quả chuyển đổi số",
    "Thống kê dân số",
]


def test_a_title_loses_only_what_the_most_alike_other_title_shares() -> None:
    assert distinct(TITLES[0], TITLES) == "thực hiện Nghị quyết 57"
    assert distinct(TITLES[1], TITLES) == "chuyển đổi số"
    assert distinct(TITLES[2], TITLES) == "Thống kê dân số"


def test_three_forms_give_three_different_buttons() -> None:
    forms = tuple(form(f"f{n}", title) for n, title in enumerate(TITLES))
    menu = Harness(forms=forms).send("/baocao")[-1]
    labels = [choice.label for choice in menu.choices]
    assert labels == [  # last year's, overdue, first
        "năm 2025 · quá hạn · thực…",
        "năm 2025 · quá hạn · chuyển…",
        "năm 2025 · quá hạn · Thống kê…",
        "năm 2026 · chưa làm · thực…",
        "năm 2026 · chưa làm · chuyển…",
        "năm 2026 · chưa làm · Thống…",
    ]
    assert all(len(label) <= BUTTON_LIMIT for label in labels)


def test_a_long_period_and_status_still_leave_the_title_room() -> None:
    draft = status_word("draft", "vi", done=2, left=18)  # "còn 18 câu"
    buttons = [
        report_button("6 tháng đầu năm 2027", draft, title, with_title=True)
        for title in ("an ninh trật tự", "văn hóa xã hội")
    ]
    # 19 characters of period leave no room for "còn 18 câu" and a title: the title stays.
    assert buttons == ["6 tháng đầu 2027 · an ninh trật…", "6 tháng đầu 2027 · văn hóa xã…"]
    assert all(len(button) <= BUTTON_LIMIT for button in buttons)
    # Room enough: the order stays period · status · title.
    assert report_button("năm 2026", "đã gửi", "an ninh trật tự", with_title=True) == (
        "năm 2026 · đã gửi · an ninh…"
    )


async def test_an_officer_of_two_units_gets_different_buttons(
    service: ConversationService, clock: FakeClock
) -> None:
    # The shipped "Báo cáo kết quả thực hiện Nghị quyết 57" and one more "Báo cáo kết quả …".
    await store_template(form("cds", "Báo cáo kết quả chuyển đổi số"), now=local(2026, 1, 2, 8, 0))
    chat = Chat(service, "u-hoiphunu")
    invite = await create_invite(unit=await Unit.get(code="vhxh"), role="officer", now=clock())
    await chat.send(f"/start {invite.code}")
    labels = [choice.label for reply in await chat.send("/baocao") for choice in reply.choices]
    assert len(labels) == len(set(labels)) > 2, labels
    assert "năm 2026 · chưa làm · chuyển… · Hội Liên hiệp P…" in labels
