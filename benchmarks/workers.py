"""Several worker processes on one PostgreSQL: updates/s, latency and speed-up (issue 17).

The webhook benchmark's update stream: M officers, each filing the whole Resolution 57 report
through Telegram webhook calls, one message after another, each waiting for the bot's answer
(its message arriving at the fake Bot API) before sending the next. The bot is real processes
of `reportbot run`: one `--role web` (stores each update and answers 200) and 1, 2 or 4
`--role worker` (claim, commit the step, send the replies). Every answer is committed before
its reply is sent.

Figures per run: updates/s over the whole stream, p50/p99 of the time from the webhook call to
the bot's answer, p50/p99 of the webhook call itself (the 200), and the speed-up against the
one-worker run of the same invocation (the baseline, measured in the same run). CPU per
update: the web process, the workers together, the driver (this process, with the fake Bot API)
and the PostgreSQL backends of the run's database; and how busy the whole machine was (every
process, other users' too). `--repeat N` runs the worker counts N times, alternating (1, 2, 1,
2, ...), so that a neighbour's burst does not fall on one count only, and prints the ranges.

    .venv/bin/python benchmarks/workers.py [--officers 40] [--workers 1,2,4] [--repeat 3]
        [--chaos 4] [--pool 5,10]

With --pool SIZES, every worker count runs once per pool size (REPORTBOT_DATABASE_POOL of
every process), alternating; the speed-up is then against the 1-worker run of the same round
and pool size. Without it the processes keep the default pool (5).

With --chaos SECONDS (or --kill, every 4 s), one worker chosen at random is killed with kill -9
every SECONDS (and started again at once, as a supervisor would) during the multi-worker runs;
the database is then counted against what the driver had acknowledged (drills' counting):
answers lost, duplicated, replies owed, reports submitted; exit 1 if any is lost or doubled.
The driver and the fake Bot API run in this process; PostgreSQL, the web process and the
workers share the machine's cores with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tortoise import Tortoise  # noqa: E402

from benchmarks._cpu import Snapshot, cpu_seconds, spent  # noqa: E402
from benchmarks._databases import throwaway_database  # noqa: E402
from benchmarks._stats import percentile  # noqa: E402
from drills.world import Outcome, count_outcome  # noqa: E402
from reportbot.store.database import tortoise_config  # noqa: E402
from reportbot.store.models import InboxEntry, Submission  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.support import NQ57_SCRIPT  # noqa: E402
from tests.test_workers_processes import TYPED, _screen  # noqa: E402
from tests.workers_harness import LINES, SECRET, Cluster, seed_officers  # noqa: E402

KILL_EVERY_S = 4.0


def cluster_cpu(cluster: Cluster) -> dict[str, float]:
    """CPU seconds used so far by the web process and by all the workers together."""
    web = cpu_seconds(cluster.processes["web"].pid)
    workers = sum(cpu_seconds(p.pid) for n, p in cluster.processes.items() if n != "web")
    return {"web": web, "workers": workers}


async def _next_line(user: int, turn: int, reading: bool) -> str | None:
    """The script's line at `turn`; when `reading`, what the chat asks for now, as a person
    would answer (a question shown again after a worker died is answered again, not skipped)."""
    if not reading:
        return LINES[turn] if turn < len(LINES) else None
    mode, question = await _screen(user)
    if turn and mode == "idle":
        return None  # the report was sent
    if mode == "answering" and question is not None:
        return TYPED.get(question, "/boqua")
    return {"review": "/gui", "confirm": "có", "choosing": "1"}.get(mode, "/baocao")


async def _officer(
    telegram: FakeTelegram,
    cluster: Cluster,
    user: int,
    answers: list[float],
    acks: list[float],
    reading: bool = False,
) -> None:
    """Type the whole report, waiting for the bot's answer to each line."""
    for turn in range(3 * len(LINES)):
        line = await _next_line(user, turn, reading)
        if line is None:
            return
        # The fake's per-chat count: `bot_messages` sorts every message of every chat, and
        # 100 officers re-checking it on each message made the driver the bottleneck.
        seen = telegram.sent_count.get(user, 0)
        started = time.perf_counter()
        status = await telegram.post_webhook(
            cluster.webhook, telegram.text_update(user, line), SECRET
        )
        acks.append(time.perf_counter() - started)
        assert status == 200, status
        await telegram.wait_sent(user, seen + 1, timeout=120)
        answers.append(time.perf_counter() - started)


