"""Shared fixtures: a throwaway database on SQLite and on real PostgreSQL, and the demo data.

Every test run creates its own PostgreSQL database (dropped at the end) and migrates it once;
each test starts from empty tables. SQLite tests copy a migrated template file. A PostgreSQL
that cannot be reached fails the run (set REPORTBOT_TEST_SKIP_POSTGRES=1 to skip those tests
explicitly on a machine without one; CI never does).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from reportbot.service import ConversationService
from reportbot.store.database import migrate_database, tortoise_config
from reportbot.store.queries.organisations import ensure_default_commune

ROOT = Path(__file__).resolve().parents[1]
FORMS_DIR = ROOT / "forms"
pytest_plugins = ["tests.telegram_fixtures", "tests.zalo_oa_fixtures"]  # tg, start_bot; oa_fake, oa
NQ57 = FORMS_DIR / "nq57_bao_cao_6_thang.yaml"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PG_ADMIN_URL = os.environ.get(
    "REPORTBOT_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
TABLES = (
    "reminder_deliveries",
    "job_leases",
    "audit_log",
    "answers",
    "submissions",
    "conversation_states",
    "inbox",
    "outbox",
    "connector_state",
    "invites",
    "identities",
    "people",
    "units",
    "form_templates",
    "organisations",
)


def _pg_url(database: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


async def _pg_admin(statement: str) -> None:
    import asyncpg

    url = PG_ADMIN_URL.replace("postgres://", "postgresql://", 1)
    connection = await asyncpg.connect(url, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    asyncio.run(migrate_database(f"sqlite://{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database of this test run, migrated once, dropped at the end."""
    if os.environ.get("REPORTBOT_TEST_SKIP_POSTGRES") == "1" and os.environ.get("CI") != "true":
        pytest.skip("REPORTBOT_TEST_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
    name = f"reportbot_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_ADMIN_URL} ({exc}); "
            "start it (make services) — the tests need a real PostgreSQL",
            pytrace=False,
        )
    url = _pg_url(name)
    asyncio.run(migrate_database(url))
    yield url
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A migrated, empty database: a fresh SQLite file, or the run's PostgreSQL database."""
    if request.param == "sqlite":
        path = tmp_path / "reportbot.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite://{path}"
    else:
        url = request.getfixturevalue("postgres_database")
        asyncio.run(_truncate(url))
        yield url


async def _truncate(url: str) -> None:
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    try:
        tables = ", ".join(TABLES)
        await connections.get("default").execute_script(
            f"TRUNCATE {tables} RESTART IDENTITY CASCADE"
        )
        # As migration 0007 leaves it (and the SQLite template has it): the default commune.
        await ensure_default_commune()
    finally:
        await Tortoise.close_connections()


@pytest.fixture
async def pg(postgres_database: str) -> AsyncIterator[str]:
    """The run's PostgreSQL database alone (for what needs PostgreSQL: worker claims, several
    processes), emptied, with tortoise open for seeding and checks."""
    await _truncate(postgres_database)
    await Tortoise.init(config=tortoise_config(postgres_database))
    try:
        yield postgres_database
    finally:
        await Tortoise.close_connections()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """Tortoise initialised on an empty database for the duration of the test."""
    # Tortoise caches insert statements per table name, not per dialect; a test run switches
    # between SQLite and PostgreSQL, so the cache must not carry '?' placeholders across.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(database_url))
    try:
        yield database_url
    finally:
        await Tortoise.close_connections()


class FakeClock:
    """A clock the test moves by hand (aware, UTC)."""

    def __init__(self, start: datetime) -> None:
        self.now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        from datetime import timedelta

        self.now += timedelta(**delta)

    def set_local(self, moment: datetime) -> None:
        """Set the clock to a local (Asia/Ho_Chi_Minh) wall-clock time."""
        self.now = moment.replace(tzinfo=TZ).astimezone(UTC)


@pytest.fixture
def clock() -> FakeClock:
    """26/11/2026 10:00 in Vietnam: inside the 2026-H2 period (due 20/12/2026)."""
    return FakeClock(datetime(2026, 11, 26, 10, 0, tzinfo=TZ))


@pytest.fixture
async def service(db: str, clock: FakeClock) -> AsyncIterator[ConversationService]:
    """The conversation service over a seeded commune with the Resolution 57 form stored."""
    from tests.support import load_shipped_forms, seed_commune

    await seed_commune()
    await load_shipped_forms()
    conversation = ConversationService(TZ, clock=clock)
    await conversation.start()
    yield conversation
    await conversation.close()
