"""A dead worker's owed replies: the time from its kill -9 to the reply at the platform (issue 17).

Real processes of `reportbot run` on a throwaway PostgreSQL: one `--role web` and two
`--role worker`. Each round one officer types /baocao; the fake Bot API holds the bot's first
sendMessage (it never answers and never carries it out), so the worker that handled the update
has committed the step and is sending its replies. That worker (its claim's holder id names its
PID) is killed with kill -9; the figure is the time until the replies reach the fake Bot API,
sent by the other worker's redelivery job. A new worker is then started for the next round, as
a supervisor would. Each round waits a random 0-3 s before the officer types, so the kill falls
anywhere in the survivor's redelivery interval (right after a worker's start it would always
fall just after that worker's first run: the worst case, every time).

    .venv/bin/python benchmarks/owed_replies.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._databases import connected, throwaway_database  # noqa: E402
from reportbot.store.models import InboxEntry  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.workers_harness import SECRET, Cluster, seed_officers  # noqa: E402

HELD_S = 600  # the held send never returns within a round
REPLY_DEADLINE_S = 120.0  # the old rule (60 s after the commit, a job every 10 s) fits


def _worker_of(cluster: Cluster, holder: str) -> str:
    """The name of the cluster's process whose PID the holder id names (host:ns:pid:nonce)."""
    pid = int(holder.split(":")[-2])
    for name, process in cluster.processes.items():
        if process.pid == pid and process.returncode is None:
            return name
    raise RuntimeError(f"no live process of the cluster holds {holder}")


async def _round(telegram: FakeTelegram, cluster: Cluster, user: int) -> float:
    """One kill between commit and send; the seconds from the kill to the reply."""
    await asyncio.sleep(random.uniform(0.0, 3.0))  # a random phase of the survivor's job
    held = len(telegram.calls_of("sendMessage"))
    telegram.fail_next("sendMessage", status=500, delay=HELD_S)
    update = telegram.text_update(user, "/baocao")
    assert await telegram.post_webhook(cluster.webhook, update, SECRET) == 200
    await telegram.wait_calls("sendMessage", held + 1, timeout=60)
    entry = await InboxEntry.get(user_id=str(user))
    assert entry.status == "done" and entry.claimed_by, entry.status
    victim = _worker_of(cluster, entry.claimed_by)
    cluster.kill(victim)
    killed = time.monotonic()
    await telegram.wait_for(lambda: bool(telegram.sent_texts(user)), REPLY_DEADLINE_S, "reply")
    return time.monotonic() - killed


async def main(rounds: int) -> None:
    """Run `rounds` kills and print each gap and their spread."""
    with tempfile.TemporaryDirectory() as folder:
        async with throwaway_database("postgres", Path(folder)) as url, connected(url):
            users = await seed_officers(rounds)
            async with FakeTelegram() as telegram:
                cluster = Cluster(telegram, url, Path(folder))
                cluster.settings["REPORTBOT_TELEGRAM_REQUEST_TIMEOUT"] = str(HELD_S)
                gaps = []
                try:
                    await cluster.start("web", "web")
                    await cluster.start("worker-0", "worker")
                    await cluster.start("worker-1", "worker")
                    for number, user in enumerate(users):
                        gap = await _round(telegram, cluster, user)
                        gaps.append(gap)
                        print(f"round {number + 1}: kill -9 -> reply {gap:.2f} s", flush=True)
                        await cluster.start(f"worker-{number + 2}", "worker")
                finally:
                    await cluster.stop()
    print(
        f"{len(gaps)} rounds: min {min(gaps):.2f} s, median {statistics.median(gaps):.2f} s, "
        f"max {max(gaps):.2f} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(main(parser.parse_args().rounds))
