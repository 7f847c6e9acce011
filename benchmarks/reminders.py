"""Reminders for 50,000 officers in 5,000 units: who is due, and a fan-out at 30 messages/s.

On SQLite (WAL) and on a throwaway PostgreSQL database, the commune is seeded as it stands
on 19/06/2026 08:00, the day before the Resolution 57 deadline: 20% of the units have filed,
10% have a draft, and the officers of the others already got the d-7 and d-3 reminders.

- **who is due**: `ReminderWorker.collect` (set-based queries + the pure plan), median of 3.
  Baseline in the same run: the per-person approach (for each officer: has the unit filed?
  was this reminder sent?), timed on a sample and scaled to every officer.
- **fan-out**: one real `run_once` through a fake connector that declares, and enforces, a
  limit of 30 messages/s (a token bucket of one second; a send over the limit gets a 429 with
  retry_after) with 20–80 ms latency; stopped after `--sample` seconds. Prints the achieved
  rate (steady state: first to last send), 429s, and duplicates (a (person, reminder)
  delivered twice, or a delivered message whose row is not 'sent').

    .venv/bin/python benchmarks/reminders.py [--officers 50000] [--units 5000] [--rate 30]
        [--sample 10] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._databases import connected, throwaway_database  # noqa: E402
from connectors.base import Address, Capabilities, Outgoing, RateLimit  # noqa: E402
from reportbot.forms_folder import load_forms  # noqa: E402
from reportbot.reminders.schedule import slots_in_view  # noqa: E402
from reportbot.reminders.worker import ReminderWorker  # noqa: E402
from reportbot.store.models import (  # noqa: E402
    Answer,
    FormTemplateRecord,
    Identity,
    Person,
    ReminderDelivery,
    Submission,
    Unit,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 6, 19, 8, 0, tzinfo=TZ).astimezone(UTC)
FORM = "nq57_bao_cao_6_thang"
PERIOD = "2026-H1"
TYPES = ("phong", "doan_the", "truong_hoc", "to_cns", "co_quan", "thon")  # thon does not file
BATCH = 2000


class TooManyRequests(Exception):
    """The fake platform's 429."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"429 Too Many Requests, retry after {retry_after:.3f}s")
        self.retry_after = retry_after


@dataclass
class LimitedConnector:
    """A platform that allows `rate` messages a second (bucket of one second) and answers
    in 20–80 ms; it records every message it accepts."""

    rate: float
    name: str = "bench"
    capabilities: Capabilities = field(init=False)
    delivered: list[tuple[str, str, float]] = field(default_factory=list)
    rejected: int = 0
    _tokens: float = field(init=False)
    _filled: float = 0.0
    _random: random.Random = field(default_factory=lambda: random.Random(30))

    def __post_init__(self) -> None:
        self.capabilities = Capabilities(buttons=True, global_rate=RateLimit(self.rate))
        self._tokens = self.rate

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def send(self, address: Address, messages: Sequence[Outgoing]) -> None:
        """Accept within the limit, else refuse with a 429."""
        loop = asyncio.get_running_loop()
        await asyncio.sleep(self._random.uniform(0.02, 0.08))
        now = loop.time()
        self._tokens = min(self.rate, self._tokens + (now - self._filled) * self.rate)
        self._filled = now
        if self._tokens < len(messages):
            self.rejected += 1
            raise TooManyRequests((len(messages) - self._tokens) / self.rate)
        self._tokens -= len(messages)
        for message in messages:
            self.delivered.append((address.user_id, message.text, now))


async def seed(officers: int, units: int) -> dict[str, int]:
    """The commune on the morning of 19/06/2026."""
    rng = random.Random(57)
    created = NOW - timedelta(days=200)
    await load_forms([ROOT / "forms" / f"{FORM}.yaml"], now=created)  # 2026-H1 is owed
    record = await FormTemplateRecord.get(key=FORM)
    await Unit.bulk_create(
        [
            Unit(code=f"dv{n:05d}", name=f"Đơn vị {n:05d}", type=TYPES[n % len(TYPES)])
            for n in range(units)
        ],
        batch_size=BATCH,
    )
    unit_rows = await Unit.all().order_by("id").values_list("id", "type")
    per_unit = officers // units
    await Person.bulk_create(
        [
            Person(name=f"Cán bộ {uid}-{k}", unit_id=uid, role="officer")
            for uid, _ in unit_rows
            for k in range(per_unit)
        ],
        batch_size=BATCH,
    )
    chief = await Person.create(name="Điều phối", unit_id=unit_rows[0][0], role="coordinator")
    people = await Person.all().order_by("id").values_list("id", "unit_id")
    await Identity.bulk_create(
        [
            Identity(platform="bench", external_id=f"p{pid}", chat_id=f"p{pid}", person_id=pid)
            for pid, _ in people
        ],
        batch_size=BATCH,
    )
    filed, drafts = set(), set()
    for uid, _ in unit_rows:
        roll = rng.random()
        if roll < 0.2:
            filed.add(uid)
        elif roll < 0.3:
            drafts.add(uid)
    await Submission.bulk_create(
        [
            Submission(
                form_key=FORM,
                template_id=record.id,
                unit_id=uid,
                period_key=PERIOD,
                status="submitted" if uid in filed else "draft",
                revision=1 if uid in filed else 0,
                submitted_at=created if uid in filed else None,
                created_at=created,
                updated_at=created,
            )
            for uid in sorted(filed | drafts)
        ],
        batch_size=BATCH,
    )
    draft_ids = await Submission.filter(status="draft").values_list("id", flat=True)
    await Answer.bulk_create(
        [
            Answer(submission_id=sid, question_id=qid, value=value, updated_at=created)
            for sid in draft_ids
            for qid, value in (("co_ke_hoach", '"yes"'), ("so_ke_hoach", '"KH-1"'))
        ],
        batch_size=BATCH,
    )
    types = dict(unit_rows)
    outstanding = [
        pid for pid, uid in people if uid not in filed and types[uid] != "thon" and pid != chief.id
    ]
    await ReminderDelivery.bulk_create(
        [
            ReminderDelivery(
                person_id=pid,
                form_key=FORM,
                period_key=PERIOD,
                kind=kind,
                status="sent",
                due_at=created,
                sent_at=created,
                attempts=1,
                created_at=created,
            )
            for pid in outstanding
            for kind in ("d-7", "d-3")
        ],
        batch_size=BATCH,
    )
    return {"officers": len(people) - 1, "due": len(outstanding), "rows": 2 * len(outstanding)}


