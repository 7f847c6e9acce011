"""The one-copy locks when the platform misbehaves: a filesystem without flock (NFS without
lockd, some FUSE/SMB mounts) does not stop `run`, and a PostgreSQL lock whose session the
server ended (restart, failover, pg_terminate_backend) is noticed and taken again."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import logging
import time
from pathlib import Path

import asyncpg
import pytest

from reportbot.store.database import session_arguments
from reportbot.store.instance_lock import (
    ALL_ROLE_LOCK_KEY,
    hold_database,
    hold_postgres_all,
    release_postgres_all,
)

# pg_locks shows an advisory bigint key as its high and low 32 bits (postgresql.org/docs,
# "pg_locks": classid, objid, objsubid = 1).
HOLDER = (
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
    "AND classid::bigint = $1 AND objid::bigint = $2"
)


def test_a_filesystem_without_flock_runs_unguarded_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_locks(_handle: object, _operation: int) -> None:  # flock(2) on NFS without lockd
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with caplog.at_level(logging.WARNING, logger="reportbot.store.instance_lock"):
        hold_database(f"sqlite://{tmp_path / 'bot.db'}")  # no exception: `run` goes on
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "does not support flock" in record.getMessage()
    assert str(tmp_path / "bot.db.lock") in record.getMessage()


async def _holder(admin: asyncpg.Connection) -> int | None:
    key = ALL_ROLE_LOCK_KEY
    return await admin.fetchval(HOLDER, key >> 32, key & 0xFFFFFFFF)


async def test_a_lock_whose_session_the_server_ended_is_taken_again(
    postgres_database: str, caplog: pytest.LogCaptureFixture
) -> None:
    admin = await asyncpg.connect(**session_arguments(postgres_database))
    try:
        with caplog.at_level(logging.INFO, logger="reportbot.store.instance_lock"):
            await hold_postgres_all(postgres_database)
            first = await _holder(admin)
            assert first is not None
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", first)
            deadline = time.monotonic() + 30
            second = first
            while second in (first, None) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
                second = await _holder(admin)
            assert second not in (first, None)  # held again, by a new session
        errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1 and "lock lapsed" in errors[0]
        assert not await admin.fetchval("SELECT pg_try_advisory_lock($1)", ALL_ROLE_LOCK_KEY)
    finally:
        await release_postgres_all()
        await admin.close()


async def test_a_lock_query_that_fails_is_one_line_and_frees_its_connection(
    postgres_database: str,
) -> None:
    from reportbot.store.database import DatabaseUnavailable
    from reportbot.store.instance_lock import _take

    admin = await asyncpg.connect(**session_arguments(postgres_database))
    connection = await asyncpg.connect(**session_arguments(postgres_database))
    try:
        pid = connection.get_server_pid()
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)  # ended under it
        gone = "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1)"
        deadline = asyncio.get_running_loop().time() + 30
        while not await admin.fetchval(gone, pid):  # the signal is handled asynchronously
            assert asyncio.get_running_loop().time() < deadline, "the backend did not end"
            await asyncio.sleep(0.05)
        with pytest.raises(DatabaseUnavailable) as refused:
            await _take(postgres_database, connection)
        assert refused.value.key == "db_unreachable"
        assert connection.is_closed()  # not leaked
    finally:
        connection.terminate()
        await admin.close()
