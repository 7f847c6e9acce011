"""Several worker processes against Telegram's bot-wide limit: 429s and sends per second.

A deadline rush: M officers (default 150) each open the Resolution 57 report and answer the
first questions (`--lines`, default 4 lines of the script: /baocao, the period, two answers),
each line typed as soon as the bot's answer to the previous one arrived. The bot is real
processes of `reportbot run` on a throwaway PostgreSQL database: one `--role web` and
`--workers` (default 2) `--role worker`. The fake Bot API (tests/fakes/telegram.py) keeps
Telegram's flood control (`limit_rate`: `--rate` messages a second for the whole bot, default
30, the Bot FAQ's figure; 1 a second in a chat after a burst of 3) and answers 429 over it; the
bot is configured with the same rate (`REPORTBOT_TELEGRAM_GLOBAL_RATE`), as on every worker.

Printed: for each second of the rush, the messages Telegram carried out and the calls it
refused with 429; the total of 429s, the carried-out rate over the rush and the busiest second;
p50/p99 of an officer's wait for the bot's answer; and whether every chat got each answer once
(lost: an update not done or a reply still owed; duplicated: a chat shown one text twice).

    .venv/bin/python benchmarks/rate_share.py [--officers 150] [--lines 4] [--workers 2]
        [--rate 30]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from benchmarks._databases import throwaway_database  # noqa: E402
from benchmarks._stats import percentile  # noqa: E402
from reportbot.store.database import tortoise_config  # noqa: E402
from reportbot.store.models import InboxEntry, OutboxEntry  # noqa: E402
from reportbot.store.replies import REPLY_TOPIC  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.fakes.telegram_limits import counted  # noqa: E402
from tests.workers_harness import (  # noqa: E402
    LINES,
    SECRET,
    Cluster,
    seed_officers,
    wait_until,
)


async def _officer(
    telegram: FakeTelegram, cluster: Cluster, user: int, lines: int, waits: list[float]
) -> None:
    """Type the first `lines` lines of the report, each once the answer to the last came."""
    for line in LINES[:lines]:
        seen = telegram.sent_count.get(user, 0)
        started = time.perf_counter()
        status = await telegram.post_webhook(
            cluster.webhook, telegram.text_update(user, line), SECRET
        )
        assert status == 200, status
        await telegram.wait_sent(user, seen + 1, timeout=300)
        waits.append(time.perf_counter() - started)


async def _ready(cluster: Cluster, names: list[str]) -> None:
    """Wait until every worker holds its lock (/readyz): each is counted by the others."""

    async def ready() -> bool:
        async with aiohttp.ClientSession() as http:
            for name in names:
                url = f"http://127.0.0.1:{cluster.ports[name]}/readyz"
                async with http.get(url) as response:
                    if response.status != 200:
                        return False
        return True

    await wait_until(ready, "every worker to hold its lock", timeout=120)


def per_second(telegram: FakeTelegram) -> list[tuple[int, int]]:
    """(carried out, refused with 429) per second of the rush, from the first counted call."""
    attempts = [call.at for call in telegram.calls if counted(call.method)]
    done = [at for _chat, at in telegram.flood._history]
    if not attempts:
        return []
    start = min(attempts)
    size = math.floor(max(attempts) - start) + 1
    tried, carried = Counter(int(at - start) for at in attempts), Counter()
    carried.update(int(at - start) for at in done if at >= start)
    return [(carried[s], tried[s] - carried[s]) for s in range(size)]


async def _outcome(telegram: FakeTelegram, users: list[int], updates: int) -> dict[str, int]:
    """Updates not done or replies still owed (lost), and chats shown a text twice."""
    done = await InboxEntry.filter(status="done").count()
    owed = await OutboxEntry.filter(topic=REPLY_TOPIC).count()
    doubled = 0
    for user in users:
        texts = telegram.sent_texts(user)
        doubled += len(texts) - len(set(texts))
    return {"lost": (updates - done) + owed, "duplicated": doubled}


async def run(officers: int, lines: int, workers: int, rate: float) -> None:
    """One rush on a fresh database; prints its figures."""
    with tempfile.TemporaryDirectory() as folder:
        async with throwaway_database("postgres", Path(folder)) as url:
            await Tortoise.init(config=tortoise_config(url))
            try:
                users = await seed_officers(officers)
                async with FakeTelegram() as telegram:
                    telegram.limit_rate(per_second=rate)
                    cluster = Cluster(telegram, url, Path(folder))
                    cluster.settings["REPORTBOT_TELEGRAM_GLOBAL_RATE"] = str(rate)
                    roles = {"web": "web"} | {f"worker-{n + 1}": "worker" for n in range(workers)}
                    waits: list[float] = []
                    try:
                        await cluster.start_all(roles)
                        await _ready(cluster, [name for name in roles if name != "web"])
                        await asyncio.gather(
                            *(_officer(telegram, cluster, u, lines, waits) for u in users)
                        )
                        await asyncio.sleep(1)  # the last confirmations
                        outcome = await _outcome(telegram, users, officers * lines)
                    finally:
                        await cluster.stop()
                    _print(per_second(telegram), telegram.rate_refusals, waits, outcome, rate)
            finally:
                await Tortoise.close_connections()


def _print(
    seconds: list[tuple[int, int]],
    refusals: int,
    waits: list[float],
    outcome: dict[str, int],
    rate: float,
) -> None:
    print("| second | carried out | 429 |")
    print("| ---: | ---: | ---: |")
    for number, (carried, refused) in enumerate(seconds):
        print(f"| {number} | {carried} | {refused} |")
    sent = sum(carried for carried, _ in seconds)
    print()
    print(
        f"429s: {refusals}; carried out: {sent} in {len(seconds)} s "
        f"({sent / max(1, len(seconds)):.1f}/s, limit {rate:g}/s), busiest second "
        f"{max((c for c, _ in seconds), default=0)}; answer wait p50 "
        f"{percentile(waits, 0.5):.2f} s, p99 {percentile(waits, 0.99):.2f} s; "
        f"lost {outcome['lost']}, duplicated {outcome['duplicated']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=150)
    parser.add_argument("--lines", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=30.0)
    args = parser.parse_args()
    asyncio.run(run(args.officers, args.lines, args.workers, args.rate))


if __name__ == "__main__":
    main()
