"""`once()` in a calculation keeps the first value it took, as ODK does.

ODK: "once(expression): returns the value of the expression if the question's value is
empty; otherwise the current value of the question", used "to store the first value ever
given to a question" (https://docs.getodk.org/form-operators-functions/#once). Field forms
record when filling began with `once(today())` or `once(now())`, and freeze a first answer
with `once(${q})`. The bot stores calculations at each step that moves them and at /gui:
a `once` calculation keeps the value stored first instead of taking the day of sending.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from reportbot.service import ConversationService
from reportbot.store.forms import store_template
from tests.calc_support import stored_rows, xlsform_template
from tests.conftest import TZ, FakeClock
from tests.support import Chat, seed_commune

SURVEY = (
    ("type", "name", "label", "calculation"),
    ("integer", "so_ho", "Số hộ", ""),
    ("integer", "so_thon", "Số thôn", ""),
    ("calculate", "ngay_bat_dau", "Ngày bắt đầu", "once(today())"),
    ("calculate", "ngay_sua", "", "today()"),
    ("calculate", "so_ho_dau", "", "once(${so_ho})"),
)


async def test_once_keeps_the_first_value_through_edits_and_sending(
    db: str, clock: FakeClock, tmp_path: Path
) -> None:
    await seed_commune()
    template = xlsform_template(tmp_path, SURVEY)
    await store_template(template, "can_bo.xlsx", now=clock.now - timedelta(days=365))
    service = ConversationService(TZ, clock=clock)
    await service.start()
    try:
        chat = Chat(service, "u-hoiphunu")
        for line in ("/baocao", "1", "12"):  # 26/11/2026: the first answer
            await chat.say(line)
        first = await stored_rows("hoiphunu")
        assert first["ngay_bat_dau"] == first["ngay_sua"] == '"2026-11-26"'
        assert first["so_ho_dau"] == "12"
        clock.advance(days=2)  # 28/11: the household count is corrected, then the report sent
        for line in ("3", "/sua 1"):
            await chat.say(line)
        review = await chat.say("15")  # the review shows what is kept, not the day of editing
        assert "Ngày bắt đầu: 26/11/2026 (tự tính)" in review
        for line in ("/gui", "có"):
            await chat.say(line)
        sent = await stored_rows("hoiphunu")
        assert sent["so_ho"] == "15" and sent["ngay_sua"] == '"2026-11-28"'
        assert sent["ngay_bat_dau"] == '"2026-11-26"'  # once(): the day filling began
        assert sent["so_ho_dau"] == "12"  # once(): the first answer given
    finally:
        await service.close()
