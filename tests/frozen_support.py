"""A private PostgreSQL server, migrated, with tortoise open on it: for tests that freeze it
(SIGSTOP) or hold its locks. Never the machine's shared server."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from drills.pgserver import PrivatePostgres
from reportbot.store.database import migrate_database, tortoise_config


@asynccontextmanager
async def migrated_private_server(prefix: str) -> AsyncIterator[PrivatePostgres]:
    """The server, thawed and destroyed (with its folder) whatever the test did to it."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    server = PrivatePostgres(folder / "pg")
    server.init()
    await migrate_database(server.url)
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(server.url))
    try:
        yield server
    finally:
        server.thaw()
        await asyncio.wait_for(Tortoise.close_connections(), 30)
        server.destroy()
        shutil.rmtree(folder, ignore_errors=True)
