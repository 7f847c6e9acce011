"""A console chat (with --at) never touches other people's reminders (issue 11, item 7)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from connectors.base import ConnectorContext
from connectors.console import create as create_console
from reportbot.app import Application
from reportbot.config import Settings
from reportbot.store.models import Identity, Person, ReminderDelivery
from tests.conftest import FORMS_DIR, TZ, FakeClock
from tests.support import load_shipped_forms, seed_commune
from tests.test_cli import run_cli

AT = datetime(2026, 12, 19, 9, 0, tzinfo=TZ)  # d-1 of 2026-H2: officers' reminders are due
FIELDS = ("person_id", "form_key", "period_key", "kind", "status", "sent_at", "attempts")


async def rows_of_others(person_id: int) -> list[tuple]:
    """Every reminder row of everyone but `person_id`, as plain values."""
    rows = await ReminderDelivery.exclude(person_id=person_id).order_by("id").values_list(*FIELDS)
    return [tuple(row) for row in rows]


async def chat_app(db: str, folder: Path, user_id: str) -> Application:
    """The application as `reportbot chat --at` builds it: the console of one person."""
    app = Application(Settings(database_url=db, media_dir=folder), clock=FakeClock(AT))
    context = ConnectorContext(
        handler=app.service,
        env={},
        config={"user_id": user_id, "stdin": io.StringIO(), "stdout": io.StringIO()},
    )
    app.connectors.append(create_console(context))
    return app


async def test_the_chat_reminds_only_the_person_chatting(db: str, tmp_path: Path) -> None:
    people = await seed_commune()
    await load_shipped_forms()
    me, other = people["hoiphunu"], people["th_dakpxi"]
    await ReminderDelivery.create(
        person=other,
        form_key="nq57_bao_cao_6_thang",
        period_key="2026-H2",
        kind="d-3",
        status="sent",
        due_at=datetime(2026, 12, 17, 8, 0, tzinfo=TZ),
        sent_at=datetime(2026, 12, 17, 8, 0, tzinfo=TZ),
        attempts=1,
        created_at=datetime(2026, 12, 17, 8, 0, tzinfo=TZ),
    )
    before = await rows_of_others(me.id)
    app = await chat_app(db, tmp_path, "u-hoiphunu")
    app.reminders.only_person = me.id  # as `reportbot chat` does
    await app.reminders.run_once()
    assert await rows_of_others(me.id) == before
    mine = await ReminderDelivery.filter(person_id=me.id).values_list("kind", "status")
    assert ("d-1", "sent") in [tuple(row) for row in mine]  # the earlier ones: skipped

    # The same run without the guard would have claimed every other officer's reminder.
    unguarded = await chat_app(db, tmp_path, "u-hoiphunu")
    await unguarded.reminders.run_once()
    assert await rows_of_others(me.id) != before


async def test_at_is_refused_on_a_database_with_real_accounts(db: str, tmp_path: Path) -> None:
    people = await seed_commune()
    await load_shipped_forms()
    await Identity.create(
        platform="telegram", external_id="4242", chat_id="4242", person=people["th_dakpxi"]
    )
    result = run_cli(
        ["chat", "--at", "2026-12-19T09:00", "--as", "Cán bộ hoiphunu"],
        env={"REPORTBOT_DATABASE_URL": db, "REPORTBOT_FORMS_DIR": str(FORMS_DIR)},
        cwd=tmp_path,
        stdin="/baocao\n",
    )
    assert result.returncode == 2
    assert "--at không dùng được trên cơ sở dữ liệu có 1 tài khoản thật" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert await ReminderDelivery.all().count() == 0
    assert await Person.filter(id=people["hoiphunu"].id).exists()
