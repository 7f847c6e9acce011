"""A stop lets a running job finish through live connectors: the jobs stop first.

A reminder run that is sending when the stop comes hands the rest of its messages to a
connector that is still running, and its commits go through a committer that is still open;
only then are the connectors drained and the service closed.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from pathlib import Path

from connectors.base import Address, Outgoing
from connectors.console import ConsoleConnector
from reportbot.app import Application
from reportbot.config import load_settings
from tests.conftest import FakeClock
from tests.support import sqlite_app_env

USER = "u-hoiphunu"


class Watched(ConsoleConnector):
    """The console, noting what was sent and whether it was already stopped then."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.stopped = False
        self.sent_while: list[str] = []

    async def stop(self) -> None:
        self.stopped = True
        await super().stop()

    async def send(self, address: Address, messages: Sequence[Outgoing]) -> None:
        self.sent_while.append("stopped" if self.stopped else "running")
        await super().send(address, messages)


async def test_a_job_sending_when_the_stop_comes_finishes_through_a_running_connector(
    tmp_path: Path, clock: FakeClock
) -> None:
    env = sqlite_app_env(tmp_path)
    app = Application(load_settings(env=env, config_file=None), clock=clock)
    await app.open()
    console = Watched(app.service, user_id=USER, stdin=io.StringIO(), stdout=io.StringIO())
    app.connectors.append(console)
    sending, go_on, done = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def reminder_run() -> None:  # a fan-out: one message, then (after the stop) another
        if done.is_set():
            return
        await console.send(Address("console", USER, USER), [Outgoing("nhắc 1")])
        sending.set()
        await go_on.wait()
        await console.send(Address("console", USER, USER), [Outgoing("nhắc 2")])
        done.set()

    app.jobs.add("reminders-test", 0.05, reminder_run)
    await app.start()
    await asyncio.wait_for(sending.wait(), timeout=30)
    closing = asyncio.create_task(app.close())
    deadline = asyncio.get_running_loop().time() + 30
    while app.jobs.firing:  # the stop has begun while the run is mid-way
        assert asyncio.get_running_loop().time() < deadline, "the jobs' stop never began"
        await asyncio.sleep(0.001)
    go_on.set()
    await asyncio.wait_for(closing, timeout=60)
    assert done.is_set(), "the run was let finish"
    assert console.sent_while == ["running", "running"]
