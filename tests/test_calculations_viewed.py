"""A coordinator sees a unit's calculations as they were sent: `/xem` in chat and the web unit
page list each labelled calculation after the answers, marked "tự tính", with the value stored
with the report (an unlabelled one is plumbing, shown nowhere, as ODK does)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from reportbot.store.forms import store_template
from reportbot.store.models import Unit
from tests.calc_support import console_run, xlsform_template
from tests.conftest import FakeClock
from tests.support import Chat
from tests.test_coordination_chat import seed_people
from tests.test_web_page import Served, client, serving


@pytest.fixture
async def served(db: str, clock: FakeClock, tmp_path: Path) -> AsyncIterator[Served]:
    """The application, its web server, the test's workbook published, a report sent."""
    await seed_people()
    template = xlsform_template(tmp_path)
    await store_template(template, "can_bo.xlsx", now=clock.now - timedelta(days=365))
    async with serving(db, clock, tmp_path) as found:
        # by hand: 16 + 12 = 28; 12 / 28 = 42.857.. -> 42.9 %; "chưa đạt" (unlabelled)
        await console_run(
            found.app.service, "u-hoiphunu", ["/baocao", "2", "16", "12", "/gui", "có"]
        )
        yield found


async def test_xem_lists_the_stored_calculations_after_the_answers(served: Served) -> None:
    shown = await Chat(served.app.service, "u-coord").say("/xem hoiphunu")
    lines = shown.splitlines()
    assert lines[-2:] == ["• Tổng số: 28 (tự tính)", "• Tỷ lệ nữ (%): 42,9 (tự tính)"]
    assert any(line.startswith("2. Số cán bộ nữ: 12") for line in lines)
    assert "chưa đạt" not in shown and "xep_loai" not in shown


async def test_the_web_unit_page_lists_them_too(served: Served) -> None:
    unit = await Unit.get(code="hoiphunu")
    async with client() as http:
        cookies = await served.cookies(http)
        async with http.get(f"{served.base}/web/", cookies=cookies) as response:
            home = await response.text()
        link = re.search(rf'href="(/web/don-vi/{unit.id}\?[^"]+)"', home)
        assert link, home
        async with http.get(
            served.base + link.group(1).replace("&amp;", "&"), cookies=cookies
        ) as r:
            assert r.status == 200
            page = await r.text()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page)
    assert cells[-4:] == ["Tổng số <i>(tự tính)</i>", "28", "Tỷ lệ nữ (%) <i>(tự tính)</i>", "42,9"]
    assert "chưa đạt" not in page
