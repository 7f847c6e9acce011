"""One official in two units over Telegram (kiêm nhiệm, issue 13), polling and webhook: the
second invite's deep link adds the unit, the chooser's buttons name the unit, both reports are
filed from one chat, and a button of one unit's question never changes the other unit's report.
"""

from __future__ import annotations

from reportbot.registration import create_invite
from reportbot.service import ConversationService
from reportbot.store.models import Answer, Submission, Unit
from tests.conftest import FakeClock
from tests.fakes.telegram import FakeTelegram
from tests.test_telegram_e2e import Bot, bot, register, texts  # noqa: F401  (the `bot` fixture)

OFFICER = 700_500_600


async def _values(unit_code: str) -> dict[str, str]:
    submission = await Submission.get(unit__code=unit_code)
    rows = await Answer.filter(submission=submission).values_list("question_id", "value")
    return dict(rows)


async def test_two_units_filed_from_one_telegram_chat(
    tg: FakeTelegram,
    bot: Bot,  # noqa: F811
    clock: FakeClock,
    service: ConversationService,
) -> None:
    phone = await register(tg, bot, clock, OFFICER)  # Hội Liên hiệp Phụ nữ xã
    second = await Unit.get(code="vhxh")
    invite = await create_invite(unit=second, role="officer", now=clock())
    joined = texts(await phone.say(f"/start {invite.code}"))  # t.me/<bot>?start=<code>
    assert "đã được thêm vào đơn vị Phòng Văn hóa - Xã hội" in joined and "2 đơn vị" in joined

    menu = await phone.say("/baocao")
    labels = [label for row in tg.buttons(menu[-1]) for label in row]
    assert sum("· Hội Liên hiệp" in label for label in labels) == 2
    assert sum("· Phòng Văn hóa" in label for label in labels) == 2
    opened = texts(await phone.press("chưa làm · Phòng Văn hóa"))
    assert "Câu 1/" in opened
    culture_q1 = phone.question()["message_id"]
    await phone.say("có")  # typed, not tapped: Câu 1's buttons stay on that message
    assert await _values("vhxh") == {"co_ke_hoach": '"yes"'}

    await phone.say("/baocao khac")
    await phone.press("chưa làm · Hội Liên hiệp")
    women_q1 = phone.question()["message_id"]
    assert women_q1 != culture_q1
    await phone.press("Không")
    assert await _values("hoiphunu") == {"co_ke_hoach": '"no"'}

    # The old "Không" of the second unit's question 1, tapped now: the same form, period and
    # question, but another unit's report. Nothing is stored in either report.
    stale = await phone._send(tg.press(OFFICER, "Không", message_id=culture_q1))
    assert "không còn mở" in texts(stale)
    assert await _values("vhxh") == {"co_ke_hoach": '"yes"'}
    assert await _values("hoiphunu") == {"co_ke_hoach": '"no"'}
