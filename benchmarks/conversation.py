"""How fast officers can file the Resolution 57 report through the engine and the store.

N simulated officers (1, 100, 1000 at once) each file the whole report through the real
ConversationService (engine + group commit), on SQLite (WAL) and on PostgreSQL; every answer
is durably committed before its reply. The baseline, measured in the same run on the same
database, is the same service with one transaction per answer (max_batch=1).

    .venv/bin/python benchmarks/conversation.py [--officers 1,100,1000] [--backends sqlite,postgres]

Prints answers per second and p50/p99 latency per answer, and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tortoise import Tortoise  # noqa: E402
from tortoise.backends.base.executor import EXECUTOR_CACHE  # noqa: E402

from connectors.base import Incoming  # noqa: E402
from reportbot.app import load_forms  # noqa: E402
from reportbot.service import ConversationService  # noqa: E402
from reportbot.store.database import migrate_database, tortoise_config  # noqa: E402
from reportbot.store.models import Identity, Person, Unit  # noqa: E402
from reportbot.store.writer import GroupCommitter  # noqa: E402
from tests.support import nq57_lines  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)
PG_ADMIN = os.environ.get(
    "REPORTBOT_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
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
    await load_forms([ROOT / "forms" / "nq57_bao_cao_6_thang.yaml"])


async def officer(service: ConversationService, user: str, latencies: list[float]) -> None:
    for line in LINES:
        started = time.perf_counter()
        replies = await service(Incoming("bench", user, "c", text=line))
        latencies.append(time.perf_counter() - started)
        if not replies:
            raise RuntimeError("no reply")


async def measure(url: str, officers: int, max_batch: int) -> dict[str, float]:
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(url))
    try:
        await seed(officers)
        service = ConversationService(
            TZ, clock=lambda: NOW, committer=GroupCommitter(max_batch=max_batch)
        )
        await service.start()
        users = [f"p{p}" for p in await Person.all().values_list("id", flat=True)]
        latencies: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(*(officer(service, user, latencies) for user in users))
        elapsed = time.perf_counter() - started
        await service.close()
        latencies.sort()
        return {
            "answers": len(latencies),
            "per_s": len(latencies) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "batch": service.committer.steps / max(service.committer.batches, 1),
        }
    finally:
        await Tortoise.close_connections()


async def fresh_database(backend: str, workdir: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:6]}.db"
        url = f"sqlite://{path}"
        await migrate_database(url)
        return url, None
    import asyncpg

    name = f"reportbot_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(PG_ADMIN.replace("postgres://", "postgresql://", 1))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    await migrate_database(url)
    return url, name


async def drop_database(name: str | None) -> None:
    if name is None:
        return
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN.replace("postgres://", "postgresql://", 1))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", default="1,100,1000")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    counts = [int(n) for n in args.officers.split(",")]
    print(
        f"{'backend':9} {'officers':>8} {'mode':14} {'answers':>8} {'answers/s':>10} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'steps/tx':>8} {'ratio':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            for count in counts:
                results = {}
                for mode, max_batch in (("1 tx/answer", 1), ("group commit", 2000)):
                    url, name = await fresh_database(backend, Path(tmp))
                    try:
                        results[mode] = await measure(url, count, max_batch)
                    finally:
                        await drop_database(name)
                base = results["1 tx/answer"]["per_s"]
                for mode, r in results.items():
                    print(
                        f"{backend:9} {count:>8} {mode:14} {r['answers']:>8} {r['per_s']:>10.0f} "
                        f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['batch']:>8.1f} "
                        f"{r['per_s'] / base:>6.2f}"
                    )


if __name__ == "__main__":
    asyncio.run(main())
