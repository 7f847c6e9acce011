"""Officers in processes of their own, apart from the fake platform API.

In one process, the officers' webhook calls and the fake API (which receives every message
the bot sends) share one event loop: a webhook answer that reached the machine waited for
the loop to finish the fake's work before the driver noticed it. Even the plain aiogram bot,
which answers in its handler within 0.1 ms, was seen answering in 188-328 ms (p99).

Here the benchmark's process keeps the fake API and a small control endpoint; each officer
process (`--driver-processes`, default 2) plays its share of the officers. For each update it
asks the control endpoint for the update's body and headers (the fake numbers and signs
updates), times only its own POST to the bot's webhook, then waits through the control
endpoint until the fake has the bot's answers. The answer time is thus timed in a loop that
does nothing but the officers' HTTP calls.

    (started by benchmarks/telegram.py; not run by hand)
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web


class Control:
    """The benchmark process's side: updates built and answers awaited on the fake."""

    def __init__(self, driver: Any, lines: list[str], code_of: Any) -> None:
        self.driver = driver
        self.lines = lines
        self.code_of = code_of  # invite_code(officer, tag)
        self.expected: dict[int, int] = {}
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        """Serve /update and /wait on a free local port."""
        app = web.Application()
        app.router.add_post("/update", self.update)
        app.router.add_post("/wait", self.wait)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        """Stop serving."""
        if self.runner is not None:
            await self.runner.cleanup()

    async def update(self, request: web.Request) -> web.Response:
        """The body and headers of officer `officer`'s update for line number `line`."""
        asked = await request.json()
        officer, line = int(asked["officer"]), int(asked["line"])
        chat = self.driver.chat(officer)
        self.expected.setdefault(officer, self.driver.fake.sent_count.get(chat, 0))
        text = self.lines[line].replace("{code}", self.code_of(officer, self.driver.tag))
        update = self.driver.update(chat, text)
        body = json.dumps(update).encode()
        headers = self.driver.headers(body, update)
        return web.json_response({"body": body.decode(), "headers": headers})

    async def wait(self, request: web.Request) -> web.Response:
        """Answer once the bot sent officer `officer` `count` more messages."""
        asked = await request.json()
        officer, count = int(asked["officer"]), int(asked["count"])
        self.expected[officer] += count
        await self.driver.fake.wait_sent(self.driver.chat(officer), self.expected[officer])
        return web.json_response({})


async def drive_apart(
    control: Control,
    webhook: str,
    officers: int,
    counts: list[int],
    processes: int,
    before_go: Callable[[], Awaitable[None]],
) -> tuple[list[list[float]], list[float], list[float], float, float]:
    """Run the officers in `processes` child processes, all starting together once they
    are ready and `before_go` has run (the bot's CPU reading).

    Returns per-officer latencies, webhook answer times, those of the registrations, the wall
    seconds and the children's CPU seconds.
    """
    spec = {"control": control.url, "webhook": webhook, "counts": counts}
    children = []
    for number in range(processes):
        mine = list(range(number, officers, processes))
        child = await asyncio.create_subprocess_exec(
            sys.executable, __file__, json.dumps({**spec, "officers": mine}),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        children.append(child)
    for child in children:
        assert child.stdout is not None
        ready = await asyncio.wait_for(child.stdout.readline(), 60)
        if ready.strip() != b"READY":
            raise RuntimeError(f"officer process did not start: {ready!r}")
    await before_go()
    started = time.perf_counter()
    outputs = await asyncio.gather(*(child.communicate(b"GO\n") for child in children))
    seconds = time.perf_counter() - started
    per_officer: dict[int, list[float]] = {}
    answers: list[float] = []
    registrations: list[float] = []
    cpu = 0.0
    for stdout, _ in outputs:
        found = json.loads(stdout.decode().strip().splitlines()[-1])
        per_officer.update({int(k): v for k, v in found["latencies"].items()})
        answers += found["answers"]
        registrations += found["registrations"]
        cpu += found["cpu_s"]
    return [per_officer[n] for n in range(officers)], answers, registrations, seconds, cpu


async def _officer(
    http: aiohttp.ClientSession, spec: dict[str, Any], officer: int, figures: dict[str, Any]
) -> None:
    """One officer files every line, waiting for the bot's answers after each."""
    latencies = figures["latencies"][str(officer)] = []
    for line, count in enumerate(spec["counts"]):
        async with http.post(
            f"{spec['control']}/update", json={"officer": officer, "line": line}
        ) as response:
            update = await response.json()
        started = time.perf_counter()
        async with http.post(
            spec["webhook"], data=update["body"].encode(), headers=update["headers"]
        ) as response:
            await response.read()
            answered = time.perf_counter() - started
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}")
        figures["answers"].append(answered)
        if line == 0:  # "/start CODE": registering, shown apart
            figures["registrations"].append(answered)
        async with http.post(
            f"{spec['control']}/wait", json={"officer": officer, "count": count}
        ) as response:
            await response.read()
        latencies.append(time.perf_counter() - started)


async def _main(spec: dict[str, Any]) -> None:
    figures: dict[str, Any] = {"latencies": {}, "answers": [], "registrations": []}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        print("READY", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        cpu = time.process_time()
        await asyncio.gather(*(_officer(http, spec, n, figures) for n in spec["officers"]))
        figures["cpu_s"] = time.process_time() - cpu
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    asyncio.run(_main(json.loads(sys.argv[1])))
