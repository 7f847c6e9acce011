"""A coordinator invited for a commune or a province is told, on joining, whose units they now
follow: the welcome names the commune or the province.

Before, neither did (the brief said a commune's did; it read "Anh/chị là chuyên viên tổng hợp
(không thuộc đơn vị báo cáo nào)" for both). The sentence is `registration.registered_text`,
which the registration middleware sends. An officer follows no one's reports, whatever
commune a people import wrote on their row.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from reportbot.app import Application
from reportbot.conversation.session import PersonInfo
from reportbot.registration import registered_text
from reportbot.store.models import Person
from tests.conftest import FakeClock
from tests.province_support import local, running, seed_province
from tests.support import Chat


@pytest.fixture
async def app(db: str, tmp_path: Path) -> AsyncIterator[Application]:
    await seed_province()
    async with running(db, tmp_path, FakeClock(local(2026, 12, 10, 9, 0))) as application:
        yield application


async def joined(app: Application, admin: str, newcomer: str) -> str:
    """What a new coordinator reads on redeeming the invite `admin` made in chat."""
    card = await Chat(app.service, admin).say("/moi chuyen vien")
    code = re.search(r"Mã mời: ([A-Z0-9]+)", card)
    assert code is not None, card
    return await Chat(app.service, newcomer).say(f"/start {code.group(1)}")


async def test_a_provinces_coordinator_is_told_the_province(app: Application) -> None:
    said = await joined(app, "a-hoa-binh", "new-province")
    assert "Tỉnh Hòa Bình" in said, said


async def test_a_communes_coordinator_is_told_the_commune(app: Application) -> None:
    said = await joined(app, "a-xa-a", "new-commune")
    assert "Xã An Bình" in said, said


async def info(name: str, locale: str = "vi") -> PersonInfo:
    person = await Person.get(name=name)
    return PersonInfo(person.id, person.name, person.role, locale, None)


async def test_the_sentence_names_the_province_the_commune_or_nobody(db: str) -> None:
    await seed_province()
    assert await registered_text(await info("coordinator hoa-binh")) == (
        "Đăng ký thành công! Anh/chị là chuyên viên tổng hợp (không thuộc đơn vị báo cáo nào). "
        "Anh/chị theo dõi báo cáo của các đơn vị thuộc Tỉnh Hòa Bình."
    )
    assert await registered_text(await info("admin xa-a", "en")) == (
        "You are registered as the administrator (of no reporting unit). "
        "You follow the reports of the units of Xã An Bình."
    )
    assert await registered_text(await info("coordinator None")) == (
        "Đăng ký thành công! Anh/chị là chuyên viên tổng hợp (không thuộc đơn vị báo cáo nào)."
    )


async def test_an_officer_is_never_told_they_follow_a_commune(db: str) -> None:
    """Review finding: `people import` keeps the commune cell of an officer's row, and the
    officer read "Anh/chị theo dõi báo cáo của các đơn vị thuộc Xã An Bình"."""
    organisations = await seed_province()
    officer = await Person.filter(role="officer").first()
    assert officer is not None
    officer.organisation_id = organisations["xa-a"].id  # type: ignore[attr-defined]
    await officer.save()
    said = await registered_text(await info(officer.name))
    assert said.startswith("Đăng ký thành công!") and "theo dõi" not in said, said
