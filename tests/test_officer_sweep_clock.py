"""A form's today() and now() read the bot's clock, not the machine's.

Found filing a form that dates itself: a calculation `today()`, a date question whose default
is `today()`, a time whose default is `now()` and a time typed "bây giờ" all took the
machine's clock, while the bot's own clock (the service's, which decides the period and the
deadline, and which tests and a bot run with a set clock move) said another day. The
report then said it was filed on a day the bot never lived. ODK takes them from the phone's
clock, the one clock of the filling (https://docs.getodk.org/form-operators-functions/#now);
the bot's one clock is the service's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from reportbot.service import ConversationService
from reportbot.store.forms import store_template
from tests.calc_support import stored_rows, xlsform_template
from tests.conftest import TZ, FakeClock
from tests.support import Chat, seed_commune

SURVEY = (
    ("type", "name", "label", "calculation", "default"),
    ("time", "gio_hop", "Giờ họp", "", ""),
    ("date", "ngay", "Ngày báo cáo", "", "today()"),
    ("time", "bat_dau", "Giờ bắt đầu", "", "now()"),
    ("calculate", "hom_nay", "Ngày lập", "format-date(today(), '%d/%m/%Y')", ""),
    ("calculate", "luc", "", "format-date-time(now(), '%H:%M')", ""),
    ("note", "ghi", "Lập ngày ${hom_nay} lúc ${luc}", "", ""),
    ("integer", "so_ho", "Số hộ", "", ""),
)
# Far from any day these tests run on: the machine's clock cannot agree by chance.
BOT_NOW = datetime(2031, 3, 4, 16, 45, tzinfo=TZ)


async def test_today_and_now_are_the_bots_clock(db: str, tmp_path: Path) -> None:
    clock = FakeClock(BOT_NOW)
    await seed_commune()
    template = xlsform_template(tmp_path, SURVEY)
    await store_template(template, "can_bo.xlsx", now=clock.now - timedelta(days=30))
    service = ConversationService(TZ, clock=clock)
    await service.start()
    try:
        chat = Chat(service, "u-hoiphunu")
        await chat.say("/baocao can_bo 2031-H1")  # as a reminder's button opens it
        asked = await chat.say("bây giờ")  # the meeting is now
        assert "Ngày báo cáo" in asked and "04/03/2031" in asked, asked  # today() offered
        asked = await chat.say("/boqua")  # takes the default
        assert "Giờ bắt đầu" in asked
        note = await chat.say("/boqua")  # now(): the moment it is skipped
        assert "Lập ngày 04/03/2031 lúc 16:45" in note, note
        review = await chat.say("12")
        assert "1. Giờ họp: 16:45" in review, review
        assert "2. Ngày báo cáo: 04/03/2031" in review and "3. Giờ bắt đầu: 16:45" in review
        assert "Ngày lập: 04/03/2031 (tự tính)" in review
        rows = await stored_rows("hoiphunu")
        assert (rows["gio_hop"], rows["ngay"], rows["bat_dau"]) == (
            '"16:45"',
            '"2031-03-04"',
            '"16:45"',
        )
        assert rows["hom_nay"] == '"04/03/2031"' and rows["luc"] == '"16:45"'
    finally:
        await service.close()
