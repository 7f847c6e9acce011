"""Several worker processes on one PostgreSQL: updates/s, latency and speed-up (issue 17).

The webhook benchmark's update stream: M officers, each filing the whole Resolution 57 report
through Telegram webhook calls, one message after another, each waiting for the bot's answer
(its message arriving at the fake Bot API) before sending the next. The bot is real processes
of `reportbot run`: one `--role web` (stores each update and answers 200) and 1, 2 or 4
`--role worker` (claim, commit the step, send the replies). Every answer is committed before
its reply is sent.

Figures per run: updates/s over the whole stream, p50/p99 of the time from the webhook call to
the bot's answer, p50/p99 of the webhook call itself (the 200), and the speed-up against the
one-worker run of the same invocation (the baseline, measured in the same run).

    .venv/bin/python benchmarks/workers.py [--officers 40] [--workers 1,2,4] [--kill]

With --kill, one worker is killed with kill -9 every few seconds (and started again) during
the multi-worker runs; the run then checks that no acknowledged answer is lost or doubled.
The driver and the fake Bot API run in this process; PostgreSQL, the web process and the
workers share the machine's cores with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tortoise import Tortoise  # noqa: E402

from benchmarks._databases import throwaway_database  # noqa: E402
from reportbot.store.database import tortoise_config  # noqa: E402
from reportbot.store.models import InboxEntry, Submission  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.workers_harness import LINES, SECRET, Cluster, seed_officers  # noqa: E402

KILL_EVERY_S = 4.0


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process so far (Linux /proc), 0 when unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cluster_cpu(cluster: Cluster) -> dict[str, float]:
    """CPU seconds used so far by the web process and by all the workers together."""
    web = cpu_seconds(cluster.processes["web"].pid)
    workers = sum(cpu_seconds(p.pid) for n, p in cluster.processes.items() if n != "web")
    return {"web": web, "workers": workers}


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def _officer(
    telegram: FakeTelegram, cluster: Cluster, user: int, answers: list[float], acks: list[float]
) -> None:
    """Type the whole report, waiting for the bot's answer to each line."""
    for line in LINES:
        seen = len(telegram.bot_messages(user))
        started = time.perf_counter()
        status = await telegram.post_webhook(
            cluster.webhook, telegram.text_update(user, line), SECRET
        )
        acks.append(time.perf_counter() - started)
        assert status == 200, status
        await telegram.wait_for(
            lambda seen=seen: len(telegram.bot_messages(user)) > seen,
            timeout=120,
            what=f"answer to {user}",
        )
        answers.append(time.perf_counter() - started)


async def _chaos(cluster: Cluster, workers: int, stop: asyncio.Event, kills: list[str]) -> None:
    """kill -9 one worker every KILL_EVERY_S seconds, then start a fresh one in its place."""
    round_ = 0
    while not stop.is_set():
        with_timeout = asyncio.wait_for(stop.wait(), KILL_EVERY_S)
        try:
            await with_timeout
            return
        except TimeoutError:
            pass
        victim = f"worker-{round_ % workers + 1}"
        cluster.kill(victim)
        await cluster.processes[victim].wait()
        kills.append(victim)
        await cluster.start(victim, "worker")
        round_ += 1


async def run_once(workers: int, officers: int, kill: bool) -> dict[str, float]:
    """One cluster with `workers` workers on a fresh database; the stream; its figures."""
    with tempfile.TemporaryDirectory() as folder:
        async with throwaway_database("postgres", Path(folder)) as url:
            await Tortoise.init(config=tortoise_config(url))
            try:
                users = await seed_officers(officers)
                async with FakeTelegram() as telegram:
                    cluster = Cluster(telegram, url, Path(folder))
                    try:
                        # 0 workers: one `--role all` process, today's path, for comparison
                        await cluster.start("web", "web" if workers else "all")
                        for number in range(workers):
                            await cluster.start(f"worker-{number + 1}", "worker")
                        answers: list[float] = []
                        acks: list[float] = []
                        stop, kills = asyncio.Event(), []
                        chaos = (
                            asyncio.create_task(_chaos(cluster, workers, stop, kills))
                            if kill and workers > 1
                            else None
                        )
                        cpu_before = cluster_cpu(cluster)
                        started = time.perf_counter()
                        await asyncio.gather(
                            *(_officer(telegram, cluster, u, answers, acks) for u in users)
                        )
                        elapsed = time.perf_counter() - started
                        cpu_after = cluster_cpu(cluster)
                        stop.set()
                        if chaos is not None:
                            await chaos
                    finally:
                        await cluster.stop()
                updates = len(answers)
                done = await InboxEntry.filter(status="done").count()
                submitted = await Submission.filter(status="submitted", revision=1).count()
                assert done == updates, f"{updates} updates sent, {done} done"
                assert submitted == officers, f"{submitted} of {officers} reports submitted once"
                return {
                    "workers": workers,
                    "updates": updates,
                    "rate": updates / elapsed,
                    "p50": percentile(answers, 0.50) * 1000,
                    "p99": percentile(answers, 0.99) * 1000,
                    "ack_p50": percentile(acks, 0.50) * 1000,
                    "ack_p99": percentile(acks, 0.99) * 1000,
                    "mean": statistics.fmean(answers) * 1000,
                    "kills": len(kills),
                    "web_cpu": (cpu_after["web"] - cpu_before["web"]) / updates * 1000,
                    "workers_cpu": (cpu_after["workers"] - cpu_before["workers"]) / updates * 1000,
                    "load": os.getloadavg()[0],
                }
            finally:
                await Tortoise.close_connections()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=40)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--kill", action="store_true", help="kill -9 a worker every few seconds")
    args = parser.parse_args()
    counts = [int(part) for part in args.workers.split(",")]
    results = []
    for count in counts:
        result = await run_once(count, args.officers, args.kill)
        results.append(result)
        print(f"  {count} worker(s): {result['rate']:.0f} updates/s", flush=True)
    base = next((r["rate"] for r in results if r["workers"] == 1), results[0]["rate"])
    print()
    print(
        "| workers | updates | updates/s | answer p50 ms | p99 ms | webhook 200 p50 | p99 |"
        " speed-up | CPU ms/update web | workers | load | kills |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['workers']} | {r['updates']} | {r['rate']:.0f} | {r['p50']:.1f} | "
            f"{r['p99']:.1f} | {r['ack_p50']:.1f} | {r['ack_p99']:.1f} | "
            f"{r['rate'] / base:.2f} | {r['web_cpu']:.2f} | {r['workers_cpu']:.2f} | "
            f"{r['load']:.1f} | {r['kills']} |"
        )


if __name__ == "__main__":
    asyncio.run(main())
