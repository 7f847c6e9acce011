"""An officer whose chat app speaks English, on a platform without buttons (Zalo, the console).

Found filing the Resolution 57 report in English: the sentences said "Type /continue …", but
the command buttons, written out as text where there are no buttons, showed the Vietnamese
commands ("• ▶️ Answer the missing questions: /tieptuc", "• 📨 Submit: /gui"). They now show
the command of the reader's language, which the bot understands as well.
"""

from __future__ import annotations

from connectors.base import Capabilities, render_plain
from reportbot.service import ConversationService
from tests.support import NQ57_SCRIPT, Chat

VIETNAMESE = ("/tieptuc", "/gui", "/baocao", "/trogiup")
ZALO = Capabilities(commands_need_slash=False)


async def english(chat: Chat, text: str) -> str:
    replies = await chat.send(text, language_code="en")
    return "\n\n".join(render_plain(reply, chat.capabilities) for reply in replies)


def shows_no_vietnamese_command(text: str) -> None:
    for command in VIETNAMESE:
        assert command not in text, (command, text)


async def test_the_buttons_written_out_name_english_commands(
    service: ConversationService,
) -> None:
    chat = Chat(service, "u-hoiphunu")
    idle = await english(chat, "hello")
    assert "/report" in idle and "/continue" in idle and "/help" in idle
    shows_no_vietnamese_command(idle)
    await english(chat, "/report")
    await english(chat, "1")
    await english(chat, "yes")
    missing = await english(chat, "/review")
    assert "• ▶️ Answer the missing questions: /continue" in missing
    shows_no_vietnamese_command(missing)
    again = await english(chat, "/report")
    assert "• ▶️ Continue: /continue" in again and "/report khac" not in again
    shows_no_vietnamese_command(again)
    assert "Choose the report" in await english(chat, "/report other")


async def test_the_submit_button_and_zalo_without_slash(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu", capabilities=ZALO)
    await english(chat, "/report")
    await english(chat, "1")
    for _, typed, _ in NQ57_SCRIPT:
        await english(chat, typed)
    review = chat.transcript[-1][1]
    assert "• 📨 Submit: submit" in review, review
    confirm = await english(chat, "submit")  # the word shown works as a command
    assert "Submit “Resolution 57" in confirm


async def test_vietnamese_is_unchanged(service: ConversationService) -> None:
    chat = Chat(service, "u-hoiphunu")
    idle = await chat.say("xin chào")
    assert "• 📝 Làm báo cáo: /baocao" in idle and "• ▶️ Làm tiếp: /tieptuc" in idle
