"""The coordinators' web page over plain HTTP: settings, sign-in rules, roles, downloads.

The browser journey is tests/test_web_browser.py; here the same server is reached with aiohttp's
client, to check what a browser hides (headers, concurrent use of one link, a demoted person).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from drills.ports import free_port
from reportbot.app import Application
from reportbot.config import ConfigError, Settings
from reportbot.store.models import ConnectorState, Person
from reportbot.web.config import web_settings
from reportbot.web.signin import SignIn, digest
from tests.conftest import FakeClock
from tests.support import Chat, load_shipped_forms
from tests.test_coordination_chat import seed_people, seed_reports

LINK = re.compile(r"https?://[^\s]+/web/dang-nhap\?t=([A-Za-z0-9_-]+)")


class Served:
    """The application's web server on a free port, and a base URL."""

    def __init__(self, application: Application, port: int) -> None:
        self.app = application
        self.base = f"http://127.0.0.1:{port}"
        self.port = port

    async def link(self, user_id: str = "u-coord") -> str:
        reply = await Chat(self.app.service, user_id).say("/web")
        found = LINK.search(reply)
        assert found, reply
        return found.group(1)

    async def cookies(
        self, http: aiohttp.ClientSession, user_id: str = "u-coord"
    ) -> dict[str, str]:
        """Sign in through a new link; the session cookie, to send by hand (it is Secure: a
        client's jar keeps it off plain http)."""
        token = await self.link(user_id)
        async with http.post(
            f"{self.base}/web/dang-nhap", data={"t": token}, allow_redirects=False
        ) as response:
            assert response.status == 303, await response.text()
            session = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
        return {"reportbot_web": session}


def settings_for(db: str, tmp_path: Path, port: int, public_url: str | None) -> Settings:
    env = {"REPORTBOT_WEB_PUBLIC_URL": public_url} if public_url else {}
    return Settings(
        database_url=db,
        media_dir=tmp_path / "media",
        http_port=port,
        mirror_xlsx=tmp_path / "mirror.xlsx",
        env=env,
    )


@pytest.fixture
async def served(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Served]:
    await seed_people()
    await load_shipped_forms()
    await seed_reports()
    clock.set_local(datetime(2026, 12, 20, 23, 30))
    async with serving(db, clock, tmp_path) as found:
        yield found


