"""A notice sent to someone who did not write follows that person's own language, not the
language of whoever caused it (issue 13: "a person whose Telegram language is English gets
English answers throughout"). The colleague notice is covered in
tests/test_two_officers_telegram.py; here the coordinator's reopen notice to an officer."""

from __future__ import annotations

from datetime import datetime

from reportbot.app import Application
from reportbot.store.models import Person
from tests.conftest import FakeClock
from tests.support import Chat
from tests.test_coordination_chat import app, console_for, file_report, local  # noqa: F401


async def test_a_reopen_notice_reaches_an_english_officer_in_english(
    app: Application,  # noqa: F811
    clock: FakeClock,
) -> None:
    officer = await Person.get(identities__external_id="u-hoiphunu")
    officer.locale = "en"
    await officer.save()
    await file_report("hoiphunu", {"co_ke_hoach": "no"}, submitted_at=local(2026, 12, 19, 8, 0))
    clock.set_local(datetime(2026, 12, 22, 8, 0))  # past the deadline: locked
    printed = console_for(app, "u-hoiphunu")
    reply = await Chat(app.service, "u-coord").say("/mo hoiphunu")
    assert "🔓 Đã mở lại báo cáo" in reply  # the coordinator reads Vietnamese
    notice = printed.getvalue()
    assert "🔓 Trần Văn Minh reopened" in notice and "Type /report to edit it" in notice
    assert "mở lại" not in notice
