"""A job that fails because the database cannot be reached logs one WARNING line per run, not
an ERROR with a traceback every minute (the reminders job did while PostgreSQL was down; the
reply-redelivery job already did so, docs/RELIABILITY.md item 6). Other failures keep their
traceback: they are defects to read."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
import pytest

from drills.ports import free_port
from reportbot.jobs import JobRunner


async def _run_once(job, caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    ran = asyncio.Event()

    async def once() -> None:
        try:
            await job()
        finally:
            ran.set()

    jobs = JobRunner()
    jobs.add("reminders", 3600, once)
    with caplog.at_level(logging.WARNING, logger="reportbot.jobs"):
        await jobs.start()
        try:
            await asyncio.wait_for(ran.wait(), timeout=30)
            await asyncio.sleep(0)  # let the guard log what the run raised
        finally:
            await jobs.stop()
    return [r for r in caplog.records if r.name == "reportbot.jobs"]


async def test_a_job_whose_database_is_down_logs_one_warning_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = free_port()  # nobody listens: the real client's refusal, as when PostgreSQL is down

    async def reminders() -> None:
        await asyncpg.connect(host="127.0.0.1", port=port, user="postgres", timeout=5)

    records = await _run_once(reminders, caplog)
    assert [r.levelno for r in records] == [logging.WARNING]
    assert records[0].exc_info is None
    message = records[0].getMessage()
    assert "reminders" in message and "database" in message and "\n" not in message


async def test_any_other_failure_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    async def broken() -> None:
        raise KeyError("a defect")

    records = await _run_once(broken, caplog)
    assert [r.levelno for r in records] == [logging.ERROR]
    # Raw, or already formatted and redacted by the log guard a running bot installs (an
    # earlier test of the same process may have installed it): either way, the error is kept.
    record = records[0]
    assert record.exc_info is not None or "KeyError" in (record.exc_text or ""), record
