"""/trogiup lists the commands the person can use, one part per role (usertry4): an admin
of no unit was shown the officer's list ("/baocao – làm báo cáo", ...) and nothing told them
that those were not theirs. The officer's part is for a person of a unit; the coordinator's
and the admin's parts follow, each under its heading."""

from __future__ import annotations

from reportbot.app import Application
from reportbot.store.models import Identity, Person
from tests.support import Chat
from tests.test_coordination_chat import app  # noqa: F401  (the fixture)

OFFICER, COORDINATOR, ADMIN = "Lệnh làm báo cáo:", "Lệnh điều phối:", "Lệnh quản trị:"


async def _person(user_id: str, role: str) -> None:
    """A person of `role` who belongs to no unit."""
    person = await Person.create(name=f"Người {user_id}", unit=None, role=role)
    await Identity.create(platform="console", external_id=user_id, chat_id=user_id, person=person)


async def test_help_is_by_role(app: Application) -> None:  # noqa: F811
    await _person("u-admin-0", "admin")
    await _person("u-coord-0", "coordinator")
    admin = await Chat(app.service, "u-admin-0").say("/trogiup")
    assert OFFICER not in admin and "/baocao" not in admin and "/sua" not in admin
    assert COORDINATOR in admin and "/tonghop" in admin  # an admin also coordinates
    assert ADMIN in admin and "/moi" in admin
    assert admin.index(COORDINATOR) < admin.index(ADMIN)
    coordinator = await Chat(app.service, "u-coord-0").say("/trogiup")
    assert OFFICER not in coordinator and "/baocao" not in coordinator
    assert COORDINATOR in coordinator and "/tonghop" in coordinator
    assert ADMIN not in coordinator and "/moi" not in coordinator
    officer = await Chat(app.service, "u-hoiphunu").say("/trogiup")
    assert OFFICER in officer and "/baocao" in officer
    assert COORDINATOR not in officer and ADMIN not in officer and "/tonghop" not in officer
    # an admin who also reports for a unit sees the three parts, the officer's first
    both = await Chat(app.service, "u-admin").say("/trogiup")
    assert both.index(OFFICER) < both.index(COORDINATOR) < both.index(ADMIN)


async def test_an_officer_of_no_unit_is_told_to_ask(app: Application) -> None:  # noqa: F811
    await _person("u-nobody", "officer")
    said = await Chat(app.service, "u-nobody").say("/trogiup")
    assert "chưa gắn với đơn vị nào" in said and "/baocao" not in said
