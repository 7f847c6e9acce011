"""After sending: an officer who taps "Gửi" again, or wants to see what was sent.

Found filing the Resolution 57 report: right after "✅ Đã gửi", a second /gui (a double tap on
a slow phone) or /xemlai answered "Lệnh này dùng khi đang làm báo cáo. Gõ /baocao để bắt
đầu.", as if nothing had been sent. The bot now says the report was sent (which revision),
and how to see or change it while it can still be changed; nothing is sent again.
"""

from __future__ import annotations

from reportbot.service import ConversationService
from reportbot.store.models import Submission
from tests.conftest import FakeClock
from tests.support import Chat, nq57_lines


async def file_whole_report(chat: Chat) -> None:
    lines = nq57_lines()
    await chat.say(lines[0])
    await chat.say("2")  # the current period (the overdue previous one is listed first)
    for line in lines[1:]:
        await chat.say(line)
    assert "✅ Đã gửi" in chat.transcript[-1][1]


async def test_send_again_after_sending_says_it_was_sent(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await file_whole_report(chat)
    for typed in ("/gui", "gui", "/xemlai"):
        reply = await chat.say(typed)
        assert "đã gửi (lần 1)" in reply, reply
        assert "để bắt đầu" not in reply
        assert "/tieptuc" in reply and "20/12/2026" in reply  # how to change it, until when
    submission = await Submission.get(unit__code="hoiphunu")
    assert (submission.status, submission.revision) == ("submitted", 1)  # nothing sent again
    review = await chat.say("/tieptuc")  # what the sentence offers works
    assert "Xem lại" in review and "15.000.000" in review


async def test_after_the_deadline_it_says_the_report_is_locked(
    service: ConversationService, clock: FakeClock
) -> None:
    chat = Chat(service, "u-hoiphunu")
    await file_whole_report(chat)
    clock.advance(days=30)  # past 20/12/2026
    reply = await chat.say("/gui")
    assert "đã gửi (lần 1)" in reply and "hết hạn" in reply
    assert "/tieptuc" not in reply


async def test_in_english_too(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await file_whole_report(chat)
    replies = await chat.send("/submit", language_code="en")
    text = replies[0].text
    assert "submitted (revision 1)" in text and "/continue" in text, text


async def test_after_a_second_sending_it_says_the_second(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await file_whole_report(chat)
    assert "Xem lại" in await chat.say("/tieptuc")
    await chat.say("/sua 2")
    assert "Xem lại" in await chat.say("KH-99/HPN")
    await chat.say("/gui")
    assert "✅ Đã gửi" in await chat.say("có")
    reply = await chat.say("/gui")
    assert "đã gửi (lần 2)" in reply, reply
    submission = await Submission.get(unit__code="hoiphunu")
    assert submission.revision == 2
