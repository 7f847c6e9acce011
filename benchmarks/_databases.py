"""Throwaway databases for the benchmarks: a SQLite file, or a PostgreSQL database dropped after.

PostgreSQL is reached through ``REPORTBOT_TEST_POSTGRES_URL`` (an admin URL, default the local
``postgres`` database), as in the tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from reportbot.store.database import migrate_database, tortoise_config

PG_ADMIN = os.environ.get(
    "REPORTBOT_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


async def _admin(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@asynccontextmanager
async def throwaway_database(backend: str, workdir: Path) -> AsyncIterator[str]:
    """A fresh, migrated database ("sqlite" or "postgres"); yields its URL.

    The SQLite file is left in `workdir` (a temporary folder); the PostgreSQL database is
    dropped on the way out.
    """
    if backend == "sqlite":
        url = f"sqlite://{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        await migrate_database(url)
        yield url
        return
    name = f"reportbot_bench_{uuid.uuid4().hex[:8]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
        await migrate_database(url)
        yield url
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def connected(url: str) -> AsyncIterator[None]:
    """Tortoise connected to `url` for the block (with a clean executor cache)."""
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    try:
        yield
    finally:
        await Tortoise.close_connections()
