"""`reportbot run` that cannot start says why in ONE line and what to do, exits non-zero, and
never prints a traceback: a refused token, an unreachable Bot API, a busy port, no forms.

Each case runs the real command in a subprocess; the fake Bot API serves it over real HTTP
from this test's event loop (so the subprocess is awaited, never waited on blocking).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

from drills.ports import free_port
from tests.conftest import FORMS_DIR, ROOT
from tests.fakes.telegram import FakeTelegram, bot_env

WRONG = "123456:WRONG-token-for-startup-tests"


async def run_bot(env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """`reportbot run` with a clean REPORTBOT_* environment plus `env`; (exit code, stderr)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
    base["PYTHONPATH"] = str(ROOT)
    base["REPORTBOT_DATABASE_URL"] = f"sqlite://{cwd / 'bot.db'}"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "reportbot.cli",
        "run",
        cwd=cwd,
        env={**base, **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=180)
    except TimeoutError:
        process.kill()
        raise
    assert process.returncode is not None
    return process.returncode, stderr.decode()


def one_line(code: int, stderr: str) -> str:
    """The single useful line: non-zero exit, no traceback, nothing else on stderr."""
    assert code != 0, stderr
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


async def test_a_refused_token(tg: FakeTelegram, tmp_path: Path) -> None:
    env = {**bot_env(tg, TOKEN=WRONG), "REPORTBOT_FORMS_DIR": str(FORMS_DIR)}
    line = one_line(*await run_bot(env, tmp_path))
    assert "401" in line and "@BotFather" in line and "REPORTBOT_TELEGRAM_TOKEN" in line
    assert "WRONG" not in line  # the token is never printed


async def test_an_unreachable_api(tg: FakeTelegram, tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # a port nobody listens on
    env = {**bot_env(tg, API_URL=closed), "REPORTBOT_FORMS_DIR": str(FORMS_DIR)}
    line = one_line(*await run_bot(env, tmp_path))
    assert "không kết nối được Bot API" in line and "REPORTBOT_TELEGRAM_API_URL" in line
    assert "cannot reach" not in line  # one language at a time


async def test_a_busy_port(tg: FakeTelegram, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {
            **bot_env(
                tg,
                WEBHOOK_URL="https://bot.example.org/webhook/telegram",
                WEBHOOK_SECRET="startup-secret-0123456789",
            ),
            "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
            "REPORTBOT_HTTP_HOST": "127.0.0.1",
            "REPORTBOT_HTTP_PORT": str(port),
        }
        line = one_line(*await run_bot(env, tmp_path))
    assert "cổng đang được chương trình khác dùng" in line and "address already in use" in line
    assert "REPORTBOT_HTTP_PORT" in line  # what to do


async def test_no_forms_folder(tg: FakeTelegram, tmp_path: Path) -> None:
    line = one_line(*await run_bot(bot_env(tg), tmp_path))  # started where no forms/ is
    assert "REPORTBOT_FORMS_DIR" in line and str(tmp_path / "forms") in line
    assert "không có thư mục mẫu báo cáo" in line and "no forms folder" not in line
    assert not tg.calls_of("getUpdates"), "nothing was started"


async def test_no_forms_folder_for_the_console_demo_either(tmp_path: Path) -> None:
    # No platform configured: the console demo. Without forms it used to seed its demo
    # officer and tell them there was nothing to file.
    line = one_line(*await run_bot({}, tmp_path))
    assert "REPORTBOT_FORMS_DIR" in line and str(tmp_path / "forms") in line
