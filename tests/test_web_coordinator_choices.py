"""Coordinators pick by number: /tonghop with several forms offers them numbered (and as
buttons) instead of asking for a form key; /trogiup lists the role's commands, /web included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from reportbot.app import Application
from reportbot.config import Settings
from reportbot.store.models import ConnectorState
from tests.conftest import FORMS_DIR, NQ57, FakeClock
from tests.support import Chat, load_shipped_forms
from tests.test_coordination_chat import file_report, local, seed_people, seed_reports

MONTHLY = FORMS_DIR / "example_monthly.yaml"
# The titles in Vietnamese order ("kết quả" before "nhanh").
OFFER = [
    "Có nhiều mẫu báo cáo. Chọn mẫu cần tổng hợp (gõ số hoặc bấm nút):",
    "",
    "1. Báo cáo kết quả thực hiện Nghị quyết 57",
    "2. Báo cáo nhanh chuyển đổi số hằng tháng",
]


@pytest.fixture
async def app(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Application]:
    await seed_people()
    await load_shipped_forms(NQ57, MONTHLY)
    await seed_reports()
    clock.set_local(datetime(2026, 12, 22, 9, 0))
    settings = Settings(
        database_url=db,
        media_dir=tmp_path / "media",
        env={"REPORTBOT_WEB_PUBLIC_URL": "https://baocao.example.vn"},
    )
    application = Application(settings, clock=clock)
    await application.service.start()
    yield application
    await application.service.close()


async def test_summary_offers_the_forms_by_number(app: Application) -> None:
    coordinator = Chat(app.service, "u-coord")
    offer = await coordinator.say("/tonghop")
    assert offer.splitlines() == OFFER
    assert "nq57_bao_cao_6_thang" not in offer  # no key to type
    assert "1 đến 2" in await coordinator.say("7")
    replies = await coordinator.send("1")
    assert "Nghị quyết 57" in replies[0].text
    assert [Path(r.attachment_path or "").suffix for r in replies[1:]] == [
        ".xlsx",
        ".docx",
        ".png",
    ]
    # The offer was used: a later "1" is not a summary any more.
    again = await coordinator.send("1")
    assert not any(r.attachment_path for r in again)


async def test_a_button_press_and_zalo_style_words_pick_too(app: Application) -> None:
    coordinator = Chat(app.service, "u-coord")
    offered = await coordinator.send("tong hop")  # no slash
    payloads = [choice.payload for choice in offered[0].choices]
    assert payloads == ["#tonghop-1", "#tonghop-2"]
    replies = await coordinator.send(choice=payloads[1])
    assert "Báo cáo nhanh chuyển đổi số hằng tháng" in replies[0].text
    assert replies[-1].attachment_path and replies[-1].attachment_path.endswith(".png")


async def test_an_old_offer_is_forgotten(app: Application, clock: FakeClock) -> None:
    coordinator = Chat(app.service, "u-coord")
    await coordinator.say("/tonghop")
    assert await ConnectorState.filter(connector="coordination").count() == 1
    clock.advance(minutes=31)
    replies = await coordinator.send("2")
    assert not any(r.attachment_path for r in replies)
    assert not await ConnectorState.filter(connector="coordination").exists()


async def test_officers_numbers_are_theirs(app: Application) -> None:
    officer = Chat(app.service, "u-cns_thon1")  # a community team: both forms apply
    assert "Chọn báo cáo cần làm" in await officer.say("/baocao")
    opened = await officer.say("3")  # a report from their own menu, as before
    assert opened.startswith("📋 Báo cáo") and "Câu 1/" in opened


async def test_help_lists_the_role_commands_with_the_web_page(app: Application) -> None:
    coordinator = await Chat(app.service, "u-coord").say("/trogiup")
    for command in ("/tinhhinh", "/xem", "/mo ", "/tonghop", "/web"):  # /molai: now /mo
        assert command in coordinator, command
    assert "/moi" not in coordinator
    officer = await Chat(app.service, "u-hoiphunu").say("/trogiup")
    assert "/web" not in officer and "/tonghop" not in officer


async def test_web_without_the_page_says_it_is_off_not_unknown(
    db: str, clock: FakeClock, tmp_path: Path
) -> None:
    """No REPORTBOT_WEB_PUBLIC_URL: /web names the setting and what works meanwhile."""
    await seed_people()
    await load_shipped_forms(NQ57)
    application = Application(Settings(database_url=db, media_dir=tmp_path / "media", env={}))
    await application.service.start()
    try:
        reply = await Chat(application.service, "u-coord").say("/web")
        assert reply.startswith("Trang theo dõi báo cáo chưa được bật")
        assert "REPORTBOT_WEB_PUBLIC_URL" in reply and "/tinhhinh" in reply
        assert "không hiểu" not in reply.lower()
        assert "/web" not in await Chat(application.service, "u-coord").say("/trogiup")
    finally:
        await application.service.close()


# The periods of NQ57 with reports at 22/12/2026, newest first, as counted by hand: 2026-H2
# has 4 of the 7 units filed (seed_reports: 3 on time, 1 late; a draft and a reopened report do
# not count), 2026-H1 has the two reports filed below.
PERIOD_OFFER = [
    "Mẫu “Báo cáo kết quả thực hiện Nghị quyết 57” có báo cáo của nhiều kỳ. "
    "Chọn kỳ cần tổng hợp (gõ số hoặc bấm nút):",
    "",
    "1. năm 2026 · 4/7 đã nộp",
    "2. 6 tháng đầu năm 2026 · 2/7 đã nộp",
]


async def file_first_half() -> None:
    """Two units' reports for 2026-H1, filed in June."""
    for code, staff in (("hoiphunu", 28), ("th_dakpxi", 35)):
        await file_report(
            code,
            {"co_ke_hoach": "yes", "tong_so_can_bo": staff},
            submitted_at=local(2026, 6, 18, 9, 0),
            period_key="2026-H1",
        )


async def test_summary_offers_the_periods_with_reports_newest_first(app: Application) -> None:
    await file_first_half()
    coordinator = Chat(app.service, "u-coord")
    offer = await coordinator.say("tong hop nq57_bao_cao_6_thang")
    assert offer.splitlines() == PERIOD_OFFER
    assert "1 đến 2" in await coordinator.say("3")
    replies = await coordinator.send("2")
    assert "6 tháng đầu năm 2026" in replies[0].text and "2/7" in replies[0].text
    files = [Path(r.attachment_path or "").name for r in replies[1:]]
    assert len(files) == 3 and all("-2026-H1-" in name for name in files)


async def test_form_choice_then_period_choice_by_button(app: Application) -> None:
    await file_first_half()
    coordinator = Chat(app.service, "u-coord")
    assert (await coordinator.say("/tonghop")).splitlines() == OFFER
    periods = await coordinator.send("1")  # NQ57: two periods with reports, so a second choice
    assert [c.label for c in periods[0].choices] == [line[3:] for line in PERIOD_OFFER[2:]]
    replies = await coordinator.send(choice=periods[0].choices[0].payload)
    assert "-2026-H2-" in Path(replies[-1].attachment_path or "").name
    # A period typed with the command needs no choice.
    direct = await coordinator.send("/tonghop nq57_bao_cao_6_thang 2026-H1")
    assert "-2026-H1-" in Path(direct[-1].attachment_path or "").name
