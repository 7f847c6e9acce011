"""/baocao while a sent report is open in review: the line says it is sent, not "làm dở".

Found by a helper: an officer who opened the report they had sent and typed /baocao read
"Anh/chị đang làm dở … còn 2 câu" (the two were optional questions left empty), and took the
report for not sent. The line now says it was sent (which revision) and, when the officer
has changed answers and not sent them yet, that those changes are not sent.
"""

from __future__ import annotations

from reportbot.service import ConversationService
from tests.support import Chat
from tests.test_officer_sweep_sent import file_whole_report

TITLE = "“Báo cáo kết quả thực hiện Nghị quyết 57” – kỳ năm 2026"


async def test_a_sent_report_in_review_is_named_as_sent(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await file_whole_report(chat)
    assert "Xem lại" in await chat.say("/tieptuc")
    reply = await chat.say("/baocao")
    assert reply.startswith(f"Anh/chị đang mở {TITLE}, đã gửi (lần 1).\n"), reply
    assert "làm dở" not in reply and "còn" not in reply
    await chat.say("/sua 2")
    assert "Xem lại" in await chat.say("KH-99/HPN")
    reply = await chat.say("/baocao")
    assert reply.startswith(
        f"Anh/chị đang mở {TITLE}, đã gửi (lần 1). Có thay đổi chưa gửi: gõ /gui để gửi lại.\n"
    ), reply


async def test_in_english_too(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await file_whole_report(chat)
    await chat.say("/tieptuc")
    await chat.say("/sua 2")
    await chat.say("KH-99/HPN")
    replies = await chat.send("/report", language_code="en")
    assert replies[0].text.startswith(
        "You have Resolution 57 implementation report – year 2026 open, submitted "
        "(revision 1). It has changes not sent yet: /submit to send them.\n"
    ), replies[0].text
