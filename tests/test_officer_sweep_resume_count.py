"""Taking a report up again when only optional questions are empty.

Found filing the Resolution 57 report: an officer who answered everything required, skipped
"Khó khăn" and the signed file, then stopped (/huy), came back with /tieptuc and read
"đã trả lời 21 câu, còn 2 câu." followed by the review with nothing marked missing and the
"Gửi báo cáo" button: two questions "left" that nothing asks. The line now says the required
answers are complete and how many optional ones are empty.
"""

from __future__ import annotations

from reportbot.service import ConversationService
from tests.support import NQ57_SCRIPT, Chat


async def test_only_optional_questions_left(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.say("/baocao")
    await chat.say("1")
    for _, typed, _ in NQ57_SCRIPT:
        await chat.say(typed)
    assert "Xem lại" in chat.transcript[-1][1]
    await chat.say("/huy")
    resumed = await chat.say("/tieptuc")
    assert "đã trả lời 21 câu" in resumed
    assert "còn 2 câu." not in resumed
    assert "đủ các câu bắt buộc" in resumed and "2 câu không bắt buộc" in resumed
    assert "📨 Gửi báo cáo" in resumed
    await chat.send("/cancel", language_code="en")
    english = await chat.send("/continue", language_code="en")
    assert "all required answers given" in english[0].text, english[0].text


async def test_required_questions_left_keep_the_count(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.say("/baocao")
    await chat.say("1")
    for _, typed, _ in NQ57_SCRIPT[:3]:
        await chat.say(typed)
    await chat.say("/huy")
    resumed = await chat.say("/tieptuc")
    assert "đã trả lời 3 câu, còn 18 câu." in resumed
