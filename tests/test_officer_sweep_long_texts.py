"""Lengths in the sentences about a too long answer are written as the reader writes numbers.

Found pasting a long text into "Mô hình hay, cách làm hiệu quả": "Câu trả lời dài quá: tối
đa 10000 ký tự." and "Tin nhắn dài quá (25000 ký tự); xin gửi không quá 20000 ký tự." where
every other figure of the bot reads 10.000 (and 10,000 in English).
"""

from __future__ import annotations

from reportbot.service import ConversationService
from tests.support import Chat


async def test_lengths_are_grouped_for_the_reader(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.answer_until("mo_hinh_hay")
    refused = await chat.say("x" * 12_000)
    assert "tối đa 10.000 ký tự" in refused, refused
    refused = await chat.say("x" * 25_000)
    assert "(25.000 ký tự)" in refused and "không quá 20.000 ký tự" in refused, refused
    english = await chat.send("x" * 12_000, language_code="en")
    assert "at most 10,000 characters" in english[0].text, english[0].text