async def _chaos(
    cluster: Cluster, workers: int, stop: asyncio.Event, kills: list[str], every: float
) -> None:
    """kill -9 a random worker every `every` seconds, then start a fresh one in its place."""
    pick = random.Random(17)  # the same victims run after run
    while not stop.is_set():
        with_timeout = asyncio.wait_for(stop.wait(), every)
        try:
            await with_timeout
            return
        except TimeoutError:
            pass
        victim = f"worker-{pick.randint(1, workers)}"
        cluster.kill(victim)
        await cluster.processes[victim].wait()
        kills.append(victim)
        await cluster.start(victim, "worker")


async def run_once(
    workers: int, officers: int, chaos_s: float, pool: int | None = None
) -> dict[str, float]:
    """One cluster with `workers` workers on a fresh database; the stream; its figures."""
    with tempfile.TemporaryDirectory() as folder:
        async with throwaway_database("postgres", Path(folder)) as url:
            await Tortoise.init(config=tortoise_config(url))
            try:
                users = await seed_officers(officers)
                async with FakeTelegram() as telegram:
                    cluster = Cluster(telegram, url, Path(folder))
                    if pool is not None:
                        cluster.settings["REPORTBOT_DATABASE_POOL"] = str(pool)
                    try:
                        # 0 workers: one `--role all` process, today's path, for comparison
                        await cluster.start("web", "web" if workers else "all")
                        for number in range(workers):
                            await cluster.start(f"worker-{number + 1}", "worker")
                        answers: list[float] = []
                        acks: list[float] = []
                        stop, kills = asyncio.Event(), []
                        chaos = (
                            asyncio.create_task(_chaos(cluster, workers, stop, kills, chaos_s))
                            if chaos_s and workers > 1
                            else None
                        )
                        cpu_before = cluster_cpu(cluster)
                        xacts_before = await _transactions()
                        around = Snapshot.take(url.rsplit("/", 1)[1])
                        started = time.perf_counter()
                        await asyncio.gather(
                            *(
                                _officer(telegram, cluster, u, answers, acks, bool(chaos))
                                for u in users
                            )
                        )
                        elapsed = time.perf_counter() - started
                        cpu_after = cluster_cpu(cluster)
                        others = spent(around, Snapshot.take(url.rsplit("/", 1)[1]))
                        stop.set()
                        if chaos is not None:
                            await chaos
                    finally:
                        await cluster.stop()
                xacts = await _transactions() - xacts_before
                updates = len(answers)
                return {
                    **(await _database_counts(officers)),
                    "workers": workers,
                    "pool": pool or 0,
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
                    "driver_cpu": others["driver"] / updates * 1000,
                    "postgres_cpu": others["postgres"] / updates * 1000,
                    "busy": others["busy"] * 100,
                    "load": os.getloadavg()[0],
                    "xacts": xacts / updates,
                }
            finally:
                await Tortoise.close_connections()


async def _transactions() -> int:
    """Transactions committed in the run's database so far (PostgreSQL's statistics; each
    statement outside a transaction counts as one): a measure of round trips per update."""
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
    )
    return int(rows[0]["xact_commit"])


async def _database_counts(officers: int) -> dict[str, int]:
    """Updates done, reports submitted once, and the drills' counts of lost/duplicated."""
    counted = await _count(officers)
    return {
        "done": await InboxEntry.filter(status="done").count(),
        "submitted_once": await Submission.filter(status="submitted", revision=1).count(),
        "lost": counted.lost,
        "duplicated": counted.duplicated,
        "misplaced": counted.misplaced,
        "replies_owed": counted.replies_owed,
        "submitted": counted.submitted,
    }


async def _count(officers: int) -> Outcome:
    """Drills' counting: every answer of every officer was acknowledged (each got its reply)."""
    script = {qid: (typed, value) for qid, typed, value in NQ57_SCRIPT}
    acked = {f"doan{n}": set(script) for n in range(officers)}
    return await count_outcome(acked, script)


