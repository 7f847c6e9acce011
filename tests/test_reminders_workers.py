"""Reminders with two `reportbot run --role worker` processes on PostgreSQL (issue 17).

Reminders run as a job of each worker (every minute, and at start) under one database lease.
The worker holding it is killed with SIGKILL in the middle of a fan-out: the other, which found
the lease busy at its start, must take it long before its next minute's tick (issue 12 promises
15 s for a crashed holder's jobs; `benchmarks/fanout_workers.py` measures it) and send the
rest, and nobody may be reminded twice. Both processes run on `reportbot run --at`, the morning of
17/06/2026, three days before Resolution 57's deadline, when every officer is due the d-3
reminder.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from reportbot.reminders.worker import LEASE_NAME
from reportbot.store.models import ReminderDelivery
from tests.fakes.telegram import FakeTelegram
from tests.workers_harness import Cluster, seed_officers, wait_until

# Half the minute between two ticks: before the fix the standby took the lease at its next
# tick, ~57 s after a kill that follows its start by a few seconds; with the fix, in <= 11 s
# (the busy lease is tried again after its TTL + 1 s), which leaves room for a loaded machine.
RECOVERY_S = 30.0
OFFICERS = 120
# Messages a second of the first worker: its fan-out lasts 60 s, longer than a second worker's
# start on a loaded machine (40 s seen on two cores at a load of 14), so it is still going when
# that worker is ready. The second worker sends at the fake Bot API's rate (`bot_env`): the
# rest it takes over goes out in seconds, since only the takeover is timed, not the sending.
RATE = "2"
KILL_AFTER = 4
AT = datetime(2026, 6, 17, 8, 0)  # local time: d-3 of 2026-H1
WORKERS = ("worker-1", "worker-2")


async def _start_worker(
    cluster: Cluster, name: str, started: float, env: dict[str, str] | None = None
) -> None:
    """A worker on the pretended clock shared by both (told the moment of its own start)."""
    moment = AT + timedelta(seconds=time.monotonic() - started)
    await cluster.start(name, "worker", ["--at", moment.isoformat()], env)


async def _sent(telegram: FakeTelegram, count: int) -> None:
    async def enough() -> bool:
        return len(telegram.sent_at) >= count

    await wait_until(enough, f"{count} reminders sent")


async def test_the_other_worker_takes_over_a_killed_fan_out_soon(pg: str, tmp_path: Path) -> None:
    users = set(await seed_officers(OFFICERS))
    (tmp_path / "forms").mkdir()  # Resolution 57 as seeded, nothing more
    async with FakeTelegram() as telegram:
        cluster = Cluster(telegram, pg, tmp_path)
        cluster.settings["REPORTBOT_FORMS_DIR"] = str(tmp_path / "forms")
        try:
            # worker-1 takes the lease and starts sending; worker-2, started then, finds it
            # busy at once (its first run, at start): a sleeping standby.
            started = time.monotonic()
            await _start_worker(
                cluster, "worker-1", started, {"REPORTBOT_TELEGRAM_GLOBAL_RATE": RATE}
            )
            await _sent(telegram, 1)
            await _start_worker(cluster, "worker-2", started)
            await _sent(telegram, len(telegram.sent_at) + KILL_AFTER)
            victim = await cluster.lease_holder(LEASE_NAME)
            assert victim == "worker-1", victim
            assert len(telegram.sent_at) < OFFICERS, "killed in the middle of the fan-out"
            cluster.kill(victim)
            await cluster.processes[victim].wait()
            survivor = next(name for name in WORKERS if name != victim)

            async def retaken() -> bool:
                return await cluster.lease_last_taker(LEASE_NAME) == survivor

            await wait_until(retaken, f"{survivor} to take the lease", timeout=RECOVERY_S)

            async def everyone_reached_or_claimed() -> bool:
                claimed = await ReminderDelivery.filter(kind="d-3").count()
                return claimed == OFFICERS and await cluster.lease_holder(LEASE_NAME) is None

            await wait_until(everyone_reached_or_claimed, "the fan-out to finish", timeout=90)
        finally:
            await cluster.stop()
    per_chat = Counter(chat for chat, _ in telegram.sent_at)
    assert [chat for chat, count in per_chat.items() if count > 1] == [], "reminded twice"
    assert set(per_chat) <= users
    rows = await ReminderDelivery.filter(kind="d-3").values_list(
        "status", "person__identities__external_id"
    )
    # A row the killed worker had claimed stays 'sending' and is never sent again (at most
    # once); every other officer got the reminder.
    unsent = {int(user) for status, user in rows if status == "sending"}
    assert {status for status, _ in rows} <= {"sent", "sending"}
    assert users - set(per_chat) <= unsent
