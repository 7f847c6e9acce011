"""Issue 13's scenarios through the whole stack, polling and webhook: the real connector and
aiogram over HTTP against the fake Bot API, the real service (with the media gate) and a real
database. A split paste, an album, an edited message (the corpus shapes of
tests/fakes/telegram_updates/), "Xong" with nothing or a refused combination ticked, and the
optional file question left by its button or by "không có".

Question numbers and labels are written by hand from forms/nq57_bao_cao_6_thang.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reportbot.conversation.parsing import normalize_text
from reportbot.vocabulary.format import number_text
from tests.conftest import FakeClock
from tests.fakes.telegram import FakeTelegram
from tests.support import NQ57_SCRIPT, stored_answers
from tests.test_telegram_e2e import (  # noqa: F401  (the `bot` fixture; `tg` is a plugin's)
    SECRET,
    Bot,
    Phone,
    answer,
    bot,
    open_current_report,
    register,
    texts,
)

OFFICER = 700_100_414


@dataclass
class Journey:
    """One officer's way through the bot: the fake Bot API, the running bot and the clock."""

    tg: FakeTelegram
    bot: Bot
    clock: FakeClock

    async def register(self) -> Phone:
        """The officer, registered."""
        return await register(self.tg, self.bot, self.clock, OFFICER)

    async def until(self, question_id: str) -> Phone:
        """The officer answering the report the usual way until `question_id` is asked."""
        phone = await self.register()
        await open_current_report(phone)
        for qid, typed, _ in NQ57_SCRIPT:
            if qid == question_id:
                return phone
            await answer(phone, qid, typed)
        raise AssertionError(f"{question_id} never asked")

    async def send_all(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Several updates sent one after the other; the bot's new messages."""
        return await _send_all(self.tg, self.bot, updates)


@pytest.fixture
def journey(tg: FakeTelegram, bot: Bot, clock: FakeClock) -> Journey:  # noqa: F811
    """The scenarios' officer on the bot under test (polling or webhook)."""
    return Journey(tg, bot, clock)


async def _send_all(
    tg: FakeTelegram, harness: Bot, updates: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Several updates as Telegram sends them, one after the other; the bot's new messages."""
    assert harness.connector is not None
    before = len(tg.bot_messages(OFFICER))
    if harness.mode == "webhook":
        for update in updates:
            assert await tg.post_webhook(harness.url, update, SECRET) == 200
    else:
        tg.enqueue(*updates)
        last = updates[-1]["update_id"]
        await tg.wait_for(lambda: tg.confirmed_offset > last, what="the updates to be read")
    assert await harness.connector.settle(5.0)
    return tg.bot_messages(OFFICER)[before:]


async def test_a_split_paste_is_stored_whole_and_said_once(
    tg: FakeTelegram, journey: Journey
) -> None:
    phone = await journey.until("mo_hinh_hay")
    assert "Câu 24/27" in phone.question()["text"]  # Mô hình hay: a long text, 10,000 max
    updates = tg.load_corpus("split_paste", OFFICER)
    replies = texts(await journey.send_all(updates))
    whole = "\n".join(u["message"]["text"] for u in updates)
    assert len(whole) == 6000
    # Not the tail only: the whole paste, read like any text (trailing spaces of lines off).
    assert (await stored_answers("hoiphunu"))["mo_hinh_hay"] == normalize_text(whole)
    stored = len(normalize_text(whole))
    joined = f"Đã ghép 2 tin nhắn thành một câu trả lời ({number_text(stored)} ký tự)."
    assert replies.count(joined) == 1 and replies.count("ghép") == 1, "told once"
    assert "Câu 25/27" in replies  # and moved on once


async def test_an_album_is_one_answer_of_three_files(tg: FakeTelegram, journey: Journey) -> None:
    phone = await journey.until("tep_bao_cao")
    assert "Câu 27/27" in phone.question()["text"]
    updates = tg.load_corpus("album_three_pages", OFFICER)
    replies = texts(await journey.send_all(updates))
    assert "Xem lại" in replies and "Câu" not in replies.split("Xem lại")[0]
    stored = (await stored_answers("hoiphunu"))["tep_bao_cao"]
    assert isinstance(stored, dict)
    pages = stored["files"]
    assert len(pages) == 3
    for page, update in zip(pages, updates, strict=True):
        path = Path(page["path"])
        assert not path.is_absolute() and path.parts[0] == "people"  # relative to media/
        largest = update["message"]["photo"][-1]["file_id"]
        assert (journey.bot.media / path).read_bytes() == tg.files[largest].content


async def test_an_edit_of_the_answer_changes_it_and_says_so(
    tg: FakeTelegram, journey: Journey
) -> None:
    phone = await journey.until("so_tin_bai_web")
    typed, edited = tg.load_corpus("edited_message", OFFICER)  # "15", then edited to "150"
    assert "Câu 6/27" in texts(await journey.send_all([typed]))
    assert (await stored_answers("hoiphunu"))["so_tin_bai_web"] == 15
    changed = texts(await journey.send_all([edited]))
    assert "Đã sửa câu 5: 150" in changed and "Câu 6/27" in changed  # back where it was
    assert (await stored_answers("hoiphunu"))["so_tin_bai_web"] == 150
    # An edit of a message that answered nothing (the /baocao command) is never a command
    # nor an answer: the officer is told how to change an answer.
    await phone._send(tg.text_update(OFFICER, "3"))  # answers Câu 6 (so_infographic_web)
    other = tg.text_update(OFFICER, "/baocao")
    await phone._send(other)
    hint = texts(await phone._send(tg.edit_update(OFFICER, other["message"]["message_id"], "9")))
    assert "/sua N" in hint
    stored = await stored_answers("hoiphunu")
    assert stored["so_infographic_web"] == 3 and "so_video_web" not in stored


async def test_done_with_nothing_or_a_refused_combination_keeps_the_question(
    tg: FakeTelegram, journey: Journey
) -> None:
    phone = await journey.until("su_kien")
    asked = phone.question()
    empty = texts(await phone.press("Xong"))
    assert "Chưa chọn mục nào" in empty
    kept = tg.messages[(OFFICER, asked["message_id"])]
    assert "✅" not in kept["text"] and tg.buttons(kept)[-1] == ["✅ Xong / Done"]
    assert "su_kien" not in await stored_answers("hoiphunu")

    again = phone.question()  # the question asked again, with its keyboard
    for label in ("18/5", "Chưa tổ chức"):
        assert await phone.press(label) == []
    refused = texts(await phone.press("Xong"))
    assert '"Chưa tổ chức" không chọn cùng các sự kiện khác' in refused
    assert "su_kien" not in await stored_answers("hoiphunu")
    latest = phone.question()
    ticks = [b for row in tg.buttons(latest) for b in row if b.startswith("☑")]
    assert len(ticks) == 2, "the refused ticks are kept"
    assert "✅" not in tg.messages[(OFFICER, again["message_id"])]["text"]

    assert await phone.press("Chưa tổ chức") == []  # untick
    await phone.press("Xong")
    assert (await stored_answers("hoiphunu"))["su_kien"] == ["ngay_18_5"]
    shown = tg.messages[(OFFICER, latest["message_id"])]
    assert shown["text"].endswith("\n\n✅ Ngày Khoa học và Công nghệ Việt Nam (18/5)")
    assert "reply_markup" not in shown


async def test_the_optional_file_question_is_left_by_its_button(
    tg: FakeTelegram, journey: Journey
) -> None:
    phone = await journey.until("tep_bao_cao")
    asked = phone.question()
    assert tg.buttons(asked) == [["Không có"]]
    sticker = texts(await phone._send(tg.sticker_update(OFFICER)))
    assert "xin trả lời bằng chữ" not in sticker.lower() and "gửi ảnh hoặc tệp" in sticker
    left = texts(await phone.press("Không có"))
    assert "Xem lại" in left
    assert "tep_bao_cao" not in await stored_answers("hoiphunu")


async def test_the_optional_file_question_is_left_by_no_file_words(
    tg: FakeTelegram, journey: Journey
) -> None:
    await journey.until("tep_bao_cao")
    left = texts(await journey.send_all([tg.text_update(OFFICER, "không có")]))
    assert "Đã bỏ qua" in left and "Xem lại" in left
    assert "tep_bao_cao" not in await stored_answers("hoiphunu")


async def test_the_file_questions_old_button_leaves_the_question_asked_now_alone(
    tg: FakeTelegram, journey: Journey
) -> None:
    phone = await journey.until("tep_bao_cao")
    file_question = phone.question()["message_id"]
    assert "Câu 24/27" in texts(await phone.say("/sua 24"))
    tapped = texts(await phone._send(tg.press(OFFICER, "Không có", message_id=file_question)))
    assert "Nút này thuộc câu 27" in tapped and "Câu 24/27" in tapped
    assert (await stored_answers("hoiphunu"))["mo_hinh_hay"] == NQ57_SCRIPT[19][2]


async def test_an_optional_text_question_is_left_by_its_button(
    tg: FakeTelegram, journey: Journey
) -> None:
    phone = await journey.until("mo_hinh_hay")
    assert tg.buttons(phone.question()) == [["⏭ Bỏ qua"]]
    left = texts(await phone.press("Bỏ qua"))
    assert "Đã bỏ qua" in left and "Câu 25/27" in left
    assert "mo_hinh_hay" not in await stored_answers("hoiphunu")


async def test_an_old_report_chooser_button_changes_no_answer(
    tg: FakeTelegram, journey: Journey
) -> None:
    phone = await journey.register()
    await phone.say("/baocao")
    chooser = phone.question()["message_id"]
    assert "Câu 1/" in texts(await phone.say("1"))  # typed: the chooser keeps its buttons
    for qid, typed, _ in NQ57_SCRIPT[:3]:
        await answer(phone, qid, typed)
    assert "Câu 4/27" in phone.question()["text"]  # the web column: Đã có / Chưa có / ...
    tapped = texts(await phone._send(tg.press(OFFICER, "năm 2026", message_id=chooser)))
    assert "Nút này thuộc một tin nhắn cũ" in tapped and "Câu 4/27" in tapped
    assert "chuyen_muc_web" not in await stored_answers("hoiphunu")
