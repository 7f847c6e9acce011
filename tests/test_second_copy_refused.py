"""A second `reportbot run` on the SQLite file a running copy uses refuses to start, naming
the first; once the first is killed (kill -9: the kernel releases its flock), a start works.

Before: both started without a word, the second took over the Telegram webhook, and answers
sent to both at once overwrote each other (tester finding, 3 of 3 times).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.test_cli import run_cli

HOLDER = (
    "import sys, time\n"
    "from reportbot.store.instance_lock import hold_database\n"
    "hold_database(sys.argv[1])\n"
    "print('held', flush=True)\n"
    "time.sleep(120)\n"
)


def test_a_second_copy_on_one_sqlite_file_refuses_to_start(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'bot.db'}"
    env = {"REPORTBOT_DATABASE_URL": url, "REPORTBOT_DEMO": "false"}
    assert run_cli(["db", "migrate"], env=env, cwd=tmp_path).returncode == 0
    first = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert first.stdout is not None and first.stdout.readline() == "held\n"
        second = run_cli(["run"], env=env, cwd=tmp_path)
        assert second.returncode == 1, second.stderr
        line = second.stderr.strip()
        assert f"Một bản reportbot khác (tiến trình {first.pid})" in line, line
        assert "Traceback" not in second.stderr and len(line.splitlines()) == 1
        english = run_cli(["run"], env={**env, "REPORTBOT_LOCALE": "en"}, cwd=tmp_path)
        assert f"Another copy of reportbot (process {first.pid})" in english.stderr
    finally:
        first.send_signal(signal.SIGKILL)  # a crash: the lock must not outlive the process
        first.wait(timeout=30)
    after = run_cli(["run"], env=env, cwd=tmp_path)  # no forms folder here: stops further on
    assert "Một bản reportbot khác" not in after.stderr, after.stderr
    assert "REPORTBOT_FORMS_DIR" in after.stderr, after.stderr


# Past the lock, `run` stops at the next check that this bare setup fails: the forms folder,
# or (without a console to fall back on) the platforms, whichever the start reaches first.
_PAST_THE_LOCK = ("REPORTBOT_FORMS_DIR", "không có kết nối nền tảng nào được cấu hình")


def test_postgresql_and_memory_databases_need_no_lock_file() -> None:
    from reportbot.store.instance_lock import lock_path

    assert lock_path("postgres://u@h/db") is None
    assert lock_path("sqlite://:memory:") is None
    assert lock_path("sqlite:///srv/bot.db?query_only=ON") == Path("/srv/bot.db.lock")


def test_a_port_in_use_says_another_copy_may_be_running() -> None:
    import errno

    from reportbot.cli.errors import describe_os_error

    error = OSError(errno.EADDRINUSE, os.strerror(errno.EADDRINUSE))
    assert "một bản reportbot khác đang chạy" in describe_os_error(error, "vi")
    assert "another copy of reportbot may be running" in describe_os_error(error, "en")


async def test_a_second_all_process_on_one_postgresql_database_refuses_to_start(
    tmp_path: Path, postgres_database: str
) -> None:
    import asyncpg

    from reportbot.store.database import session_arguments
    from reportbot.store.instance_lock import ALL_ROLE_LOCK_KEY

    first = await asyncpg.connect(**session_arguments(postgres_database))  # the running copy
    try:
        assert await first.fetchval("SELECT pg_try_advisory_lock($1)", ALL_ROLE_LOCK_KEY)
        env = {"REPORTBOT_DATABASE_URL": postgres_database, "REPORTBOT_DEMO": "false"}
        second = run_cli(["run"], env=env, cwd=tmp_path)
        assert second.returncode == 1, second.stderr
        assert "Một bản reportbot khác với vai trò all" in second.stderr, second.stderr
        assert "Traceback" not in second.stderr
    finally:
        await first.close()  # the copy stopped: the lock goes with its session
    after = run_cli(["run"], env=env, cwd=tmp_path)
    assert "Một bản reportbot khác" not in after.stderr, after.stderr
    assert any(line in after.stderr for line in _PAST_THE_LOCK), after.stderr
