"""Province reminders fanned out by 2 worker processes, one killed part-way (issue 17).

The province of `benchmarks/province.py` (default 100 communes x 20 units x 3 officers; 60 %
of the units filed 2026-H2, 10 % have a draft), every person with a Telegram identity, on a
throwaway PostgreSQL database. Two real `reportbot run --role worker` processes send through
the fake Bot API (tests/fakes/telegram.py) over HTTP; the fake refuses sends beyond `--rate`
messages a second overall with 429 and `retry_after`, as Telegram does, and the bot runs with
`REPORTBOT_TELEGRAM_GLOBAL_RATE` at the same rate (its default, 30). No web process: nothing
comes in, and workers send on their own.

The clock: both workers run with `reportbot run --at` (the documented demo clock) at Friday
18/12/2026 09:00 local time, two days before the 20/12 deadline, when the d-3 reminder is due
(the d-7 one has expired and is recorded as skipped): every officer of a unit that has not
filed is due exactly one reminder as the run starts. Each worker gets the moment as of its own
start, so the two clocks agree to within the start-up of a process.

Reminders run as a job (every minute, and at start) under the `reminders` database lease:
one worker sends, the other finds the lease busy. Once `--kill-at` of the due reminders have
reached the fake, the holder is killed with SIGKILL; the other must take the lease and go on.
Printed: reminders due, sent, the achieved rate (first to last send at the fake, and within
each holder's stretch) against the limit, 429s answered, duplicates (a person reminded twice at
the fake), missing (due, never reached the fake by `--deadline`), and the time from the kill to
the lease retaken and to the next reminder sent.

    .venv/bin/python benchmarks/fanout_workers.py [--communes 100] [--units 20] [--officers 3]
        [--rate 30] [--bot-rate 30] [--kill-at 0.3] [--deadline SECONDS]

`--bot-rate` sets the bot's own pace apart from the fake's limit (a bot configured faster than
the platform allows: how the 429s are handled).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._databases import connected, throwaway_database  # noqa: E402
from benchmarks.province import PERIOD, TZ, seed  # noqa: E402
from reportbot.reminders.schedule import ACTIVE, Policy, slots_in_view  # noqa: E402
from reportbot.reminders.store import outstanding_officers  # noqa: E402
from reportbot.reminders.worker import LEASE_NAME  # noqa: E402
from reportbot.store import forms as form_store  # noqa: E402
from reportbot.store.models import Identity, ReminderDelivery  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.workers_harness import Cluster  # noqa: E402

AT = datetime(2026, 12, 18, 9, 0, tzinfo=TZ)  # Friday: d-3 of 2026-H2 (deadline 20/12)
KIND = "d-3"
FORM_KEY = "bao_cao_tinh"
FIRST_USER = 900_000_000
WORKERS = ("worker-1", "worker-2")


def telegram_identity(person_id: int) -> Identity:
    """Each person's Telegram account: a user id derived from the person's id."""
    user = str(FIRST_USER + person_id)
    return Identity(platform="telegram", external_id=user, chat_id=user, person_id=person_id)


async def due_chats() -> set[int]:
    """The chats owed the d-3 reminder at `AT`, checked against the schedule."""
    latest = await form_store.latest_templates()
    templates = {key: template for key, (_, template) in latest.items()}
    published = await form_store.first_publications([FORM_KEY])
    slots = slots_in_view(templates.values(), AT, Policy(), TZ, published)
    active = {slot.kind for slot in slots if slot.state(AT) == ACTIVE}
    if active != {KIND}:
        raise SystemExit(f"at {AT} the active reminders are {sorted(active)}, not {KIND}")
    recipients = await outstanding_officers(templates[FORM_KEY], PERIOD)
    return {FIRST_USER + recipient.person_id for recipient in recipients}


async def reached(condition: Callable[[], Awaitable[bool] | bool], timeout: float) -> bool:
    """Whether `condition` held within `timeout` seconds (polled every 50 ms)."""
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found if isinstance(found, bool) else await found:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)


@dataclass
class Run:
    """What happened, in monotonic seconds."""

    due: set[int]
    victim: str | None = None
    killed_at: float | None = None
    retaken_at: float | None = None
    settled: bool = False  # the survivor's run ended (lease released)
    rows: Counter[str] = field(default_factory=Counter)
    unmarked_but_delivered: int = 0


async def fan_out(telegram: FakeTelegram, cluster: Cluster, run: Run, args) -> None:
    """Start both workers, kill the lease holder part-way, wait for the rest."""
    started = time.monotonic()

    def at_now() -> list[str]:  # the shared demo clock, as of this process's start
        moment = AT + timedelta(seconds=time.monotonic() - started)
        return ["--at", moment.replace(tzinfo=None).isoformat()]

    # Together, as a supervisor starts them: both race for the lease at start.
    await asyncio.gather(*(cluster.start(name, "worker", at_now()) for name in WORKERS))
    deadline = started + args.deadline
    kill_after = int(args.kill_at * len(run.due))
    if await reached(lambda: len(telegram.sent_at) >= kill_after, deadline - time.monotonic()):
        run.victim = await cluster.lease_holder(LEASE_NAME)
    if run.victim in WORKERS:
        run.killed_at = time.monotonic()
        cluster.kill(run.victim)
        await cluster.processes[run.victim].wait()
        survivor = next(name for name in WORKERS if name != run.victim)

        async def retaken() -> bool:
            return await cluster.lease_last_taker(LEASE_NAME) == survivor

        if await reached(retaken, deadline - time.monotonic()):
            run.retaken_at = time.monotonic()

    async def released() -> bool:
        return await cluster.lease_holder(LEASE_NAME) is None

    async def over() -> bool:  # everyone reached, or the sending run ended short of that
        return run.due <= telegram.sent_count.keys() or await released()

    await reached(over, deadline - time.monotonic())
    run.settled = await reached(released, max(5.0, deadline - time.monotonic()))
    await cluster.stop()
    rows = await ReminderDelivery.filter(form_key=FORM_KEY, kind=KIND).values_list(
        "status", "person_id"
    )
    run.rows = Counter(status for status, _ in rows)
    sending = {FIRST_USER + person for status, person in rows if status == "sending"}
    run.unmarked_but_delivered = len(sending & telegram.sent_count.keys())


def rate(times: list[float]) -> float:
    """Messages a second from the first to the last of `times`."""
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0


def report(telegram: FakeTelegram, run: Run, limit: float) -> bool:
    """Print the figures; True when nobody was reminded twice and nobody else was messaged."""
    per_chat = Counter(chat for chat, _ in telegram.sent_at)
    texts = Counter(
        (chat, m.get("text")) for (chat, _), m in telegram.messages.items() if chat in run.due
    )
    duplicates = sum(n - 1 for n in per_chat.values() if n > 1)
    same_text = sum(n - 1 for n in texts.values() if n > 1)
    missing = len(run.due - per_chat.keys())
    others = len(per_chat.keys() - run.due)
    times = sorted(at for _, at in telegram.sent_at)
    print(f"reminders due: {len(run.due):,} ({KIND} of {FORM_KEY} {PERIOD})")
    print(f"sent (reached the fake): {len(times):,} messages to {len(per_chat):,} chats")
    print(f"achieved rate, first to last send: {rate(times):.2f}/s (limit {limit:g}/s)")
    if run.killed_at is not None:
        before = [t for t in times if t < run.killed_at]
        after = [t for t in times if t > run.killed_at]
        print(f"  {run.victim} (killed), first send to kill: {rate(before):.2f}/s")
        print(f"  the survivor, from its first send on: {rate(after):.2f}/s")
        if run.retaken_at is not None:
            print(f"kill -> lease retaken: {run.retaken_at - run.killed_at:.1f} s")
        else:
            print("kill -> lease retaken: NEVER within the deadline")
        if after:
            print(f"kill -> next reminder sent: {after[0] - run.killed_at:.1f} s")
    else:
        print(f"no kill: the lease holder was {run.victim!r} when {KIND} reached the kill point")
    print(f"429s answered by the fake: {telegram.rate_refusals}")
    print(f"duplicates (a chat messaged twice): {duplicates}; same text twice: {same_text}")
    print(f"missing (due, never reached the fake): {missing}")
    print(f"messages to chats not due: {others}")
    rows = ", ".join(f"{status} {count}" for status, count in sorted(run.rows.items()))
    print(f"reminder_deliveries {KIND}: {rows}")
    print(f"  'sending' rows the fake had received: {run.unmarked_but_delivered}")
    print(f"survivor's run ended (lease released): {run.settled}")
    print(f"load average (1 min): {os.getloadavg()[0]:.1f}")
    return duplicates == 0 and same_text == 0 and others == 0


async def main() -> None:
    """Seed, run, print; exit 1 on a duplicate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--officers", type=int, default=3)
    parser.add_argument("--rate", type=float, default=30.0, help="the fake's limit, messages/s")
    parser.add_argument(
        "--bot-rate", type=float, default=0.0, help="the bot's GLOBAL_RATE (default: --rate)"
    )
    parser.add_argument("--kill-at", type=float, default=0.3, help="share of due sent first")
    parser.add_argument(
        "--deadline", type=float, default=0.0, help="seconds (default: due/rate + 150)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        async with throwaway_database("postgres", Path(folder)) as url, connected(url):
            seeded = time.monotonic()
            await seed(args.communes, args.units, args.officers, telegram_identity)
            run = Run(await due_chats())
            print(f"seeded in {time.monotonic() - seeded:.1f} s")
            args.deadline = args.deadline or len(run.due) / args.rate + 150
            (Path(folder) / "forms").mkdir()  # the seeded form only: no shipped forms
            async with FakeTelegram() as telegram:
                telegram.limit_rate(args.rate)
                cluster = Cluster(telegram, url, Path(folder))
                cluster.settings.update(
                    {
                        "REPORTBOT_FORMS_DIR": str(Path(folder) / "forms"),
                        "REPORTBOT_TELEGRAM_GLOBAL_RATE": f"{args.bot_rate or args.rate:g}",
                        "REPORTBOT_TELEGRAM_CHAT_RATE": "1",
                    }
                )
                try:
                    await fan_out(telegram, cluster, run, args)
                finally:
                    await cluster.stop()
                good = report(telegram, run, args.rate)
    if not good:
        sys.exit(1)


if __name__ == "__main__":
    asyncio.run(main())
