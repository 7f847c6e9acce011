"""Real `reportbot run --role ...` processes on one PostgreSQL database, for tests and benchmarks.

One `web` process receives Telegram webhooks (from the fake Bot API's own client) and only
stores them; `worker` processes claim, handle and reply. Officers are seeded directly in the
database (units of type `doan_the`, one officer each with a Telegram identity).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from drills.ports import free_port
from reportbot.store.kv import KeyValueStore
from reportbot.store.lease import SINCE, lease_state
from reportbot.store.models import Identity, Person, Unit
from tests.conftest import FORMS_DIR, ROOT
from tests.fakes.telegram import FakeTelegram, bot_env
from tests.support import NQ57_SCRIPT, load_shipped_forms

SECRET = "workers-webhook-secret"
FIRST_USER = 880_000_000
# The whole report as typed (the period by its number, then the console script's answers).
LINES: tuple[str, ...] = ("/baocao", "1", *(typed for _, typed, _ in NQ57_SCRIPT), "/gui", "có")


async def seed_officers(count: int) -> list[int]:
    """`count` units with one officer each on Telegram; return their Telegram user ids."""
    await load_shipped_forms()
    users = []
    for number in range(count):
        unit = await Unit.create(code=f"doan{number}", name=f"Đoàn thể {number}", type="doan_the")
        person = await Person.create(name=f"Cán bộ {number}", unit=unit, role="officer")
        user = FIRST_USER + number
        await Identity.create(
            platform="telegram", external_id=str(user), chat_id=str(user), person=person
        )
        users.append(user)
    return users


async def wait_until(
    condition: Callable[[], Awaitable[bool]], what: str, timeout: float = 60.0
) -> None:
    """Poll `condition` until it holds; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@dataclass
class Cluster:
    """One web process and some worker processes of `reportbot run`, with their logs."""

    telegram: FakeTelegram
    database_url: str
    folder: Path
    web_port: int = field(default_factory=free_port)
    processes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)  # more REPORTBOT_* for every process

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.web_port}/webhook/telegram"

    def _env(self, port: int, more: Mapping[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTBOT_")}
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "REPORTBOT_DATABASE_URL": self.database_url,
                "REPORTBOT_FORMS_DIR": str(FORMS_DIR),
                "REPORTBOT_HTTP_PORT": str(port),
                "REPORTBOT_MIRROR_XLSX": str(self.folder / "mirror.xlsx"),
                "REPORTBOT_MEDIA_DIR": str(self.folder / "media"),
                **bot_env(self.telegram, WEBHOOK_URL=self.webhook, WEBHOOK_SECRET=SECRET),
                **self.settings,
                **more,
            }
        )
        return env

    async def start(
        self, name: str, role: str, args: Sequence[str] = (), env: Mapping[str, str] | None = None
    ) -> None:
        """Start `reportbot run --role role [args]` (with `env`, more REPORTBOT_* for this
        process alone) and wait until its /healthz answers 200."""
        port = self.web_port if role in ("web", "all") else free_port()
        log = (self.folder / f"{name}.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "reportbot.cli",
            "run",
            "--role",
            role,
            *args,
            cwd=self.folder,
            env=self._env(port, env or {}),
            stdout=log,
            stderr=log,
        )
        self.processes[name], self.ports[name] = process, port
        async with aiohttp.ClientSession() as http:

            async def healthy() -> bool:
                assert process.returncode is None, self.log(name)
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            # Starts run together (`start_all`) on a machine shared with other test workers:
            # a start is ~3-4 s of CPU (importing aiogram, the app), so seconds each when idle
            # but up to a minute on two saturated cores.
            await wait_until(healthy, f"{name} to start", timeout=120)

    async def start_all(self, roles: dict[str, str]) -> None:
        """Start several processes (name -> role) together and wait until each is healthy:
        a start is mostly the interpreter importing the app, which need not wait for another's."""
        await asyncio.gather(*(self.start(name, role) for name, role in roles.items()))

    def named(self, holder: str) -> str:
        """The name of the process a lease holder id belongs to (its pid is in the id)."""
        pid = int(holder.rsplit(":", 3)[2])
        return next((n for n, p in self.processes.items() if p.pid == pid), holder)

    async def lease_holder(self, lease: str) -> str | None:
        """Which of the processes holds `lease` now (None: nobody)."""
        state = await lease_state(lease)
        return None if state is None else self.named(state.holder)

    async def lease_last_taker(self, lease: str) -> str | None:
        """Which process took `lease` last, even if it gave it back since (the lease keeps
        who took it in the key-value state): a run with nothing to do holds it briefly."""
        text = await KeyValueStore(SINCE).get(lease)
        return None if text is None else self.named(json.loads(text)["holder"])

    def log(self, name: str) -> str:
        """What a process wrote (stdout and stderr)."""
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def kill(self, name: str) -> None:
        """kill -9: no clean stop, claims left in the database."""
        self.processes[name].send_signal(signal.SIGKILL)

    async def stop(self) -> dict[str, int | None]:
        """SIGTERM every live process; return their exit codes."""
        for process in self.processes.values():
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
        codes = {}
        for name, process in self.processes.items():
            try:
                codes[name] = await asyncio.wait_for(process.wait(), 60)
            except TimeoutError:
                process.kill()
                codes[name] = await process.wait()
        return codes