async def baseline(sample: int) -> tuple[float, int]:
    """The per-person approach on `sample` officers: seconds taken, and how many were due."""
    templates = await ReminderWorker(lambda: [], tz=TZ, clock=lambda: NOW).templates()
    applies = templates[FORM].applies_to
    started = time.perf_counter()
    due = 0
    for person in await Person.filter(role="officer", active=True).limit(sample):
        unit = await Unit.get(id=person.unit_id)  # type: ignore[attr-defined]
        if not unit.active or not applies(unit.type):
            continue
        if await Submission.filter(
            form_key=FORM, unit_id=unit.id, period_key=PERIOD, status="submitted"
        ).exists():
            continue
        if await ReminderDelivery.filter(
            person_id=person.id, form_key=FORM, period_key=PERIOD, kind="d-1"
        ).exists():
            continue
        due += 1
    return time.perf_counter() - started, due


async def who_is_due(repeats: int = 3) -> tuple[float, int]:
    """Median seconds of a full `collect` at 19/06 08:00, and how many reminders are due."""
    worker = ReminderWorker(lambda: [], tz=TZ, clock=lambda: NOW)
    timings = []
    due = 0
    for _ in range(repeats):
        started = time.perf_counter()
        templates = await worker.templates()
        slots = slots_in_view(templates.values(), NOW, worker.policy, TZ)
        collected = await worker.collect(templates, slots, NOW)
        timings.append(time.perf_counter() - started)
        due = len(collected.plan.send)
    return statistics.median(timings), due


async def fan_out(rate: float, sample: float) -> dict[str, float]:
    """One real run through the rate-limited connector, stopped after `sample` seconds."""
    connector = LimitedConnector(rate)
    worker = ReminderWorker(lambda: [connector], tz=TZ, clock=lambda: NOW, holder="bench")
    loop = asyncio.get_running_loop()
    started = loop.time()
    stopper = loop.call_later(sample, lambda: asyncio.ensure_future(worker.stop()))
    report = await worker.run_once()
    stopper.cancel()
    ended = loop.time()
    stamps = [at for _, _, at in connector.delivered]
    sent_rows = await ReminderDelivery.filter(status="sent", kind__in=["d-1", "digest-before"])
    per_message = Counter((user, text) for user, text, _ in connector.delivered)
    duplicates = sum(count - 1 for count in per_message.values() if count > 1)
    duplicates += abs(len(connector.delivered) - len(sent_rows))
    steady = (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0
    return {
        "sent": report.sent,
        "prepare_s": (stamps[0] - started) if stamps else float("nan"),
        "steady_rate": steady,
        "overall_rate": len(stamps) / (ended - started),
        "rejected_429": connector.rejected,
        "duplicates": duplicates,
        "stopped": report.stopped,
    }


async def bench(backend: str, args: argparse.Namespace, workdir: Path) -> None:
    async with throwaway_database(backend, workdir) as url, connected(url):
        started = time.perf_counter()
        facts = await seed(args.officers, args.units)
        print(
            f"\n[{backend}] seeded {facts['officers']:,} officers in {args.units:,} units, "
            f"{facts['rows']:,} earlier reminders ({time.perf_counter() - started:.1f} s)"
        )
        base_s, base_due = await baseline(args.baseline_sample)
        scaled = base_s * facts["officers"] / args.baseline_sample
        ours, due = await who_is_due()
        print(
            f"  who is due: {ours:.2f} s for {due:,} reminders due "
            f"(goal < 2 s: {'met' if ours < 2 else 'NOT met'})"
        )
        print(
            f"  baseline per-person queries: {base_s:.2f} s for {args.baseline_sample:,} "
            f"officers ({base_due:,} due) → ~{scaled:.1f} s for all; ratio ×{scaled / ours:.0f}"
        )
        result = await fan_out(args.rate, args.sample)
        goal = 0.95 * args.rate
        print(
            f"  fan-out ({args.sample:.0f} s sample, limit {args.rate:.0f}/s): "
            f"{result['sent']:,} sent, steady {result['steady_rate']:.2f}/s "
            f"({result['steady_rate'] / args.rate:.1%} of the limit; goal ≥ 95%: "
            f"{'met' if result['steady_rate'] >= goal else 'NOT met'}), "
            f"overall {result['overall_rate']:.2f}/s incl. {result['prepare_s']:.2f} s before "
            f"the first send (who is due, first chunk of {due:,}); "
            f"429s {result['rejected_429']}; "
            f"duplicates {result['duplicates']} (goal 0)"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--sample", type=float, default=10.0)
    parser.add_argument("--baseline-sample", type=int, default=2_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            await bench(backend, args, Path(tmp))


if __name__ == "__main__":
    asyncio.run(main())
