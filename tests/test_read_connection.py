"""First-contact reads on a connection of their own (SQLite in WAL mode): they see every
committed write, never an open transaction's, and never wait for a writer's transaction."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import OperationalError

from reportbot.store import sql
from reportbot.store.database import tortoise_config
from reportbot.store.models import ConversationState, FormTemplateRecord, Submission, Unit
from reportbot.store.read_connection import FirstReads, NotWal, ReadConnection
from reportbot.store.repository import Repository
from tests.support import load_shipped_forms, seed_commune

DEADLINE_S = 10.0  # far beyond any read; today's code waited for the writer until this
NQ57_KEY = "nq57_bao_cao_6_thang"
PERIOD = "2026-H2"
UNITS = "SELECT code FROM units ORDER BY code"


@pytest.fixture
async def sqlite_file(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[Path]:
    """A migrated SQLite file with tortoise open on it."""
    path = tmp_path / "reportbot.db"
    shutil.copy(sqlite_template, path)
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(f"sqlite://{path}"))
    try:
        yield path
    finally:
        await Tortoise.close_connections()


class HeldTransaction:
    """A transaction on tortoise's connection kept open until `release` (what a group writer's
    batch is to a read: on SQLite it holds tortoise's one connection and the write lock)."""

    def __init__(self, *statements: tuple[str, list[object]]) -> None:
        self._statements = statements
        self.held = asyncio.Event()
        self._release = asyncio.Event()
        # Its own task: a task inherits the transaction's connection from its creator.
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        async with sql.transaction() as client:
            for statement, values in self._statements:
                await sql.execute(statement, values, client=client)
            self.held.set()
            await self._release.wait()

    async def __aenter__(self) -> HeldTransaction:
        held = asyncio.ensure_future(self.held.wait())
        await asyncio.wait([held, self.task], timeout=DEADLINE_S, return_when="FIRST_COMPLETED")
        held.cancel()
        if self.task.done():
            self.task.result()  # the transaction failed: its error
        assert self.held.is_set(), "the transaction did not open"
        return self

    async def __aexit__(self, *_: object) -> None:
        self._release.set()
        await asyncio.wait_for(self.task, DEADLINE_S)


async def test_a_read_sees_committed_writes_and_not_an_open_transaction(sqlite_file: Path) -> None:
    await Unit.create(code="a", name="A", type="phong")
    reader = await ReadConnection.open(str(sqlite_file))
    try:
        assert [row[0] for row in await reader.rows(UNITS)] == ["a"]
        await Unit.create(code="b", name="B", type="phong")  # committed: seen at once
        assert [row[0] for row in await reader.rows(UNITS)] == ["a", "b"]
        rename = "UPDATE units SET code = ? WHERE code = ?"
        async with HeldTransaction((rename, ["c", "b"])):
            # answered while the writer holds the database, from the last commit
            seen = await asyncio.wait_for(reader.rows(UNITS), DEADLINE_S)
            assert [row[0] for row in seen] == ["a", "b"]
        assert [row[0] for row in await reader.rows(UNITS)] == ["a", "c"]
        with pytest.raises(OperationalError):  # read-only: a read path never writes
            await reader.rows("DELETE FROM units")
        assert len(await reader.rows(UNITS)) == 2
    finally:
        await reader.close()
    assert reader.closed
    with pytest.raises(OperationalError):
        await reader.rows(UNITS)


async def test_first_contact_reads_finish_while_a_writer_transaction_is_open(db: str) -> None:
    people = await seed_commune()
    officer = people["hoiphunu"]
    await ConversationState.create(
        person_id=officer.id, data='{"mode": "idle"}', updated_at=datetime(2026, 11, 26, tzinfo=UTC)
    )
    repository = Repository()
    change = "UPDATE conversation_states SET data = ? WHERE person_id = ?"
    try:
        async with HeldTransaction((change, ['{"mode": "answering"}', officer.id])):
            person = await asyncio.wait_for(repository.person("console", "u-hoiphunu"), DEADLINE_S)
            assert person is not None and person.id == officer.id
            reports = await asyncio.wait_for(repository.reports(officer.unit_id), DEADLINE_S)
            assert reports == {}
            # the committed state, not the one the open transaction wrote
            assert (await repository.conversation(officer.id)).to_dict()["mode"] == "idle"
    finally:
        await repository.close()


