"""How fast officers can file the Resolution 57 report through the engine and the store.

N simulated officers (1, 100, 1000 at once) each file the whole report through the real
ConversationService (engine + group commit), on SQLite (WAL) and on PostgreSQL; every answer
is durably committed before its reply. The baseline, measured in the same run on the same
database, is the same service with one transaction per answer (max_batch=1).

    .venv/bin/python benchmarks/conversation.py [--officers 1,100,1000] [--backends sqlite,postgres]

Prints answers per second and p50/p99 latency per answer, and the ratio to the baseline.

    .venv/bin/python benchmarks/conversation.py --officers 100 --backends sqlite --baseline REF

With `--baseline REF` the group-commit figures of the tree at git commit REF (a `git
archive` copy) and of this tree are measured alternately `--turns` times, each in a fresh
process, and the best run of each is printed with the CPU time per answer (the process's,
the database driver's thread included): on a shared machine the steadier figure; and the
event loop thread's own CPU per answer and its wall time off the CPU (waiting for the database
thread or for the GIL).

    .venv/bin/python benchmarks/conversation.py --officers 100 --backends sqlite --profile F

runs one group-commit measurement under cProfile (the loop's thread), writes the stats to F
and prints the 25 most costly functions by own time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._databases import connected, throwaway_database  # noqa: E402
from benchmarks._trees import export, run_json  # noqa: E402
from connectors.base import Incoming  # noqa: E402
from reportbot.forms_folder import load_forms  # noqa: E402
from reportbot.service import ConversationService  # noqa: E402
from reportbot.store.models import Identity, Person, Unit  # noqa: E402
from reportbot.store.writer import GroupCommitter  # noqa: E402
from tests.support import nq57_lines  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
LINES = ["/baocao", "1", *nq57_lines()[1:]]


async def seed(officers: int) -> None:
    units = await Unit.bulk_create(
        [Unit(code=f"u{n}", name=f"Đơn vị {n}", type="doan_the") for n in range(officers)]
    )
    units = await Unit.all().order_by("id")
    await Person.bulk_create([Person(name=f"Cán bộ {u.code}", unit=u) for u in units])
    people = await Person.all().order_by("id")
    await Identity.bulk_create(
        [Identity(platform="bench", external_id=f"p{p.id}", chat_id="c", person=p) for p in people]
    )
    # Published long before NOW, so both half-years are owed (reportbot/owed.py).
    await load_forms(
        [ROOT / "forms" / "nq57_bao_cao_6_thang.yaml"], now=datetime(2025, 1, 2, tzinfo=TZ)
    )


async def officer(service: ConversationService, user: str, latencies: list[float]) -> None:
    for line in LINES:
        started = time.perf_counter()
        replies = await service(Incoming("bench", user, "c", text=line))
        latencies.append(time.perf_counter() - started)
        if not replies:
            raise RuntimeError("no reply")


async def measure(
    url: str, officers: int, max_batch: int, profile: cProfile.Profile | None = None
) -> dict[str, float]:
    """One run: answers/s, latency, and where the CPU went (the event loop's thread and the
    others: the database thread of aiosqlite on SQLite)."""
    async with connected(url):
        await seed(officers)
        service = ConversationService(
            TZ, clock=lambda: NOW, committer=GroupCommitter(max_batch=max_batch)
        )
        await service.start()
        users = [f"p{p}" for p in await Person.all().values_list("id", flat=True)]
        latencies: list[float] = []
        started, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
        if profile is not None:
            profile.enable()
        await asyncio.gather(*(officer(service, user, latencies) for user in users))
        if profile is not None:
            profile.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        main = time.thread_time() - main
        await service.close()
        latencies.sort()
        return {
            "answers": len(latencies),
            "per_s": len(latencies) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "batch": service.committer.steps / max(service.committer.batches, 1),
            "cpu_us": cpu / len(latencies) * 1e6,
            # The loop's thread: its CPU, and the rest of the wall time (waiting for the
            # database thread, or for the GIL while that thread runs Python).
            "main_us": main / len(latencies) * 1e6,
            "off_cpu_us": (elapsed - main) / len(latencies) * 1e6,
        }


async def _group_commit(backend: str, officers: int) -> dict[str, float]:
    """One group-commit measurement on a fresh database (what `--json` prints)."""
    with tempfile.TemporaryDirectory() as tmp:
        async with throwaway_database(backend, Path(tmp)) as url:
            return await measure(url, officers, 2000)


async def _profile(backend: str, officers: int, path: str) -> None:
    """One group-commit run with cProfile on the loop's thread (the measured part only)."""
    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        async with throwaway_database(backend, Path(tmp)) as url:
            result = await measure(url, officers, 2000, profile)
    profile.dump_stats(path)
    print(json.dumps(result))
    pstats.Stats(path).sort_stats("tottime").print_stats(25)


def _compare(ref: str, backend: str, officers: int, turns: int) -> None:
    """Baseline REF and this tree alternately, each in a fresh process; the best of each."""
    best: dict[str, dict[str, float]] = {}
    args = ["--json", "--backends", backend, "--officers", str(officers)]
    with tempfile.TemporaryDirectory() as tmp:
        trees = {f"baseline {ref}": export(ref, Path(tmp), Path(__file__)), "this tree": ROOT}
        for _ in range(turns):
            for name, tree in trees.items():
                result = run_json(tree, "conversation.py", args)
                if name not in best or result["per_s"] > best[name]["per_s"]:
                    best[name] = result
    base = best[f"baseline {ref}"]
    print(f"{backend}, {officers} officers, group commit, best of {turns} runs each")
    head = f"{'tree':20} {'answers/s':>10} {'p50 ms':>8} {'p99 ms':>8}"
    print(f"{head} {'CPU µs/answer':>14} {'loop µs':>8} {'off µs':>7} {'ratio':>6}")
    for name, r in best.items():
        print(
            f"{name:20} {r['per_s']:>10.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
            f"{r['cpu_us']:>14.0f} {r.get('main_us', 0):>8.0f} {r.get('off_cpu_us', 0):>7.0f} "
            f"{r['per_s'] / base['per_s']:>6.2f}"
        )
    print("loop µs: CPU of the event loop's thread per answer; off µs: its wall time not on CPU")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", default="1,100,1000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--baseline", help="a git commit to compare with (group commit)")
    parser.add_argument("--turns", type=int, default=2, help="alternations with --baseline")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", metavar="FILE", help="cProfile one group-commit run")
    args = parser.parse_args()
    counts = [int(n) for n in args.officers.split(",")]
    if args.profile:
        await _profile(args.backends.split(",")[0], counts[0], args.profile)
        return
    if args.json:
        print(json.dumps(await _group_commit(args.backends.split(",")[0], counts[0])))
        return
    if args.baseline:
        _compare(args.baseline, args.backends.split(",")[0], counts[0], args.turns)
        return
    print(
        f"{'backend':9} {'officers':>8} {'mode':14} {'answers':>8} {'answers/s':>10} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'steps/tx':>8} {'ratio':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            for count in counts:
                results = {}
                for mode, max_batch in (("1 tx/answer", 1), ("group commit", 2000)):
                    async with throwaway_database(backend, Path(tmp)) as url:
                        results[mode] = await measure(url, count, max_batch)
                base = results["1 tx/answer"]["per_s"]
                for mode, r in results.items():
                    print(
                        f"{backend:9} {count:>8} {mode:14} {r['answers']:>8} {r['per_s']:>10.0f} "
                        f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['batch']:>8.1f} "
                        f"{r['per_s'] / base:>6.2f}"
                    )


if __name__ == "__main__":
    asyncio.run(main())