COLUMNS = (
    "| round | workers | pool | updates | updates/s | answer p50 ms | p99 ms |"
    " webhook 200 p50 | p99 |"
    " speed-up | CPU ms/update web | workers | driver | PostgreSQL | machine busy % | load |"
    " transactions/update | kills | lost | duplicated | replies owed | submitted |"
)


def _row(round_no: int, r: dict[str, float], base: float) -> str:
    """One markdown row of a run's figures; the speed-up against `base` (same round)."""
    return (
        f"| {round_no} | {r['workers']} | {r['pool'] or 5} | {r['updates']} | "
        f"{r['rate']:.0f} | {r['p50']:.1f} | "
        f"{r['p99']:.1f} | {r['ack_p50']:.1f} | {r['ack_p99']:.1f} | "
        f"{r['rate'] / base:.2f} | {r['web_cpu']:.2f} | {r['workers_cpu']:.2f} | "
        f"{r['driver_cpu']:.2f} | {r['postgres_cpu']:.2f} | {r['busy']:.0f} | "
        f"{r['load']:.1f} | {r['xacts']:.1f} | {r['kills']} | {r['lost']} | {r['duplicated']} | "
        f"{r['replies_owed']} | {r['submitted']} |"
    )


def _summary(rounds: list[list[dict[str, float]]]) -> list[str]:
    """Per worker count: the range of updates/s and of the speed-up over the rounds."""
    lines = []
    for index, first in enumerate(rounds[0]):
        rates = [runs[index]["rate"] for runs in rounds]
        ups = [runs[index]["rate"] / _base(runs, runs[index]["pool"]) for runs in rounds]
        loads = [runs[index]["load"] for runs in rounds]
        lines.append(
            f"{first['workers']} worker(s), pool {first['pool'] or 5}: "
            f"{min(rates):.0f}–{max(rates):.0f} updates/s, "
            f"speed-up {min(ups):.2f}–{max(ups):.2f}, load {min(loads):.1f}–{max(loads):.1f}"
        )
    return lines


def _base(runs: list[dict[str, float]], pool: float = 0) -> float:
    """The one-worker rate of a round with this pool size (else its first run's)."""
    same = [r for r in runs if r["pool"] == pool] or runs
    return next((r["rate"] for r in same if r["workers"] == 1), same[0]["rate"])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=40)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of every worker count")
    parser.add_argument("--kill", action="store_true", help="--chaos 4")
    parser.add_argument("--chaos", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--pool", default="", help="pool sizes, e.g. 5,10 (default: 5)")
    args = parser.parse_args()
    pools: list[int | None] = [int(part) for part in args.pool.split(",") if part] or [None]
    chaos_s = args.chaos or (KILL_EVERY_S if args.kill else 0.0)
    counts = [int(part) for part in args.workers.split(",")]
    rounds: list[list[dict[str, float]]] = []
    for round_no in range(1, args.repeat + 1):
        runs = []
        for count in counts:  # alternating counts, so a neighbour's burst hits them alike
            for pool in pools:
                result = await run_once(count, args.officers, chaos_s, pool)
                runs.append(result)
                print(
                    f"  round {round_no}, {count} worker(s), pool {pool or 5}: "
                    f"{result['rate']:.0f} updates/s, load {result['load']:.1f}"
                )
        rounds.append(runs)
    print()
    print(COLUMNS)
    print("|" + " ---: |" * COLUMNS.count("|", 1))
    for round_no, runs in enumerate(rounds, 1):
        for r in runs:
            print(_row(round_no, r, _base(runs, r["pool"])))
    print()
    print("\n".join(_summary(rounds)))
    results = [r for runs in rounds for r in runs]
    bad = [
        r
        for r in results
        if r["lost"]
        or r["duplicated"]
        or r["misplaced"]
        or r["done"] != r["updates"]
        or r["submitted_once"] != args.officers
    ]
    if bad:
        print(f"FAILED: lost/duplicated/misplaced or not done in {len(bad)} run(s)")
        sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main())
