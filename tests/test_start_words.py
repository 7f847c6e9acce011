"""What /batdau (/start) and registration say (issue 13 leftovers): /batdau with a report open
names the report it goes back into; a person of no unit (an administrator) is never told they
belong to "—"."""

from __future__ import annotations

from reportbot.registration import create_invite
from reportbot.service import ConversationService
from tests.conftest import FakeClock
from tests.support import NQ57_SCRIPT, Chat
from tests.test_engine import Harness

TITLE = "Báo cáo kết quả thực hiện Nghị quyết 57"  # forms/nq57_*.yaml, by hand


def test_start_with_a_report_open_names_it_before_the_question() -> None:
    bot = Harness()
    bot.say("/baocao")
    bot.say("2")
    for _, typed, _ in NQ57_SCRIPT[:4]:
        bot.say(typed)
    started = bot.say("/batdau")
    assert "Xin chào Lan! Tôi là trợ lý báo cáo của Đơn vị 1." in started
    resumed = f"Tiếp tục “{TITLE}” – năm 2026: đã trả lời 4 câu, còn "
    assert resumed in started and "Câu 5/27" in started
    assert started.index(resumed) < started.index("Câu 5/27")


def test_start_with_nothing_open_names_no_report() -> None:
    started = Harness().say("/batdau")
    assert "Xin chào Lan!" in started and "Tiếp tục" not in started


def test_start_in_english_names_the_report_in_english() -> None:
    bot = Harness(locale="en")
    bot.say("/report")
    bot.say("1")
    bot.say("yes")
    started = bot.say("/start")
    assert "Resuming " in started and "1 answered, " in started and "Question 2/" in started


async def test_an_administrator_of_no_unit_is_not_told_of_a_dash(
    service: ConversationService, clock: FakeClock
) -> None:
    invite = await create_invite(unit=None, role="admin", now=clock())
    chat = Chat(service, "u-admin-no-unit")
    replies = await chat.say(f"/start {invite.code}")
    assert "Đăng ký thành công! Anh/chị là quản trị viên (không thuộc đơn vị báo cáo nào)." in (
        replies
    )
    assert "Tôi là trợ lý báo cáo." in replies
    assert "—" not in replies and " của ." not in replies
    again = await chat.say("/batdau")
    assert "—" not in again and "Tôi là trợ lý báo cáo." in again
