"""An IT officer upgrades a commune that ran the first release for months (schema after
0004_inbox, rows written as that release wrote them: tests/upgrade_rows.py), on SQLite and on
PostgreSQL: `reportbot db migrate`, then the people of the commune carry on.

Also what must not happen: a step failing halfway (each step is rolled back whole, with its
record), a database from a newer release (refused in one line, nothing changed).
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api import migrate

from connectors.base import Address, Capabilities, Outgoing, render_plain
from reportbot.app import Application
from reportbot.cli import main
from reportbot.config import Settings
from reportbot.store.database import tortoise_config
from tests import upgrade_rows as old
from tests.conftest import FORMS_DIR, ROOT, TZ, FakeClock, _pg_admin, _pg_url
from tests.support import Chat

FIRST_RELEASE = "models.0004_inbox"
LATER_STEPS = (
    "0005_worker_claims_versions, 0006_person_units, 0007_organisations, "
    "0008_organisation_sheets, 0009_reply_writer"
)


@pytest.fixture(params=["sqlite", "postgres"])
async def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of its own, dropped afterwards (PostgreSQL) or in tmp_path (SQLite)."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'commune.db'}"
        return
    if os.environ.get("REPORTBOT_TEST_SKIP_POSTGRES") == "1" and os.environ.get("CI") != "true":
        pytest.skip("REPORTBOT_TEST_SKIP_POSTGRES=1")
    name = f"reportbot_upgrade_{uuid.uuid4().hex[:10]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def build_first_release(url: str, target: str = FIRST_RELEASE, rows: bool = True) -> None:
    """The first release's schema (its migrations only), filled as its code filled it."""
    EXECUTOR_CACHE.clear()
    config = tortoise_config(url)
    await migrate(config=config, target=target)
    try:
        db = connections.get("default")
        dialect = db.capabilities.dialect
        for sql, values in old.statements(dialect) if rows else ():
            await db.execute_query(sql, values)
        if rows and dialect == "postgres":  # ids written by hand: the sequences follow them
            for table in (t for t in old.COUNTS if t != "job_leases"):  # keyed by name
                await db.execute_query(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
                )
    finally:
        await Tortoise.close_connections()