async def test_the_publication_check_does_not_wait_for_a_writer_transaction(db: str) -> None:
    await load_shipped_forms()
    repository = Repository(recheck_s=0)  # every forms() asks the database
    await repository.start()
    add_unit = "INSERT INTO units (code, name, type, active, created_at) VALUES (?, ?, ?, ?, ?)"
    unit = ["thon9", "Thôn 9", "to_cns", True, datetime(2026, 11, 26, tzinfo=UTC)]
    try:
        async with HeldTransaction((add_unit, unit)):
            forms = await asyncio.wait_for(repository.forms(), DEADLINE_S)
            assert list(forms) == [NQ57_KEY]  # the set loaded; the open insert is not seen
    finally:
        await repository.close()


async def test_a_unit_read_while_its_step_is_in_flight_is_not_cached(db: str) -> None:
    people = await seed_commune()
    unit_id = people["hoiphunu"].unit_id
    repository = Repository()
    try:
        # A step of a unit no longer cached (dropped by `forget_unit` after a colleague's
        # conflict) is still being written: what is read meanwhile may lack it.
        repository.begin_write(unit_id)
        assert await repository.reports(unit_id) == {}
        await _store_submission(unit_id)  # that step, committed
        repository.end_write(unit_id)
        again = await repository.reports(unit_id)
        assert list(again) == [(NQ57_KEY, PERIOD)]  # read again, not the old read
        assert await repository.reports(unit_id) is again  # and cached from now on
    finally:
        await repository.close()


async def _store_submission(unit_id: int) -> None:
    """A draft of the shipped form for the unit, written outside the repository."""
    await load_shipped_forms()
    record = await FormTemplateRecord.filter(key=NQ57_KEY).first()
    assert record is not None
    moment = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    await Submission.create(
        unit_id=unit_id,
        template_id=record.id,
        form_key=NQ57_KEY,
        period_key=PERIOD,
        created_at=moment,
        updated_at=moment,
    )


async def test_the_read_connection_ends_with_the_repository(sqlite_file: Path) -> None:
    await seed_commune()
    before = {thread for thread in threading.enumerate() if thread.name.startswith("sqlite-read")}
    repository = Repository()
    assert await repository.person("console", "u-vhxh") is not None
    opened = {t for t in threading.enumerate() if t.name.startswith("sqlite-read")} - before
    assert len(opened) == 1  # one reader thread, opened at first use
    await repository.close()
    (thread,) = opened
    assert not thread.is_alive()


async def test_reads_stay_on_tortoise_outside_a_sqlite_file(db: str) -> None:
    reads = FirstReads()
    reader = await reads.get()
    assert (reader is None) == db.startswith("postgres")  # the pool reads apart already
    await reads.close()


async def test_a_database_not_in_wal_mode_is_not_read_apart(tmp_path: Path) -> None:
    path = tmp_path / "rollback.db"
    with contextlib.closing(sqlite3.connect(path)) as plain:  # journal_mode=delete
        plain.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(NotWal):  # a reader there would block the writer's commit
        await ReadConnection.open(str(path))


async def test_a_unit_read_overlapping_an_outside_change_is_not_cached(db: str) -> None:
    """A reopen commits on its own and ends with `forget_unit`: a load that began before it
    may predate it, so it is not kept (it would hide the reopen for the cache's lifetime)."""
    people = await seed_commune()
    unit_id = people["hoiphunu"].unit_id
    repository = Repository()
    await repository.start()
    try:
        loading = asyncio.create_task(repository.reports(unit_id))
        await asyncio.sleep(0)  # the load has begun: it waits for its rows
        assert not loading.done()
        repository.forget_unit(unit_id)  # the outside change, committed meanwhile
        overlapped = await loading
        assert await repository.reports(unit_id) is not overlapped  # read again
        settled = await repository.reports(unit_id)
        assert await repository.reports(unit_id) is settled  # cached once nothing overlaps
    finally:
        await repository.close()


async def test_a_person_read_overlapping_a_forget_is_not_cached(db: str) -> None:
    await seed_commune()
    repository = Repository()
    await repository.start()
    try:
        loading = asyncio.create_task(repository.person("console", "u-vhxh"))
        await asyncio.sleep(0)
        assert not loading.done()
        repository.forget_person("console", "u-vhxh")  # a role or unit change committed
        overlapped = await loading
        assert overlapped is not None
        assert await repository.person("console", "u-vhxh") is not overlapped
        settled = await repository.person("console", "u-vhxh")
        assert await repository.person("console", "u-vhxh") is settled
    finally:
        await repository.close()
