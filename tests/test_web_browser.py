"""The coordinators' web page in a real headless Chromium (Debian's build, driven by Playwright).

The bot runs as on a console-only machine (no webhook connector): the page alone makes its web
server start. A coordinator asks for the link in chat, opens it, signs in, reads the status
table of a known set of reports (figures written by hand below), follows a unit, downloads the
.xlsx report; a used link, an expired link (the bot's clock moved) and a visit without the
cookie are refused. A phone-sized screenshot is kept in the test's tmp dir (and refreshes
docs/trang-web.png with REPORTBOT_UPDATE_DOCS=1).
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from connectors.base import ConnectorContext
from connectors.console import create as create_console
from drills.ports import free_port
from reportbot.app import Application
from reportbot.config import Settings
from reportbot.conversation.values import encode_value
from reportbot.store.models import Answer, Submission
from tests.conftest import ROOT, FakeClock
from tests.office_render import system_tool_missing
from tests.support import Chat, load_shipped_forms
from tests.test_coordination_chat import seed_people, seed_reports

playwright_api = pytest.importorskip("playwright.async_api")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS_PNG = ROOT / "docs" / "trang-web.png"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/web/dang-nhap\?t=[A-Za-z0-9_-]+")
HOSTILE = "<b>Xin</b> thêm <script>document.title='hacked'</script> kinh phí"

# 20/12/2026 23:30, the last half hour of the deadline day of 2026-H2 (hand-counted from
# tests.test_coordination_chat.seed_reports): on time hoiphunu, th_dakpxi and kinhte (reopened,
# first sent on time), late cns_thon1, drafting vhxh, not started doanthanhnien and tramyte.
EXPECTED_COUNTS = {
    "on_time": "3",
    "late": "1",
    "drafting": "1",
    "not_started": "2",
    "total": "7",
    "filed": "4",
}
EXPECTED_XLSX_STATUS = {
    "hoiphunu": "Đã nộp đúng hạn",
    "th_dakpxi": "Đã nộp đúng hạn",
    "kinhte": "Đã nộp đúng hạn (mở lại)",
    "cns_thon1": "Nộp muộn",
    "vhxh": "Đang soạn",
    "doanthanhnien": "Chưa bắt đầu",
    "tramyte": "Chưa bắt đầu",
}
SECTION = "#nq57_bao_cao_6_thang--2026-H2"


@pytest.fixture(autouse=True)
def chromium_installed() -> None:
    """Debian's chromium: skipped without it on a developer's machine, a failure in CI."""
    if not CHROMIUM.exists():
        system_tool_missing(
            "Debian's chromium not installed: run scripts/ensure-system-packages.sh"
        )


@pytest.fixture
async def running(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Application]:
    """The bot with the page enabled and only a console connector, started as `run` would."""
    await seed_people()
    await load_shipped_forms()
    await seed_reports()
    submission = await Submission.get(unit__code="hoiphunu")
    await Answer.filter(submission=submission, question_id="de_xuat").update(
        value=encode_value(HOSTILE)
    )
    clock.set_local(datetime(2026, 12, 20, 23, 30))
    port = free_port()
    settings = Settings(
        database_url=db,
        media_dir=tmp_path / "media",
        http_port=port,
        mirror_xlsx=tmp_path / "mirror.xlsx",
        env={"REPORTBOT_WEB_PUBLIC_URL": f"http://127.0.0.1:{port}/"},
    )
    application = Application(settings, clock=clock)
    console = ConnectorContext(
        handler=application.service,
        env={},
        config={"user_id": "u-nobody", "stdin": io.StringIO(), "stdout": io.StringIO()},
    )
    connector = create_console(console)
    assert connector is not None
    application.connectors.append(connector)
    await application.start()
    try:
        yield application
    finally:
        await application.close()


async def link_for(application: Application, user_id: str = "u-coord") -> str:
    """Ask the bot for a sign-in link in chat and return it."""
    reply = await Chat(application.service, user_id).say("/web")
    found = LINK.search(reply)
    assert found, reply
    assert "15 phút" in reply
    return found.group(0)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_coordinator_reads_the_page_in_chromium(
    running: Application, clock: FakeClock, tmp_path: Path
) -> None:
    link = await link_for(running)
    base = link.split("/web/")[0]
    async with playwright_api.async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(
                viewport={"width": 390, "height": 844}, accept_downloads=True, locale="vi-VN"
            )
            page = await context.new_page()

            # No cookie: the sign-in page, which says how to get a link.
            response = await page.goto(f"{base}/web/")
            assert response is not None and response.status == 401
            assert "nhắn /web" in await page.inner_text("main")

            await page.goto(link)
            await page.click("button:has-text('Đăng nhập')")
            await page.wait_for_url(f"{base}/web/")
            cookies = {c["name"]: c for c in await context.cookies()}
            cookie = cookies["reportbot_web"]
            assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
            assert not cookie["secure"]  # the public URL is http here

            counts = {
                bucket: (await page.inner_text(f"{SECTION} [data-bucket={bucket}]")).strip()
                for bucket in EXPECTED_COUNTS
            }
            assert counts == EXPECTED_COUNTS
            table = await page.inner_text(f"{SECTION} table")
            assert "Tổ công nghệ số cộng đồng thôn 1\tNộp muộn\t08:00 21/12/2026" in table
            shot = tmp_path / "trang-web.png"
            await page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000

            await page.click("text=Hội Liên hiệp Phụ nữ xã")
            main = await page.inner_text("main")
            assert "Tình trạng: Đã nộp đúng hạn" in main
            assert "15.000.000" in main
            assert HOSTILE in main  # shown as typed, not run nor rendered
            assert await page.title() == "Hội Liên hiệp Phụ nữ xã"
            assert await page.locator("td.answer b").count() == 0
            await page.go_back()

            async with page.expect_download() as info:
                await page.click(f"{SECTION} a[href$='.xlsx']")
            download = await info.value
            assert download.suggested_filename == "tong-hop-nq57_bao_cao_6_thang-2026-H2.xlsx"
            saved = tmp_path / download.suggested_filename
            await download.save_as(str(saved))
            sheet = load_workbook(saved)["Theo đơn vị"]
            statuses = {row[0]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
            assert statuses == EXPECTED_XLSX_STATUS

            # The link was spent: opening it again is refused, the session goes on.
            response = await page.goto(link)
            assert response is not None and response.status == 403
            assert "đã được dùng" in await page.inner_text("main")

            # A new link left unused for 16 minutes (the bot's clock) is refused.
            late = await link_for(running)
            clock.advance(minutes=16)
            fresh = await browser.new_page()
            response = await fresh.goto(late)
            assert response is not None and response.status == 403
            assert "hết hạn" in await fresh.inner_text("main")
            response = await fresh.goto(f"{base}/web/")
            assert response is not None and response.status == 401
        finally:
            await browser.close()
    if os.environ.get("REPORTBOT_UPDATE_DOCS"):
        shutil.copy(shot, DOCS_PNG)  # refresh the README's picture
