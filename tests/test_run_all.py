"""`reportbot run` with Telegram, Zalo Bot and Zalo OA configured: one process, three webhooks.

The real command runs as a subprocess against the three fake APIs on 127.0.0.1; a stranger
writes to each webhook and must be told, on that platform, how to get an invite.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

from drills.ports import free_port
from tests.conftest import FORMS_DIR, ROOT
from tests.fakes.telegram import FakeTelegram, bot_env
from tests.fakes.zalo_bot import FakeZaloBot
from tests.fakes.zalo_oa import FakeZaloOa

SECRET = "run-all-webhook-secret"


async def eventually(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_one_process_serves_every_configured_platform(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with FakeTelegram() as telegram, FakeZaloBot() as zalo, FakeZaloOa() as oa:
        access, refresh = oa.issue_tokens()
        env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'bot.db'}",
                "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
                "REPORTBOT_HTTP_PORT": str(port),
                "REPORTBOT_MIRROR_XLSX": str(tmp_path / "mirror.xlsx"),
                **bot_env(telegram, WEBHOOK_URL=f"{base}/webhook/telegram", WEBHOOK_SECRET=SECRET),
                **zalo.env(
                    REPORTBOT_ZALO_BOT_WEBHOOK_URL=f"{base}/webhook/zalo-bot",
                    REPORTBOT_ZALO_BOT_WEBHOOK_SECRET=SECRET,
                ),
                **oa.env(refresh, access),
            }
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "reportbot.cli",
            "run",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            async with aiohttp.ClientSession() as http:
                health: dict = {}

                async def healthy() -> bool:
                    try:
                        async with http.get(f"{base}/healthz") as response:
                            health.update(await response.json())
                            return response.status == 200  # 503 while still starting
                    except aiohttp.ClientError:
                        return False

                # A deadline, not a measure: a start is 3-4 s of CPU (aiogram, the app, three
                # connectors), which took 20-50 s on two cores shared by a dozen processes.
                deadline = time.monotonic() + 120
                while not await healthy():
                    assert process.returncode is None, await process.stderr.read()
                    assert time.monotonic() < deadline, "the bot did not start"
                    await asyncio.sleep(0.1)
                assert sorted(health["connectors"]) == ["telegram", "zalo_bot", "zalo_oa"]

                for path in ("/webhook/telegram", "/webhook/zalo-bot", "/webhook/zalo-oa"):
                    async with http.post(f"{base}{path}", json={"x": 1}) as response:
                        assert response.status in (401, 403), path  # each checks its own secret

            status = await telegram.post_webhook(
                f"{base}/webhook/telegram", telegram.text_update(5001, "xin chào"), SECRET
            )
            assert status == 200
            await zalo.post_webhook(
                f"{base}/webhook/zalo-bot", zalo.text("xin chào", user_id="z-1"), secret=SECRET
            )
            assert (
                await oa.post_event(f"{base}/webhook/zalo-oa", oa.text_event("oa-1", "chào")) == 200
            )

            await eventually(lambda: any("mã mời" in t for t in telegram.sent_texts(5001)))
            await eventually(lambda: any("mã mời" in t for t in zalo.texts("z-1")))
            await eventually(lambda: any("mã mời" in t for t in oa.texts("oa-1")))
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr
