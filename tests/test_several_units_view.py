"""/xem for an officer of several units (kiêm nhiệm, issue 13): each of their units' reports,
and any of their units by name; other units stay refused. Through the real application."""

from __future__ import annotations

from datetime import datetime

from reportbot.app import Application
from reportbot.store.models import Person, PersonUnit, Unit
from tests.conftest import FakeClock
from tests.support import Chat
from tests.test_coordination_chat import (  # noqa: F401  (the `app` fixture)
    app,
    console_for,
    file_report,
)


async def test_an_officer_of_two_units_views_both(app: Application) -> None:  # noqa: F811
    officer = await Person.get(name="Cán bộ hoiphunu")
    await PersonUnit.create(person=officer, unit=await Unit.get(code="th_dakpxi"))
    await file_report("hoiphunu", {"co_ke_hoach": "yes", "so_tin_bai_web": 12})
    await file_report("th_dakpxi", {"co_ke_hoach": "no", "so_tin_bai_web": 3})
    chat = Chat(app.service, "u-hoiphunu")

    replies = await chat.send("/xem")
    assert len(replies) == 2  # one message per unit, the first unit first
    assert "Hội Liên hiệp Phụ nữ xã" in replies[0].text
    assert "Trường Tiểu học Đăk Pxi" in replies[1].text
    assert "12" in replies[0].text and "Trường Tiểu học" not in replies[0].text

    school = await chat.say("/xem th_dakpxi")
    assert "Trường Tiểu học Đăk Pxi" in school and "chỉ xem được" not in school
    refused = await chat.say("/xem vhxh")
    assert "chỉ xem được báo cáo của đơn vị mình" in refused
    assert "Hội Liên hiệp Phụ nữ xã, Trường Tiểu học Đăk Pxi" in refused


async def test_a_reopened_report_is_announced_to_an_officer_of_two_units(
    app: Application,  # noqa: F811
    clock: FakeClock,
) -> None:
    officer = await Person.get(name="Cán bộ hoiphunu")
    await PersonUnit.create(person=officer, unit=await Unit.get(code="th_dakpxi"))
    await file_report("th_dakpxi", {"co_ke_hoach": "no"})
    clock.set_local(datetime(2026, 12, 22, 8, 0))  # past the deadline: the report is locked
    second_post = console_for(app, "u-hoiphunu")  # the officer's chat, as the console shows it
    reply = await Chat(app.service, "u-coord").say("/mo th_dakpxi")
    assert "Cán bộ hoiphunu (console)" in reply
    assert "Trường Tiểu học Đăk Pxi" in second_post.getvalue()
    assert "mở lại để anh/chị chỉnh sửa" in second_post.getvalue()
