"""The short versions of the fault drills (`drills/`): the bot as a separate process.

Each runs `reportbot run` as a child process against the fakes on 127.0.0.1 and holds the
goals of docs/RELIABILITY.md: no acknowledged answer lost, none stored under a question the
person was not shown, none applied twice, no reply lost after recovery, no 5xx but the designed
503, no traceback in the log. Find them with `pytest -m drill`; the long versions' figures are
in docs/RELIABILITY.md.
"""

from __future__ import annotations

import shutil

import pytest

from drills.crash import CrashConfig, run_crash_drill
from drills.fuzz import run_fuzz_drill
from drills.pgserver import _tool
from drills.stop import STOP_OVERHEAD_S, run_stop_drill

pytestmark = pytest.mark.drill


def _has_postgres_tools() -> bool:
    try:
        _tool("initdb")
        _tool("pg_ctl")
    except FileNotFoundError:
        return False
    return os_can_run_postgres()


def os_can_run_postgres() -> bool:
    """initdb refuses root; as root the drill needs `runuser` and a postgres user."""
    import os
    import pwd

    if os.geteuid() != 0:
        return True
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return shutil.which("runuser") is not None


async def test_kill_9_during_webhook_filing_loses_nothing_acknowledged() -> None:
    figures = await run_crash_drill(
        CrashConfig(mode="webhook", db="sqlite", officers=3, kills=1, duration_s=45.0)
    )
    print("\n".join(figures.lines()))
    assert figures.kills == 1
    assert figures.answers_acknowledged >= 3 * 5, "the officers got somewhere"
    # The new process takes the mirror over as soon as it is up (the dead holder is seen
    # dead); kill -> ready is the interpreter start, a figure of the machine's load.
    figures.recovery_from_kill = False
    assert figures.mirror_recover_s, "the mirror lease was never retaken"
    assert figures.violations() == []


@pytest.mark.skipif(not _has_postgres_tools(), reason="initdb/pg_ctl not available")
async def test_postgresql_stopped_during_polling_loses_nothing_and_the_bot_comes_back() -> None:
    """A private server stopped for 6 s while two officers file by polling: nothing confirmed
    to Telegram is lost (the offset waits), and the bot answers again once it is back."""
    figures = await run_crash_drill(
        CrashConfig(
            mode="polling",
            db="postgres",
            fault="pg-stop",
            officers=2,
            kills=1,
            outage_s=6.0,
            duration_s=45.0,
            kill_gap_s=(2.0, 4.0),
            duplicate=False,
        )
    )
    print("\n".join(figures.lines()))
    assert figures.kills == 1 and figures.recover_s and figures.recover_s[0] < 30.0
    assert figures.officers_saw_submitted == 2
    assert figures.violations() == []


async def test_fuzzed_bodies_never_get_a_5xx_nor_a_traceback() -> None:
    figures = await run_fuzz_drill(cases=200)
    print("\n".join(figures.lines()))
    assert figures.http_5xx == 0 and figures.tracebacks == 0
    assert figures.officers_saw_submitted == 1, "the bot still works after the fuzzing"


async def test_a_graceful_stop_drains_for_the_configured_time_and_keeps_the_rest() -> None:
    figures = await run_stop_drill(drain_s=2.0)
    print("\n".join(figures.lines()))
    assert "replies kept in the outbox after the stop: 1" in figures.notes
    assert figures.stop_s <= 2.0 + STOP_OVERHEAD_S
    assert figures.replies_lost == 0, "the kept reply is sent by the next start"
