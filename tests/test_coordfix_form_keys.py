"""/xem and /mo read a form key only among the forms of the coordinator's own communes: a word
that is another commune's form key stays part of the unit they name.

Xã Bình Minh publishes a form keyed "nongdan"; in Xã An Bình "nongdan" is the code of the
Hội Nông dân. An Bình's coordinator typing "/xem nongdan" means their unit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from reportbot.app import Application
from tests.conftest import FakeClock
from tests.province_support import local, publish, running, seed_province
from tests.support import Chat


@pytest.fixture
async def app(db: str, tmp_path: Path) -> AsyncIterator[Application]:
    organisations = await seed_province()
    await publish("nq57_xa", "Báo cáo Nghị quyết 57 của xã")
    await publish("nongdan", "Báo cáo Hội Nông dân Bình Minh", organisations["xa-b"])
    clock = FakeClock(local(2026, 12, 10, 9, 0))
    async with running(db, tmp_path, clock) as application:
        officer = Chat(application.service, "u-nongdan")
        for line in ["/baocao", "1", "có", "7", "/gui", "có"]:
            await officer.send(line)
        yield application


async def test_view_by_unit_code_that_is_another_communes_form_key(app: Application) -> None:
    said = await Chat(app.service, "c-xa-a").say("/xem nongdan")
    assert "Hội Nông dân An Bình" in said
    assert "Tổng số cán bộ" in said and "7" in said


async def test_reopen_by_unit_code_that_is_another_communes_form_key(app: Application) -> None:
    said = await Chat(app.service, "c-xa-a").say("/mo nongdan nq57_xa")
    assert "Hội Nông dân An Bình" in said
    assert "Xin ghi mã đơn vị" not in said


async def test_the_communes_own_coordinator_still_names_the_form_by_key(app: Application) -> None:
    said = await Chat(app.service, "c-xa-b").say("/xem b1 nongdan")
    assert "Hội Phụ nữ Bình Minh" in said
    assert "nongdan" in said or "Hội Nông dân Bình Minh" in said