@contextlib.asynccontextmanager
async def serving(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Served]:
    """The application with its web page on a free port, for the length of the block."""
    port = free_port()
    settings = settings_for(db, tmp_path, port, "https://baocao.example.vn")
    application = Application(settings, clock=clock)
    await application.service.start()
    runner = web.AppRunner(application.web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield Served(application, port)
    finally:
        await runner.cleanup()
        await application.service.close()


def client() -> aiohttp.ClientSession:
    """A client keeping cookies set by an IP address."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


# -- settings ------------------------------------------------------------------------------


def test_settings_name_the_variable_when_wrong() -> None:
    assert web_settings({}) is None
    with pytest.raises(ConfigError, match="REPORTBOT_WEB_PUBLIC_URL"):
        web_settings({"REPORTBOT_WEB_PUBLIC_URL": "baocao.example.vn"})
    with pytest.raises(ConfigError, match="REPORTBOT_WEB_LINK_MINUTES"):
        web_settings({"REPORTBOT_WEB_PUBLIC_URL": "http://x", "REPORTBOT_WEB_LINK_MINUTES": "0"})
    settings = web_settings(
        {"REPORTBOT_WEB_PUBLIC_URL": "https://x/", "REPORTBOT_WEB_SESSION_HOURS": "2"}
    )
    assert settings is not None and settings.secure
    assert settings.session_lifetime == timedelta(hours=2)
    assert settings.link("abc") == "https://x/web/dang-nhap?t=abc"


async def test_without_a_public_url_there_is_no_page_nor_command(
    db: str, clock: FakeClock, tmp_path: Path
) -> None:
    await seed_people()
    application = Application(settings_for(db, tmp_path, free_port(), None), clock=clock)
    await application.service.start()
    try:
        paths = {r.resource.canonical for r in application.web_app.router.routes() if r.resource}
        assert not any(p.startswith("/web") for p in paths)
        reply = await Chat(application.service, "u-coord").say("/web")
        assert "dang-nhap" not in reply
    finally:
        await application.service.close()


# -- signing in ----------------------------------------------------------------------------


async def test_link_is_stored_hashed_and_spent_once_even_when_raced(served: Served) -> None:
    token = await served.link()
    stored = await ConnectorState.filter(connector="web").values_list("key", flat=True)
    assert stored == [f"l:{digest(token)}"]
    assert token not in str(await ConnectorState.all().values())
    async with client() as first, client() as second:
        statuses = await asyncio.gather(
            *(
                session.post(
                    f"{served.base}/web/dang-nhap", data={"t": token}, allow_redirects=False
                )
                for session in (first, second)
            )
        )
        codes = sorted(r.status for r in statuses)
        for response in statuses:
            response.release()
    assert codes == [303, 403]  # one session opened, one refusal


async def test_cookie_flags_and_session_expiry(served: Served, clock: FakeClock) -> None:
    token = await served.link()
    async with client() as http:
        async with http.post(
            f"{served.base}/web/dang-nhap", data={"t": token}, allow_redirects=False
        ) as response:
            assert response.status == 303
            header = response.headers["Set-Cookie"]
        for flag in ("HttpOnly", "SameSite=Lax", "Secure", "Path=/web", "Max-Age=43200"):
            assert flag in header, header
        session = header.split(";")[0].split("=", 1)[1]
        cookies = {"reportbot_web": session}
        async with http.get(f"{served.base}/web/", cookies=cookies) as response:
            assert response.status == 200
            assert response.headers["Cache-Control"] == "no-store"
            assert "script-src" not in response.headers["Content-Security-Policy"]
        clock.advance(hours=12, seconds=1)
        async with http.get(f"{served.base}/web/", cookies=cookies) as response:
            assert response.status == 401


async def test_link_preview_fetch_does_not_spend_the_link(served: Served) -> None:
    reply = await Chat(served.app.service, "u-coord").say("trang web")  # Zalo: no slash
    found = LINK.search(reply)
    assert found and found.group(0).startswith("https://baocao.example.vn/web/"), reply
    token = found.group(1)
    async with client() as http:
        for _ in range(2):  # a chat app's preview, then the person
            async with http.get(f"{served.base}/web/dang-nhap", params={"t": token}) as response:
                assert response.status == 200
                assert "Đăng nhập" in await response.text()
        async with http.post(
            f"{served.base}/web/dang-nhap", data={"t": token}, allow_redirects=False
        ) as response:
            assert response.status == 303


async def test_only_coordinators_get_a_link_and_a_demoted_one_loses_the_page(
    served: Served,
) -> None:
    officer = await Chat(served.app.service, "u-hoiphunu").say("/web")
    assert "chỉ dành cho chuyên viên tổng hợp" in officer
    assert "chỉ dành cho" in await Chat(served.app.service, "u-hoiphunu").say("trang web")
    assert not await ConnectorState.filter(connector="web").exists()
    async with client() as http:
        cookies = await served.cookies(http)
        async with http.get(f"{served.base}/web/", cookies=cookies) as response:
            assert response.status == 200
        await Person.filter(name="Trần Văn Minh").update(role="officer")
        async with http.get(f"{served.base}/web/", cookies=cookies) as response:
            assert response.status == 401
            assert "Tình hình nộp báo cáo" not in await response.text()


# -- pages and downloads -------------------------------------------------------------------


async def test_unknown_form_or_period_is_not_found_and_mirror_is_served(
    served: Served, tmp_path: Path
) -> None:
    async with client() as http:
        cookies = await served.cookies(http)
        for path in (
            "/web/bao-cao/khong_co/2026-H2.xlsx",
            "/web/bao-cao/nq57_bao_cao_6_thang/2026-13.xlsx",
            "/web/don-vi/9999?form=nq57_bao_cao_6_thang&period=2026-H2",
            "/web/so-theo-doi.xlsx",  # no mirror workbook written yet
        ):
            async with http.get(served.base + path, cookies=cookies) as response:
                assert response.status == 404, path
        workbook = tmp_path / "mirror.xlsx"
        workbook.write_bytes(b"PK\x03\x04 a workbook's bytes")
        async with http.get(f"{served.base}/web/", cookies=cookies) as response:
            assert "/web/so-theo-doi.xlsx" in await response.text()
        async with http.get(f"{served.base}/web/so-theo-doi.xlsx", cookies=cookies) as response:
            assert response.status == 200
            assert await response.read() == workbook.read_bytes()
            assert "attachment" in response.headers["Content-Disposition"]
        async with http.get(
            f"{served.base}/web/bao-cao/nq57_bao_cao_6_thang/2026-H2.png", cookies=cookies
        ) as response:
            assert response.status == 200
            assert (await response.read())[:8] == b"\x89PNG\r\n\x1a\n"


async def test_signin_ignores_malformed_tokens(db: str, clock: FakeClock) -> None:
    signin = SignIn(clock, link_lifetime=timedelta(minutes=1), session_lifetime=timedelta(hours=1))
    for token in ("", "x", "a" * 500, "../../etc", "l:" + "a" * 40):
        assert await signin.link_state(token) == "unknown"
        assert await signin.exchange(token) == ("unknown", None)
        assert await signin.session_person(token) is None


async def test_earlier_periods_are_one_link_away(served: Served) -> None:
    async with client() as http:
        cookies = await served.cookies(http)
        async with http.get(f"{served.base}/web/", cookies=cookies) as response:
            home = await response.text()
        earlier = re.search(r'href="(/web/\?form=nq57_bao_cao_6_thang&amp;period=([^"]+))"', home)
        assert earlier is not None and earlier.group(2) == "2026-H1"
        url = served.base + earlier.group(1).replace("&amp;", "&")
        async with http.get(url, cookies=cookies) as response:
            assert response.status == 200
            page = await response.text()
        assert "Kỳ 6 tháng đầu năm 2026" in page and "Kỳ năm 2026" not in page
        # Nobody filed the first half (the known reports are all for 2026-H2).
        assert '<b data-bucket="not_started">7</b>' in page
        assert '<b data-bucket="filed">0</b>' in page
        assert "period=2025-H2" in page and "← Các kỳ hiện tại" in page
        bad = f"{served.base}/web/?form=nq57_bao_cao_6_thang&period=2026-07"
        async with http.get(bad, cookies=cookies) as response:
            assert response.status == 404


async def test_old_links_and_sessions_are_pruned(served: Served, clock: FakeClock) -> None:
    signin = SignIn(
        clock, link_lifetime=timedelta(minutes=15), session_lifetime=timedelta(hours=12)
    )
    unused = await signin.issue_link(1)
    state, session = await signin.exchange(await signin.issue_link(1))
    assert state == "valid" and session is not None
    clock.advance(hours=11)
    recent = await signin.issue_link(2)
    assert await signin.prune() == 0  # nothing is older than the longest lifetime yet
    clock.advance(hours=1, seconds=1)
    assert await signin.prune() == 2  # the unused link and the session of 12 h ago
    assert await signin.link_state(unused) == "unknown"
    assert await signin.session_person(session) is None
    assert await signin.link_state(recent) == "expired"  # kept until pruned, refused anyway
    assert "web-prune" in served.app.jobs.jobs
