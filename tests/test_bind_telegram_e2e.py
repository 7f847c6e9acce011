"""A stale button through the whole stack: real connector and aiogram over HTTP against the
fake Bot API, the real service and database (issue 13's "Không on Câu 1 stored for Câu 18")."""

from __future__ import annotations

from reportbot.service import ConversationService
from tests.conftest import FakeClock
from tests.fakes.telegram import FakeTelegram
from tests.support import NQ57_SCRIPT, stored_answers
from tests.test_telegram_e2e import (  # noqa: F401  (the `bot` fixture; `tg` is a plugin's)
    Bot,
    bot,
    open_current_report,
    register,
    texts,
)

OFFICER = 700_100_313


async def test_a_tap_on_question_1s_old_keyboard_edits_question_1(
    tg: FakeTelegram,
    bot: Bot,  # noqa: F811
    clock: FakeClock,
    service: ConversationService,
) -> None:
    phone = await register(tg, bot, clock, OFFICER)
    await open_current_report(phone)
    first = phone.question()
    assert "Câu 1/" in first["text"] and tg.buttons(first) == [["Có", "Không"]]
    for question_id, typed, _ in NQ57_SCRIPT:
        if question_id == "binh_dan_hoc_vu_so":
            break
        await phone.say(typed)  # typed, not tapped: Câu 1's keyboard stays live
    assert "Câu 22/27" in phone.question()["text"]  # the form version's number (numbering.py)
    assert (await stored_answers("hoiphunu"))["co_ke_hoach"] == "yes"

    asked = await phone._send(tg.press(OFFICER, "Không", message_id=first["message_id"]))
    assert "KH-12/HPN" in texts(asked)  # "Không" clears the plan's number and date: asked
    assert "✅" not in tg.messages[(OFFICER, first["message_id"])]["text"]  # nothing stored yet
    done = texts(await phone.press("Có"))
    assert "Đã sửa câu 1: Không" in done and "Bình dân học vụ số" in done

    stored = await stored_answers("hoiphunu")
    assert stored["co_ke_hoach"] == "no"
    assert "binh_dan_hoc_vu_so" not in stored and "so_ke_hoach" not in stored
    assert stored["so_tin_bai_web"] == 12  # the rest untouched
