"""/xem <unit> tells the coordinator whom of the unit's officers the bot cannot reach;
/tinhhinh names the units owing a report that it cannot reach.

Only the digest said it: a coordinator looking at one unit learned nothing of an officer who
blocked the bot or never registered. The same six units as tests/test_figures_digest.py (the
same reasons, in the digest's words); this bot runs the console connector only. Texts written
by hand, Vietnamese and English.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.reminders.schedule import SENT, UNDELIVERABLE
from reportbot.store.models import Identity, Person, ReminderDelivery, Unit
from reportbot.store.queries.reminders import latest_outcomes
from tests.conftest import FakeClock
from tests.support import Chat
from tests.test_coordination_chat import console_for
from tests.test_figures_digest import NOW, seed

TAIL_VI = "Xin anh/chị báo trực tiếp cho đơn vị."


@pytest.fixture
async def app(db: str, tmp_path: Path) -> AsyncIterator[Application]:
    await seed()
    for locale in ("vi", "en"):  # the digest's coordinators, given a console account
        person = await Person.get(name=f"Điều phối {locale}")
        chat = f"c-{locale}"
        await Identity.create(platform="console", external_id=chat, chat_id=chat, person=person)
    application = Application(
        Settings(database_url=db, media_dir=tmp_path / "media"), clock=FakeClock(NOW)
    )
    await application.service.start()
    console_for(application, "c-vi")  # the console connector runs; Zalo OA does not
    try:
        yield application
    finally:
        await application.service.close()


async def test_view_names_the_officers_the_bot_cannot_reach(app: Application) -> None:
    coordinator = Chat(app.service, "c-vi")
    expected = {
        "doan": "Đoàn Thanh niên xã chưa có báo cáo nào.\n"
        f"⚠️ Bot không liên lạc được: chưa có cán bộ. {TAIL_VI}",
        "hnd": "Hội Nông dân xã chưa có báo cáo nào.\n⚠️ Bot không liên lạc được: "
        f"Cán bộ Cúc: chưa đăng ký tài khoản nhắn tin. {TAIL_VI}",
        "ccb": "Hội Cựu chiến binh xã chưa có báo cáo nào.\n⚠️ Bot không liên lạc được: "
        f"Cán bộ Dũng: tài khoản zalo_oa chưa được kết nối. {TAIL_VI}",
        # Mai is reachable; Nam's reminder was refused for good.
        "mttq": "Ủy ban MTTQ xã chưa có báo cáo nào.\n⚠️ Bot không liên lạc được: "
        f"Cán bộ Nam: không gửi được tin nhắn. {TAIL_VI}",
        "ldld": "Liên đoàn Lao động xã chưa có báo cáo nào.",  # Lan is reachable: no line
    }
    for code, text in expected.items():
        assert await coordinator.say(f"/xem {code}") == text, code


async def test_a_filed_report_shows_the_line_under_its_status(app: Application) -> None:
    hpn = await Unit.get(code="hpn")
    blocked = await Person.create(name="Cán bộ Tú", unit=hpn, role="officer")
    await Identity.create(platform="console", external_id="tu", chat_id="tu", person=blocked)
    refused = "telegram: Forbidden: bot was blocked by the user"
    await _reminder(blocked, "late-1", UNDELIVERABLE, refused)
    reply = await Chat(app.service, "c-vi").say("/xem hpn")
    lines = reply.split("\n")
    assert lines[2].startswith("Tình trạng: ")
    assert lines[3] == f"⚠️ Bot không liên lạc được: Cán bộ Tú: không gửi được tin nhắn. {TAIL_VI}"
    # A later reminder that went through: Tú can be reached again, the line is gone.
    await _reminder(blocked, "late-2", SENT, None, later=timedelta(days=1))
    assert "⚠️" not in await Chat(app.service, "c-vi").say("/xem hpn")


@pytest.mark.parametrize(
    ("first", "then", "reachable"),
    [(UNDELIVERABLE, SENT, True), (SENT, UNDELIVERABLE, False)],
)
async def test_view_and_digest_agree_on_two_reminders_due_at_once(
    app: Application, first: str, then: str, reachable: bool
) -> None:
    # Two kinds due at the same moment, one refused, one sent: the row written later wins in
    # /xem as in the digest (/xem took the refusal whatever the order; the digest the later).
    hpn = await Unit.get(code="hpn")
    tu = await Person.create(name="Cán bộ Tú", unit=hpn, role="officer")
    await Identity.create(platform="console", external_id="tu", chat_id="tu", person=tu)
    errors = {UNDELIVERABLE: "telegram: Forbidden: bot was blocked by the user", SENT: None}
    await _reminder(tu, "late-1", first, errors[first])
    await _reminder(tu, "late-2", then, errors[then])
    reply = await Chat(app.service, "c-vi").say("/xem hpn")
    assert ("Cán bộ Tú: không gửi được tin nhắn" not in reply) is reachable
    digest = await latest_outcomes("so_lieu", "2026-H2", (SENT, UNDELIVERABLE))
    assert digest[tu.id][0] == (SENT if reachable else UNDELIVERABLE)


async def test_zalo_not_following_and_english(app: Application) -> None:
    lan = await Person.get(name="Cán bộ Lan")
    await _reminder(lan, "late-1", UNDELIVERABLE, "zalo_oa: Zalo OA -213 user has not followed")
    reply = await Chat(app.service, "c-en").say("/view ldld")
    assert reply == (
        "Liên đoàn Lao động xã has no report.\n⚠️ The bot cannot reach: Cán bộ Lan: does not "
        "follow the Zalo OA (or unfollowed it): must tap Follow to get messages. Please tell "
        "the unit directly."
    )


async def _reminder(
    person: Person, kind: str, status: str, error: str | None, later: timedelta = timedelta()
) -> None:
    await ReminderDelivery.create(
        person=person,
        form_key="so_lieu",
        period_key="2026-H2",
        kind=kind,
        status=status,
        due_at=NOW - timedelta(hours=1) + later,
        attempts=1,
        last_error=error,
        created_at=NOW - timedelta(hours=1) + later,
    )


async def test_status_names_the_units_not_filed_it_cannot_reach(app: Application) -> None:
    # 2027-H1 is current (nobody filed), 2026 is behind: hpn filed it, five did not. A unit is
    # unreachable when none of its officers can be reached: doan (no officer), ccb, hnd; not
    # mttq (Nam refused, Mai reachable), ldld (Lan) nor hpn (Hà; Tú, blocked, added here).
    # Each period's line names only the units owing that period: hpn filed 2026, it is never
    # in 2026's line (it was, from the current period merged in, and for its blocked Tú).
    hpn = await Unit.get(code="hpn")
    tu = await Person.create(name="Cán bộ Tú", unit=hpn, role="officer")
    await Identity.create(platform="console", external_id="tu", chat_id="tu", person=tu)
    await _reminder(tu, "late-1", UNDELIVERABLE, "console: refused")
    lines = (await Chat(app.service, "c-vi").say("/tinhhinh")).split("\n")
    names = "Đoàn Thanh niên xã, Hội Cựu chiến binh xã, Hội Nông dân xã"
    assert lines[-4:] == [
        "Tổng: 6 đơn vị phải nộp; đã nộp 0/6.",
        "⚠️ Bot không liên lạc được cán bộ nào của 3 đơn vị chưa nộp báo cáo 6 tháng đầu "
        f"năm 2027: {names}. Gõ /xem <đơn vị> để biết lý do.",
        "Kỳ trước (năm 2026): còn 5 đơn vị chưa nộp: Đoàn Thanh niên xã, Hội Cựu chiến binh "
        "xã, Hội Nông dân xã, Liên đoàn Lao động xã, Ủy ban MTTQ xã.",
        "⚠️ Bot không liên lạc được cán bộ nào của 3 đơn vị chưa nộp báo cáo năm 2026: "
        f"{names}. Gõ /xem <đơn vị> để biết lý do.",
    ]
    english = (await Chat(app.service, "c-en").say("/status")).split("\n")
    assert english[-1] == (
        "⚠️ The bot cannot reach any officer of units that have not filed year 2026 (3): "
        f"{names}. Type /view <unit> to see why."
    )


async def test_status_lists_no_unit_one_of_whose_officers_is_reached(app: Application) -> None:
    # Every unit keeps one officer the bot reaches: no line at all, for either period.
    for code, name in (("doan", "Cán bộ Đào"), ("hnd", "Cán bộ Hương"), ("ccb", "Cán bộ Cường")):
        person = await Person.create(name=name, unit=await Unit.get(code=code), role="officer")
        await Identity.create(platform="console", external_id=code, chat_id=code, person=person)
    assert "⚠️" not in await Chat(app.service, "c-vi").say("/tinhhinh")
