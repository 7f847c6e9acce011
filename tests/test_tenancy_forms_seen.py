"""Which forms a coordinator meets: only those published for their commune, for the province
above it or for everyone, and only those some unit of theirs must file.

The walk of a province (Kon Tum) found a commune's coordinator's /tinhhinh listing "Báo cáo
riêng xã Ngọc Réo" (0/0), another commune's form, and /tonghop offering it as a button. Here
commune A's coordinator must never meet commune B's form, nor a form for a kind of unit that
no commune has (it was listed as "0/0" to everyone).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from reportbot.app import Application
from reportbot.forms.loader import parse_yaml_template
from reportbot.store.forms import store_template
from reportbot.store.models import Organisation, Unit
from tests.conftest import FakeClock
from tests.support import Chat
from tests.test_cli import run_cli
from tests.test_reminders_support import RecordingConnector, worker_for
from tests.test_tenancy_oracle import local, seed
from tests.test_web_page import LINK, serving

OTHER = """
key: rieng_xa_b
version: "1"
title: {vi: Báo cáo riêng xã Bình Minh, en: Binh Minh's own report}
unit_types: []
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: so_hop, type: integer, label: Số cuộc họp}
"""
NOBODY = """
key: truong_hoc
version: "1"
title: {vi: Báo cáo trường mầm non, en: Kindergarten report}
unit_types: [mam_non]
period: {kind: six_monthly, deadlines: ["20/06", "20/12"]}
questions:
  - {id: so_tre, type: integer, label: Số trẻ}
"""
OTHER_TITLE, NOBODY_TITLE = "Báo cáo riêng xã Bình Minh", "Báo cáo trường mầm non"


async def seed_forms() -> None:
    """The oracle's province, with a form for commune B only and one no unit must file."""
    await seed()
    commune_b = await Organisation.get(code="xa-b")
    for text, scope_id in ((OTHER, commune_b.id), (NOBODY, None)):
        template, issues = parse_yaml_template(text, "x.yaml")
        assert template is not None and not issues
        await store_template(template, now=local(2026, 7, 1, 8, 0), scope_id=scope_id)


@pytest.fixture
async def served(db: str, tmp_path: Path) -> AsyncIterator[tuple[Application, str]]:
    """The bot with its web page, after the deadline of 2026-H2."""
    await seed_forms()
    async with serving(db, FakeClock(local(2026, 12, 22, 9, 0)), tmp_path) as found:
        yield found.app, found.base


async def test_status_lists_the_forms_of_the_coordinators_communes(served) -> None:
    app, _base = served
    said = {who: await Chat(app.service, f"c-{who}").say("/tinhhinh") for who in ("xa-a", "xa-b")}
    said["tinh"] = await Chat(app.service, "c-tinh").say("/tinhhinh")
    assert "Báo cáo số liệu xã" in said["xa-a"]
    assert OTHER_TITLE not in said["xa-a"]
    assert OTHER_TITLE in said["xa-b"] and OTHER_TITLE in said["tinh"]
    for text in said.values():
        assert NOBODY_TITLE not in text and "nộp 0/0" not in text  # not "20/06/2027"


async def test_summary_offers_only_the_coordinators_forms(served) -> None:
    app, _base = served
    commune = Chat(app.service, "c-xa-a")
    # one form is A's: consolidated at once, no choice of B's form
    first = (await commune.send("/tonghop"))[0].text
    assert "Đã nộp 2/3 đơn vị" in first and OTHER_TITLE not in first
    asked = await commune.say("/tonghop rieng_xa_b")
    assert "Không có mẫu báo cáo “rieng_xa_b”" in asked and OTHER_TITLE not in asked
    province = await Chat(app.service, "c-tinh").say("/tonghop")
    assert "Báo cáo số liệu xã" in province and OTHER_TITLE in province
    assert NOBODY_TITLE not in province


async def test_the_web_page_and_digest_keep_to_the_commune(served, tmp_path: Path) -> None:
    app, base = served
    chat = Chat(app.service, "c-xa-a")
    found = LINK.search(await chat.say("/web"))
    assert found, "no sign-in link"
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{base}/web/dang-nhap", data={"t": found.group(1)}, allow_redirects=False
        ) as response:
            session = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
        cookies = {"reportbot_web": session}
        async with http.get(f"{base}/web/", cookies=cookies) as response:
            home = await response.text()
        asked = {"form": "rieng_xa_b", "period": "2026-H2"}
        async with http.get(f"{base}/web/", params=asked, cookies=cookies) as response:
            other_status = response.status
    assert "Báo cáo số liệu xã" in home
    assert OTHER_TITLE not in home and NOBODY_TITLE not in home
    assert other_status == 404
    clock = FakeClock(local(2026, 12, 19, 9, 0))
    fake = RecordingConnector("fake", clock)
    await worker_for([fake], clock).run_once()
    digests = [d.text for d in fake.delivered if d.user_id == "c-xa-a"]
    assert digests and not any(OTHER_TITLE in text for text in digests)
    assert any(OTHER_TITLE in d.text for d in fake.delivered if d.user_id == "c-xa-b")


async def test_the_report_command_keeps_to_the_scope(db: str, tmp_path: Path) -> None:
    await seed_forms()
    env = {"REPORTBOT_DATABASE_URL": db}
    out = tmp_path / "xa-a.xlsx"
    args = ["report", "--scope", "xa-a", "--period", "2026-H2", "--output", str(out)]
    done = await asyncio.to_thread(run_cli, args, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr  # A's one form: no --form needed
    assert "so_lieu_xa" in done.stdout
    other = ["report", "--scope", "xa-a", "--form", "rieng_xa_b", "--output", str(out)]
    refused = await asyncio.to_thread(run_cli, other, env=env, cwd=tmp_path)
    assert refused.returncode == 1 and "Không có mẫu báo cáo “rieng_xa_b”" in refused.stderr
    whole = ["report", "--period", "2026-H2", "--output", str(out)]
    several = await asyncio.to_thread(run_cli, whole, env=env, cwd=tmp_path)
    assert several.returncode == 1
    assert "--form" in several.stderr
    assert "rieng_xa_b, so_lieu_xa" in several.stderr


async def test_two_units_of_one_name_are_told_apart_by_commune(served) -> None:
    app, _base = served
    for code, commune in (("a9", "xa-a"), ("b9", "xa-b")):
        organisation = await Organisation.get(code=commune)
        await Unit.create(
            code=code, name="Hội Cựu chiến binh xã", type="doan_the", organisation=organisation
        )
    said = await Chat(app.service, "c-tinh").say("/xem Cựu chiến binh")
    assert "Hội Cựu chiến binh xã (Xã An Bình) (a9)" in said
    assert "Hội Cựu chiến binh xã (Xã Bình Minh) (b9)" in said
    commune = await Chat(app.service, "c-xa-a").say("/xem Cựu chiến binh")
    assert "(Xã An Bình)" not in commune  # one commune: the unit itself, no commune named
