"""What a second unit costs per message: officers who each hold two units (kiêm nhiệm) file
the Resolution 57 report through the real ConversationService, against the same officers
holding one unit, measured in the same run on the same database backend.

A person of several units has every unit's forms and reports read (from the caches) on each
message, for the chooser; this measures that overhead.

    .venv/bin/python benchmarks/several_units.py [--officers 50] [--rounds 3] [--backend sqlite]

Prints answers per second and p50 latency for both, and the ratio (one unit = 1.00).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._databases import connected, throwaway_database  # noqa: E402
from benchmarks.conversation import NOW, TZ, officer, seed  # noqa: E402
from reportbot.service import ConversationService  # noqa: E402
from reportbot.store.models import Person, PersonUnit, Unit  # noqa: E402


async def measure(url: str, officers: int, units_each: int) -> dict[str, float]:
    """File the report for every officer; `units_each` 2 links a second unit to each."""
    async with connected(url):
        await seed(officers)
        if units_each == 2:
            people = await Person.all().order_by("id")
            extra = await Unit.bulk_create(
                [Unit(code=f"x{p.id}", name=f"Đơn vị thêm {p.id}", type="doan_the") for p in people]
            )
            extra = await Unit.filter(code__startswith="x").order_by("id")
            await PersonUnit.bulk_create(
                [PersonUnit(person=p, unit=u) for p, u in zip(people, extra, strict=True)]
            )
        service = ConversationService(TZ, clock=lambda: NOW)
        await service.start()
        users = [f"p{p}" for p in await Person.all().values_list("id", flat=True)]
        latencies: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(*(officer(service, user, latencies) for user in users))
        elapsed = time.perf_counter() - started
        await service.close()
        return {
            "answers": len(latencies),
            "per_s": len(latencies) / elapsed,
            "p50_ms": statistics.median(latencies) * 1000,
        }


async def main() -> None:
    """Alternate the two set-ups for a few rounds and print each round."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backend", default="sqlite")
    args = parser.parse_args()
    print(f"{'round':>5} {'units':>5} {'answers':>8} {'answers/s':>10} {'p50 ms':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for round_number in range(1, args.rounds + 1):
            results = {}
            for units_each in (1, 2):
                async with throwaway_database(args.backend, Path(tmp)) as url:
                    results[units_each] = await measure(url, args.officers, units_each)
            base = results[1]["per_s"]
            for units_each, r in results.items():
                print(
                    f"{round_number:>5} {units_each:>5} {r['answers']:>8.0f} {r['per_s']:>10.0f} "
                    f"{r['p50_ms']:>8.2f} {r['per_s'] / base:>6.2f}"
                )


if __name__ == "__main__":
    asyncio.run(main())
