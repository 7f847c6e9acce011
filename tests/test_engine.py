"""The pure engine, driven with plain function calls (no database, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from connectors.base import Capabilities, Incoming, Outgoing, render_plain
from reportbot.conversation.engine import handle
from reportbot.conversation.session import (
    Env,
    FormOffer,
    PersonInfo,
    SubmissionView,
    UnitInfo,
)
from reportbot.forms.loader import load_yaml_template
from tests.conftest import FORMS_DIR, NQ57, TZ
from tests.support import NQ57_SCRIPT

NQ57_T = load_yaml_template(NQ57)[0]
MONTHLY_T = load_yaml_template(FORMS_DIR / "example_monthly.yaml")[0]


@dataclass
class Harness:
    """Feeds messages to the engine and applies its steps the way the service does."""

    unit_type: str = "doan_the"
    locale: str = "vi"
    now: datetime = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
    state: Any = field(default_factory=dict)
    reports: dict[tuple[str, str], SubmissionView] = field(default_factory=dict)
    forms: tuple = (NQ57_T,)

    def env(self) -> Env:
        unit = UnitInfo(1, "u1", "Đơn vị 1", self.unit_type)
        offers = {t.key: FormOffer(t, n) for n, t in enumerate(self.forms, start=1)}
        offers = {k: o for k, o in offers.items() if o.template.applies_to(self.unit_type)}
        person = PersonInfo(7, "Lan", "officer", self.locale, unit)
        return Env(self.now, TZ, person, offers, self.reports)

    def send(self, text: str | None = None, **extra: Any) -> list[Outgoing]:
        message = Incoming("test", "7", "7", text=text, **extra)
        step = handle(self.state, message, self.env())
        self.state = step.state if step.state is not None else self.state
        change = step.change
        if change is not None:
            view = change.view
            if change.create:
                view.id = len(self.reports) + 1
                self.reports[view.key] = view
            view.answers.update(change.set_answers)
            for qid in change.clear_answers:
                view.answers.pop(qid, None)
            view.status = change.status or view.status
            view.submitted_at = change.submitted_at or view.submitted_at
            view.revision = change.revision if change.revision is not None else view.revision
        return step.replies

    def say(self, text: str | None = None, **extra: Any) -> str:
        plain = Capabilities(buttons=False)
        return "\n\n".join(render_plain(r, plain) for r in self.send(text, **extra))

    def file_whole_report(self) -> None:
        self.say("/baocao")
        self.say("2")  # the current period (the overdue first half is listed first)
        for _, typed, _ in NQ57_SCRIPT:
            self.say(typed)


def test_a_unit_with_two_forms_chooses_between_them() -> None:
    bot = Harness(unit_type="to_cns", forms=(NQ57_T, MONTHLY_T))
    menu = bot.say("/baocao")
    assert "Chọn báo cáo" in menu
    assert "tháng 12/2026 · chưa làm" in menu and "tháng 11/2026 · quá hạn" in menu
    assert "• Báo cáo kết quả thực hiện Nghị quyết 57: 1, 3" in menu  # the overdue ones first
    opened = bot.say("thang 12")  # the period typed loosely, without diacritics
    assert "📋 Báo cáo nhanh" in opened and "tháng 12 năm 2026" in opened


def test_buttons_and_payloads_are_understood() -> None:
    bot = Harness()
    bot.say("/baocao")
    bot.send(choice="#2")  # the current period, after the overdue one
    bot.send(choice="yes")
    assert bot.reports[(NQ57_T.key, "2026-H2")].answers["co_ke_hoach"] == "yes"
    for _, typed, _ in NQ57_SCRIPT[1:16]:
        bot.say(typed)
    assert bot.state.question == "su_kien"
    bot.send(choices=("ngay_1_10", "ngay_18_5"))
    assert bot.reports[(NQ57_T.key, "2026-H2")].answers["su_kien"] == ["ngay_18_5", "ngay_1_10"]


def test_a_late_report_is_accepted_and_said_to_be_late() -> None:
    bot = Harness(now=datetime(2026, 12, 21, 9, 0, tzinfo=TZ))
    menu = bot.say("/baocao")
    assert "1. năm 2026 · quá hạn" in menu and "2. 6 tháng đầu 2027 · chưa làm" in menu
    opened = bot.say("1")
    assert "quá hạn" in opened
    for _, typed, _ in NQ57_SCRIPT:
        bot.say(typed)
    bot.say("/gui")
    assert "nộp muộn" in bot.say("có")


def test_a_reopened_report_can_be_changed_after_the_deadline() -> None:
    bot = Harness()
    bot.file_whole_report()
    bot.say("/gui")
    bot.say("có")
    bot.now = datetime(2026, 12, 22, 9, 0, tzinfo=TZ)
    view = bot.reports[(NQ57_T.key, "2026-H2")]
    assert "6 tháng đầu năm 2027" in bot.say("/baocao")  # the only report left to file
    bot.say("/huy")
    view.status = "reopened"  # a coordinator reopened it
    text = bot.say("/baocao")
    assert "năm 2026 · mở lại để sửa" in text
    assert "mở lại để sửa" in bot.say("2")
    bot.say("/sua 5")
    bot.say("99")
    bot.say("/gui")
    assert "lần 2" in bot.say("có")
    assert view.answers["so_tin_bai_web"] == 99 and view.status == "submitted"


def test_unsent_edits_of_a_submitted_report_are_dropped_on_cancel() -> None:
    bot = Harness()
    bot.file_whole_report()
    bot.say("/gui")
    bot.say("có")
    bot.say("/baocao")
    bot.say("2")
    bot.say("/sua 5")
    bot.say("77")
    assert "huỷ các thay đổi" in bot.say("/huy")
    assert bot.reports[(NQ57_T.key, "2026-H2")].answers["so_tin_bai_web"] == 12


def test_english_locale_and_bare_words() -> None:
    bot = Harness(locale="en")
    assert "Choose the report" in bot.say("report")
    assert "Question 1/" in bot.say("2")
    assert "required" in bot.say("skip")
    assert "Commands for filing a report:" in bot.say("help")


@pytest.mark.parametrize("argument", ["0", "99", "abc"])
def test_edit_with_a_wrong_number_explains_the_range(argument: str) -> None:
    bot = Harness()
    bot.say("/baocao")
    bot.say("2")
    bot.say("có")
    bot.say("/xemlai")
    reply = bot.say(f"/sua {argument}")
    assert "từ 1 đến" in reply
    assert bot.state.mode == "review"


def test_missing_required_answers_block_submission() -> None:
    bot = Harness()
    bot.say("/baocao")
    bot.say("2")
    bot.say("có")
    reply = bot.say("/gui")
    assert "câu bắt buộc chưa trả lời" in reply and "Số hiệu kế hoạch" in reply
    assert bot.reports[(NQ57_T.key, "2026-H2")].status == "draft"


def test_a_reminder_button_opens_its_report_directly() -> None:
    bot = Harness(now=datetime(2026, 12, 21, 9, 0, tzinfo=TZ))  # two reports are open
    opened = bot.say(f"/baocao {NQ57_T.key} 2026-H2")
    assert "Chọn báo cáo" not in opened and "Kỳ: năm 2026" in opened
    bot.say("/huy")
    assert "Chọn báo cáo" in bot.say(f"/baocao {NQ57_T.key} 1999-H1")  # unknown: the menu
