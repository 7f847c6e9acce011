"""Asking to change an answer the way it is said: "sửa câu 3", "/sua3".

Found filing the Resolution 57 report: the review numbers every answer ("3. Ngày ban hành…",
"câu 3"), and an officer naturally typed "sửa câu 3" (taken for nothing on Zalo), "/sua câu
3" (answered "Xin ghi số thứ tự câu cần sửa") or "/sua3" (an unknown command). They now all
open question 3, as "/sua 3" does.
"""

from __future__ import annotations

import pytest

from reportbot.conversation.commands import OFFICER_COMMANDS, ParsedCommand
from reportbot.service import ConversationService
from tests.support import NQ57_SCRIPT, Chat


@pytest.mark.parametrize(
    ("typed", "bare_words"),
    [
        ("/sua 3", False),
        ("/sua câu 3", False),
        ("/sửa câu số 3", False),
        ("/sua3", True),
        ("/sua3.", False),
        ("/edit question 3", False),
        ("sửa câu 3", True),
        ("Sua cau so 3", True),
        ("sua 3", True),
        ("/sua #3", False),
    ],
)
def test_edit_with_the_words_around_the_number(typed: str, bare_words: bool) -> None:
    parsed = OFFICER_COMMANDS.parse(typed, bare_words=bare_words)
    assert parsed is not None and parsed.name == "edit"
    assert parsed.argument.lstrip("#") == "3"


@pytest.mark.parametrize("typed", ["sửa câu", "sửa lại cho đúng", "câu 3"])
def test_other_words_are_not_an_edit_without_a_slash(typed: str) -> None:
    assert OFFICER_COMMANDS.parse(typed) is None


def test_other_commands_glued_to_digits_stay_unknown() -> None:
    assert OFFICER_COMMANDS.parse("/baocao2") == ParsedCommand("unknown", "baocao2")


async def test_on_the_review_screen(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    await chat.say("/baocao")
    await chat.say("1")
    for _, typed, _ in NQ57_SCRIPT[:4]:
        await chat.say(typed)
    assert "Xem lại" in await chat.say("/xemlai")
    asked = await chat.say("sửa câu 2")
    assert "Câu 2/" in asked and "Đang ghi: KH-12/HPN" in asked
    assert "Xem lại" in await chat.say("KH-13")
    asked = await chat.say("/sua3")
    assert "Câu 3/" in asked and "Đang ghi: 01/03/2026" in asked
