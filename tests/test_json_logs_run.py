"""`reportbot run` with REPORTBOT_LOG_FORMAT=json writes JSON lines an IT officer's shipper reads.

Seen: `reportbot run --role worker` (and web) with REPORTBOT_LOG_FORMAT=json ran 45 minutes and
wrote no line at all, not even that it started: the log level stayed at WARNING without -v, and
the start line went to stdout as plain text. Now a start line (role, connectors) comes as JSON
on stderr, every stderr line is one JSON object, and none holds the bot token.

The real command runs in a subprocess against the fake Bot API over real HTTP (this test's
event loop serves it, so the subprocess is read asynchronously, with a deadline).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

from drills.ports import free_port
from tests.conftest import FORMS_DIR, ROOT
from tests.fakes.telegram import FakeTelegram, bot_env

# A token of Telegram's real shape (core.telegram.org/bots/api, "Authorizing your bot").
TOKEN = "7312345678:AAHq3Zx9Vb2Lk8Wm4Np6Rt1Ys5Jd7Fg0Hc2"
DEADLINE = 120.0  # seconds; a start is mostly imports, slow on two busy cores


async def _lines_until_started(stderr: asyncio.StreamReader) -> list[str]:
    """Read stderr lines until one says the bot is running; fail after DEADLINE seconds."""
    lines: list[str] = []
    deadline = time.monotonic() + DEADLINE
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no start line within {DEADLINE} s: {lines}"
        raw = await asyncio.wait_for(stderr.readline(), timeout=left)
        assert raw, f"stderr closed before a start line: {lines}"
        lines.append(raw.decode())
        entry = json.loads(lines[-1])  # every line is one JSON object
        if entry.get("event") == "started":
            return lines


async def test_run_writes_a_json_start_line_and_only_json(tmp_path: Path) -> None:
    await _check_json_run("all", f"sqlite://{tmp_path / 'bot.db'}", tmp_path)


async def test_a_worker_writes_a_json_start_line_and_only_json(
    postgres_database: str, tmp_path: Path
) -> None:
    await _check_json_run("worker", postgres_database, tmp_path)


async def _check_json_run(role: str, database: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    async with FakeTelegram(token=TOKEN) as fake:
        hook = {} if role == "all" else {"WEBHOOK_URL": "http://127.0.0.1:9/webhook/telegram"}
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "REPORTBOT_DATABASE_URL": database,
                "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
                "REPORTBOT_HTTP_PORT": str(free_port()),
                "REPORTBOT_MEDIA_DIR": str(tmp_path / "media"),
                "REPORTBOT_LOG_FORMAT": "json",
                **bot_env(fake, **hook, WEBHOOK_SECRET="json-logs-webhook-secret"),
            }
        )
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "reportbot.cli", "run", "--role", role),
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            assert process.stderr is not None
            lines = await _lines_until_started(process.stderr)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            _, rest = await asyncio.wait_for(process.communicate(), timeout=DEADLINE)
    lines += rest.decode().splitlines(keepends=True)
    entries = [json.loads(line) for line in lines]  # each stderr line parses alone
    started = next(e for e in entries if e.get("event") == "started")
    assert started["level"] == "INFO" and started["role"] == role
    assert started["connectors"] == ["telegram"]
    if role == "all":  # the receiving side's own line (a worker receives nothing)
        assert any("connector telegram started" in e["message"] for e in entries)
    text = "".join(lines)
    assert TOKEN not in text and TOKEN.split(":")[1] not in text
    assert "json-logs-webhook-secret" not in text
    assert "Traceback" not in text
