"""What the README's officer walk met filing Resolution 57 on the console from a fresh clone.

The review of a report already sent: after "✅ Đã gửi … (lần 1)", /tieptuc and /xemlai
showed the answers with "Gõ … /gui để gửi báo cáo, /tieptuc để làm tiếp" and a first button
"📨 Gửi báo cáo: /gui", nothing saying the report was sent; pressing it only got "không câu
trả lời nào khác với bản đã gửi lần 1". Now the review of a sent report whose answers are as
sent says so (revision and time) and offers no sending; once an answer is changed, the
review offers sending it again.
"""

from __future__ import annotations

from reportbot.app import Application
from tests.conftest import FakeClock
from tests.support import Chat
from tests.test_officer_sweep_resend_unchanged import app, file_whole_report

__all__ = ["app"]  # the fixture: the bot, a commune, the shipped forms


async def test_the_review_of_a_sent_report_says_it_is_sent_and_offers_no_sending(
    app: Application, clock: FakeClock
) -> None:
    officer = Chat(app.service, "u-hoiphunu")
    await file_whole_report(officer)  # 10:00 26/11/2026
    clock.advance(hours=1)
    assert "Xem lại" in await officer.say("/tieptuc")
    review = await officer.say("/xemlai")
    assert "Đã gửi lần 1 lúc 10:00 26/11/2026; chưa sửa câu nào." in review, review
    assert "Gửi báo cáo" not in review and "/gui để gửi báo cáo" not in review, review
    assert "Gõ /sua <số> để sửa một câu rồi /gui để gửi lại" in review, review
    # A real change: the review offers sending it again.
    await officer.say("/sua 2")
    changed = await officer.say("KH-13/HPN")
    assert "📨 Gửi báo cáo: /gui" in changed and "Đã gửi lần 1" not in changed, changed


async def test_a_word_at_a_whole_number_question_gets_whole_number_examples(
    app: Application,
) -> None:
    """The walk typed "abc" at "Số infographic …" (a whole number) and was told "ví dụ 12,
    1.500 hoặc 2,5"; typing 2,5 as told was then refused as not a whole number."""
    officer = Chat(app.service, "u-hoiphunu")
    await officer.say("/baocao nq57_bao_cao_6_thang 2026-H2")
    for answer in ("có", "KH-12", "01/03/2026", "1", "5"):
        await officer.say(answer)
    reply = await officer.say("abc")
    assert reply == "Xin nhập một số nguyên, ví dụ 12 hoặc 1.500.", reply
    assert "Câu 7/" in await officer.say("12")
