"""The bot as a child process: start, wait until ready, kill -9, stop, read its log."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import aiohttp

# A deadline, not a measure: a start is 3-4 s of CPU, 20-50 s seen on two saturated cores.
READY_TIMEOUT_S = 120.0
# The last line of a traceback as the bot logs it: "UnicodeEncodeError: 'utf-8' codec ..."
RECORD_LINE = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ ([A-Z]+) ")
EXCEPTION_LINE = re.compile(r"^(?:[a-z_]+\.)*[A-Z]\w*(?:Error|Exception)(?::|$)", re.MULTILINE)


class BotProcess:
    """`reportbot run` with the given environment; every run appends to one log file."""

    def __init__(
        self,
        env: Mapping[str, str],
        workdir: Path,
        port: int,
        polled_since: Callable[[float], bool] | None = None,
    ) -> None:
        self.env = dict(env)
        # Polling mode has no web server: ready means "called getUpdates since <monotonic>".
        self.polled_since = polled_since
        self.workdir = workdir
        self.port = port
        self.log_path = workdir / "bot.log"
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0
        self.kills = 0

    @property
    def pid(self) -> int | None:
        """The running child's pid, if any."""
        return None if self.proc is None else self.proc.pid

    @property
    def running(self) -> bool:
        """Whether the child runs."""
        return self.proc is not None and self.proc.returncode is None

    async def start(self) -> None:
        """Spawn the bot (its output appended to the log)."""
        with self.log_path.open("ab") as log:
            log.write(f"\n=== drill: start {self.starts + 1} ===\n".encode())
            log.flush()
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "reportbot.cli",
                "run",
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        self.starts += 1

    async def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> float:
        """Seconds until /healthz answers 200; raises TimeoutError (or if the child died)."""
        began = time.monotonic()
        if self.polled_since is not None:
            return await self._wait_polling(began, timeout)
        url = f"http://127.0.0.1:{self.port}/healthz"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while time.monotonic() - began < timeout:
                if not self.running:
                    raise RuntimeError(f"the bot exited ({self.returncode}); see {self.log_path}")
                try:
                    async with http.get(url) as response:
                        if response.status == 200:
                            return time.monotonic() - began
                except (aiohttp.ClientError, TimeoutError):
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"the bot was not ready within {timeout:.0f} s; see {self.log_path}")

    async def _wait_polling(self, began: float, timeout: float) -> float:
        assert self.polled_since is not None
        while time.monotonic() - began < timeout:
            if not self.running:
                raise RuntimeError(f"the bot exited ({self.returncode}); see {self.log_path}")
            if self.polled_since(began):
                return time.monotonic() - began
            await asyncio.sleep(0.1)
        raise TimeoutError(f"the bot did not poll within {timeout:.0f} s; see {self.log_path}")

    @property
    def returncode(self) -> int | None:
        """The child's exit code once it ended."""
        return None if self.proc is None else self.proc.returncode

    async def kill9(self) -> None:
        """SIGKILL the child (no cleanup at all) and reap it."""
        if not self.running or self.proc is None:
            return
        os.kill(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()
        self.kills += 1

    async def stop(self, timeout: float = 60.0) -> float:
        """SIGTERM (a graceful stop); seconds until it exited, SIGKILL after `timeout`."""
        if not self.running or self.proc is None:
            return 0.0
        began = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            await self.kill9()
        return time.monotonic() - began

    def log_text(self) -> str:
        """Everything the bot wrote so far."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tracebacks(self) -> int:
        """How many tracebacks the log holds: records at ERROR or above that carry an
        exception (the bot's log keeps only a traceback's last line unless verbose)."""
        return self._exceptions()[0]

    def warning_exceptions(self) -> int:
        """Exceptions logged at WARNING (e.g. asyncpg's pool while the database is down)."""
        return self._exceptions()[1]

    def _exceptions(self) -> tuple[int, int]:
        errors = warnings = 0
        level = ""
        for line in self.log_text().splitlines():
            record = RECORD_LINE.match(line)
            if record:
                level = record.group(1)
            elif line.startswith("Traceback (most recent call last)") or EXCEPTION_LINE.match(line):
                if level in ("ERROR", "CRITICAL", ""):
                    errors += 1
                else:
                    warnings += 1
        return errors, warnings