def reportbot(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as the IT officer types it, in a process of its own, on database `url`."""
    env = {**os.environ, "REPORTBOT_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    env.pop("REPORTBOT_LOCALE", None)
    return subprocess.run(
        [sys.executable, "-m", "reportbot.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@dataclass
class Said:
    """What one command printed and its exit status."""

    returncode: int
    stdout: str
    stderr: str


async def command(url: str, *args: str) -> Said:
    """The command's entry function (`reportbot.cli.main`, as the console script calls it) on
    database `url`, in a thread of its own (it runs its own event loop); what it printed."""
    out, err = io.StringIO(), io.StringIO()
    environment = {"REPORTBOT_DATABASE_URL": url, "REPORTBOT_LOCALE": "vi"}

    def run() -> int:
        with redirect_stdout(out), redirect_stderr(err):
            return main(list(args))

    with _environment(environment):
        status = await asyncio.to_thread(run)
    return Said(status, out.getvalue(), err.getvalue())


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    before = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


async def query(url: str, sql: str) -> list[dict[str, object]]:
    """Rows of one read, on a connection of its own."""
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    try:
        return await connections.get("default").execute_query_dict(sql)
    finally:
        await Tortoise.close_connections()


async def recorded(url: str) -> list[str]:
    """The migrations the database records as applied, oldest first."""
    rows = await query(url, "SELECT name FROM tortoise_migrations ORDER BY id")
    return [str(row["name"]) for row in rows]


async def test_the_commune_upgrades_and_carries_on(old_url: str, tmp_path: Path) -> None:
    await build_first_release(old_url)

    status = await command(old_url, "status")
    assert status.returncode == 1 and "chưa chạy 5 migration" in status.stdout

    first = await asyncio.to_thread(reportbot, old_url, "db", "migrate")
    assert first.returncode == 0, first.stderr
    assert first.stdout == f"reportbot: cơ sở dữ liệu đã cập nhật: 5 migration ({LATER_STEPS})\n"
    assert "Traceback" not in first.stderr

    for table, count in old.COUNTS.items():  # nothing silently dropped
        assert await query(old_url, f"SELECT COUNT(*) AS n FROM {table}") == [{"n": count}], table
    units = await query(old_url, "SELECT DISTINCT organisation_id AS org FROM units")
    commune = await query(old_url, "SELECT id, code FROM organisations")
    assert commune == [{"id": units[0]["org"], "code": "mac-dinh"}] and len(units) == 1
    tokens = await query(old_url, "SELECT value FROM connector_state WHERE key = 'tokens'")
    assert tokens == [{"value": old.ZALO_TOKENS}]
    kept = await query(old_url, "SELECT seq, attempts, last_error, writer FROM outbox")
    assert kept == [{"seq": 2, "attempts": 3, "last_error": "quota", "writer": None}]

    again = await command(old_url, "db", "migrate")
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        "reportbot: cơ sở dữ liệu đã mới nhất (0009_reply_writer), không có gì để cập nhật\n"
    )
    assert len(await recorded(old_url)) == 9
    status = await command(old_url, "status")
    assert status.returncode == 0, status.stdout + status.stderr
    # Hà had her 7-days reminder from the old release: it is not sent again (Lan and Hùng sent)
    due = await command(old_url, "remind", "--dry-run", "--at", "2026-12-14T08:00")
    assert "  trước hạn 7 ngày     07:30 14/12/2026  đang đến hạn [sent 1]" in due.stdout
    assert "Tổng số tin sẽ gửi ngay: 0" in due.stdout

    await people_carry_on(old_url, tmp_path)


async def people_carry_on(url: str, tmp_path: Path) -> None:
    """The bot starts on the upgraded database; officers and the coordinator carry on."""
    EXECUTOR_CACHE.clear()
    clock = FakeClock(datetime(2026, 11, 23, 8, 0, tzinfo=TZ))
    settings = Settings(
        database_url=url,
        forms_dir=FORMS_DIR,
        media_dir=tmp_path / "media",
        mirror_xlsx=tmp_path / "mirror.xlsx",  # not the default, in the current folder
    )
    app = Application(settings, clock=clock)
    result = await app.open()  # what `reportbot run` does: migrate (nothing), forms, service
    assert not result.issues
    try:
        menu = await Chat(app.service, "u-lan").say("/baocao")
        # the first half of 2026, owed and never sent, is listed first as overdue
        assert "1. 6 tháng đầu 2026 · quá hạn" in menu and "2. năm 2026 · đã gửi" in menu
        lan = await Chat(app.service, "u-lan").say("2")
        assert "“Báo cáo kết quả thực hiện Nghị quyết 57” – năm 2026 đã gửi (lần 2)" in lan
        assert "5. Số tin, bài đã đăng trên trang thông tin điện tử: 15" in lan

        # Hà's "1", accepted by the old bot just before it was killed, is handled at the start
        # (as `start` runs `recover`) as the answer to the question her draft was at
        sent: list[tuple[str, str]] = []

        async def deliver(address: Address, messages: list[Outgoing]) -> None:
            sent.extend((address.user_id, render_plain(m, Capabilities())) for m in messages)

        assert await app.service.recover(deliver) == 1
        assert [user for user, _ in sent] == ["u-ha"]
        assert "Đơn vị đã tổ chức, hưởng ứng sự kiện nào trong kỳ?" in sent[0][1]
        trained = "SELECT value FROM answers WHERE submission_id = 2 AND question_id = "
        rows = await connections.get("default").execute_query_dict(
            f"{trained}'so_can_bo_tt_dao_tao'"
        )
        assert rows == [{"value": "1"}]
        asked = await Chat(app.service, "u-ha").say("/tieptuc")  # her draft goes on from there
        assert "Đơn vị đã tổ chức, hưởng ứng sự kiện nào trong kỳ?" in asked

        minh = Chat(app.service, "u-minh")
        # The shipped monthly example is owed by none of these units, so it is not offered:
        # /tonghop consolidates the one form the commune's units must file at once.
        summary = await minh.say("/tonghop")
        assert "Tổng hợp: Báo cáo kết quả thực hiện Nghị quyết 57" in summary
        for line in SUMMARY_LINES:  # Lan's second sending (15) and Hùng's (4); Hà's draft out
            assert line in summary, line
        assert "Đã nộp 2/" in summary
    finally:
        await app.close()


SUMMARY_LINES = (
    "• Số tin, bài đã đăng trên trang thông tin điện tử: 19 · 9,5 · 2/2 đơn vị",
    "• Số tin, bài đã đăng trên kênh Zalo chuyển đổi số của xã: 1.002 · 501 · 2/2 đơn vị",
    "• Tổng số lượt người tham dự các buổi đó: 370 · 185 · 2/2 đơn vị",
    # asked of schools only: measured against the one school that filed (coordtext)
    "• Tổng số hoạt động nhà trường đã tổ chức: 6 · 6 · 1/1 đơn vị được hỏi "
    "(câu không hỏi 1 đơn vị đã nộp)",
    ": 17.000.000 · 8.500.000 · 2/2 đơn vị",  # the budget
    "  – Ngày Khoa học và Công nghệ Việt Nam (18/5): 1 (50%)",
)


async def test_a_database_of_a_newer_release_is_refused_and_left_alone(old_url: str) -> None:
    await build_first_release(old_url, target="models.0009_reply_writer", rows=False)
    await query(old_url, NEWER_RELEASE)  # what a later release's 0010 would leave recorded
    before = await recorded(old_url)

    refused = await command(old_url, "db", "migrate")
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (
        "reportbot: Cơ sở dữ liệu đã được một bản mới hơn cập nhật (migration 0010_tu_sau); "
        "bản này chỉ biết đến 0009_reply_writer. Không thay đổi gì: cài bản mới hơn đó hoặc "
        "khôi phục bản sao lưu\n"
    )
    assert await recorded(old_url) == before
    status = await command(old_url, "status")
    assert status.returncode == 1 and "migration của bản mới hơn (0010_tu_sau)" in status.stdout


NEWER_RELEASE = (
    "INSERT INTO tortoise_migrations (app, name, applied_at) "
    "VALUES ('models', '0010_tu_sau', '2027-01-01 00:00:00+00:00')"
)
# The database refuses to record 0007_organisations once every statement of that step has
# run (a disk full, a killed connection, here a trigger): the tables and columns the step added
# must go too, or the next migrate would find them and stop on "already exists" for good.
REFUSE_RECORD = {
    "sqlite": (
        "CREATE TRIGGER record_refused BEFORE INSERT ON tortoise_migrations "
        "WHEN NEW.name = '0007_organisations' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    ),
    "postgres": (
        "CREATE FUNCTION record_refused() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
        "CREATE TRIGGER record_refused BEFORE INSERT ON tortoise_migrations FOR EACH ROW "
        "WHEN (NEW.name = '0007_organisations') EXECUTE FUNCTION record_refused()",
    ),
}
ALLOW_RECORD = {
    "sqlite": "DROP TRIGGER record_refused",
    "postgres": "DROP TRIGGER record_refused ON tortoise_migrations",
}


async def test_a_step_that_fails_halfway_is_rolled_back_whole(old_url: str) -> None:
    await build_first_release(old_url)
    dialect = "sqlite" if old_url.startswith("sqlite") else "postgres"
    for statement in REFUSE_RECORD[dialect]:
        await query(old_url, statement)

    failed = await command(old_url, "db", "migrate")
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert failed.stderr.startswith("reportbot: Migration 0007_organisations không chạy được: ")
    assert "disk full" in failed.stderr and failed.stderr.count("\n") == 1
    assert "cơ sở dữ liệu vẫn ở 0006_person_units" in failed.stderr
    assert (await recorded(old_url))[-1] == "0006_person_units"
    assert await columns(old_url, "units") == UNIT_COLUMNS_BEFORE  # no organisation_id
    assert await tables(old_url, "organisations") == 0

    await query(old_url, ALLOW_RECORD[dialect])
    done = await command(old_url, "db", "migrate")
    assert done.returncode == 0, done.stderr
    assert "3 migration (0007_organisations, 0008_organisation_sheets, 0009_reply_writer)" in (
        done.stdout
    )
    outside = "SELECT COUNT(*) AS n FROM units WHERE organisation_id IS NULL"
    assert await query(old_url, outside) == [{"n": 0}]  # every unit in the default commune


UNIT_COLUMNS_BEFORE = {"id", "code", "name", "type", "parent_id", "active", "created_at"}


async def columns(url: str, table: str) -> set[str]:
    """The columns a table has now."""
    if url.startswith("sqlite"):
        rows = await query(url, f"SELECT name FROM pragma_table_info('{table}')")
        return {str(row["name"]) for row in rows}
    sql = "SELECT column_name AS name FROM information_schema.columns WHERE table_name = "
    rows = await query(url, f"{sql}'{table}'")
    return {str(row["name"]) for row in rows}


async def tables(url: str, name: str) -> int:
    """1 when a table of that name exists, else 0."""
    if url.startswith("sqlite"):
        sql = f"SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '{name}'"
    else:
        sql = f"SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = '{name}'"
    return int((await query(url, sql))[0]["n"])  # type: ignore[call-overload]
