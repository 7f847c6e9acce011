"""`reportbot db migrate` on a database where one step takes longer than the bot allows it.

On a large database a step can outlast its time (an ALTER TABLE waiting for a lock the running
bot holds, or rewriting a big table). The step is rolled back; the IT officer used to read
"cannot reach the database", which sent them checking a PostgreSQL that was fine. Now the line
names the step, says it changed nothing, and says how to give it more time. The slowness is
real: the test holds a lock on the table the step alters, as a running bot's transaction would.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from reportbot.cli import main
from reportbot.store.database import migrate_database
from tests.conftest import _pg_admin, _pg_url

STEP = "0009_reply_writer"  # adds outbox.writer
BEFORE = "0008_organisation_sheets"
LINE_VI = (
    f"reportbot: Migration {STEP} chạy quá 2 giây nên đã dừng: bước này đã được hoàn tác, "
    f"không thay đổi gì, cơ sở dữ liệu vẫn ở {BEFORE}. Dừng bot (giờ bảo trì) rồi chạy lại "
    "với nhiều thời gian hơn: REPORTBOT_MIGRATE_STEP_TIMEOUT=600 reportbot db migrate"
)


@pytest.fixture
async def before_step() -> AsyncIterator[str]:
    """A database as the previous release left it: migrated up to 0008."""
    name = f"reportbot_slow_{uuid.uuid4().hex[:8]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    url = _pg_url(name)
    try:
        await migrate_database(url)
        connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:  # undo 0009 by hand: the column and its record
            await connection.execute("ALTER TABLE outbox DROP COLUMN writer")
            await connection.execute("DELETE FROM tortoise_migrations WHERE name = $1", STEP)
        finally:
            await connection.close()
        yield url
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _columns(connection: asyncpg.Connection) -> set[str]:
    rows = await connection.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'outbox'"
    )
    return {row["column_name"] for row in rows}


async def test_a_step_held_up_by_a_lock_is_named_and_changes_nothing(
    before_step: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", before_step)
    monkeypatch.setenv("REPORTBOT_LOCALE", "vi")
    monkeypatch.setenv("REPORTBOT_MIGRATE_STEP_TIMEOUT", "2")
    holder = await asyncpg.connect(before_step.replace("postgres://", "postgresql://", 1))
    try:
        reading = holder.transaction()
        await reading.start()
        await holder.execute("LOCK TABLE outbox IN ACCESS SHARE MODE")  # a bot's read
        code = await asyncio.to_thread(main, ["db", "migrate"])
        await reading.rollback()
        err = capsys.readouterr().err
        assert code != 0
        assert err.strip() == LINE_VI
        # Nothing of the step stayed: no column, no record.
        assert "writer" not in await _columns(holder)
        recorded = await holder.fetchval(
            "SELECT count(*) FROM tortoise_migrations WHERE name=$1", STEP
        )
        assert recorded == 0
        # Lock gone (the maintenance window): the same command finishes the job.
        assert await asyncio.to_thread(main, ["db", "migrate"]) == 0
        assert f"1 migration ({STEP})" in capsys.readouterr().out
        assert "writer" in await _columns(holder)
    finally:
        await holder.close()
