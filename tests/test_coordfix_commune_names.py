"""One rule names a unit's commune, on the chat's lists and on the web page alike: a reader who
sees units of several communes (the province's coordinator) reads every unit with its commune,
also in a list that happens to hold one commune's units; a commune's coordinator never does.

Here a form is published for Xã An Bình only: before, the province's /tinhhinh and web list
said "Hội Phụ nữ An Bình" while the web page of that unit said "Hội Phụ nữ An Bình (Xã An
Bình)". Every expected name is typed by hand.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from reportbot.store.models import Unit
from tests.conftest import FakeClock
from tests.province_support import local, publish, seed_province
from tests.support import Chat
from tests.test_web_page import Served, client, serving

QUERY = "?form=rieng_a&period=2026-H2"
ROW = re.compile(r'<tr><td><a href="[^"]*">([^<]*)</a>')


@pytest.fixture
async def site(db: str, tmp_path: Path) -> AsyncIterator[Served]:
    organisations = await seed_province()
    await publish("rieng_a", "Báo cáo riêng của xã An Bình", organisations["xa-a"])
    async with serving(db, FakeClock(local(2026, 12, 10, 9, 0)), tmp_path) as served:
        yield served


async def seen(site: Served, who: str) -> tuple[str, list[str], str]:
    """/tinhhinh, the web list's unit names and the web page of unit a1, for one reader."""
    status = await Chat(site.app.service, who).say("/tinhhinh")
    unit_id = (await Unit.get(code="a1")).id
    async with client() as http:
        cookies = await site.cookies(http, who)
        async with http.get(f"{site.base}/web/{QUERY}", cookies=cookies) as response:
            names = ROW.findall(await response.text())
        link = f"{site.base}/web/don-vi/{unit_id}{QUERY}"
        async with http.get(link, cookies=cookies) as response:
            heading = re.search(r"<h2>([^<]*)</h2>", await response.text())
    assert heading is not None
    return status, names, heading.group(1)


async def test_the_province_reads_the_commune_everywhere(site: Served) -> None:
    status, names, heading = await seen(site, "c-hoa-binh")
    assert (
        "• Chưa bắt đầu: 2 – Hội Nông dân An Bình (Xã An Bình), Hội Phụ nữ An Bình (Xã An Bình)"
        in status
    )
    assert names == ["Hội Nông dân An Bình (Xã An Bình)", "Hội Phụ nữ An Bình (Xã An Bình)"]
    assert heading == "Hội Phụ nữ An Bình (Xã An Bình) (a1)"


async def test_the_commune_reads_bare_names_everywhere(site: Served) -> None:
    status, names, heading = await seen(site, "c-xa-a")
    assert "• Chưa bắt đầu: 2 – Hội Nông dân An Bình, Hội Phụ nữ An Bình" in status
    assert names == ["Hội Nông dân An Bình", "Hội Phụ nữ An Bình"]
    assert heading == "Hội Phụ nữ An Bình (a1)"
