"""Two worker processes keep Telegram's bot-wide limit together, not each on its own.

Telegram allows a bot about N messages a second overall (Bot FAQ, "My bot is hitting limits":
30), whichever process sends them. The fake Bot API enforces it (`limit_rate`, a bucket of N
refilled at N/s) and answers 429 over it. Here N is 5, and the bot is configured with the same
figure (`REPORTBOT_TELEGRAM_GLOBAL_RATE=5`), so that a few dozen officers are enough to want
more than N a second: each of them opens a report and picks the period at once, and the two
workers both have replies to send at the same time. Before the share, each worker paced itself
to 5/s and the two sent up to 10/s together: 429s. The figures checked are the fake's own
counts: the 429s it answered, and each chat's messages (every reply once, none lost).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import aiohttp

from reportbot.store.models import InboxEntry, OutboxEntry
from reportbot.store.replies import REPLY_TOPIC
from tests.fakes.telegram import FakeTelegram
from tests.workers_harness import SECRET, Cluster, seed_officers, wait_until

RATE = 5  # the bot-wide limit (messages/s) of the fake and of the bot's configuration
OFFICERS = 24
LINES = ("/baocao", "1")  # open a report; pick the first period offered
WORKERS = ("worker-1", "worker-2")
EXPECTED_MESSAGES = 2  # in each chat: the periods offered, then the report's first question


async def _open_report(telegram: FakeTelegram, cluster: Cluster, user: int) -> None:
    for line in LINES:
        status = await telegram.post_webhook(
            cluster.webhook, telegram.text_update(user, line), SECRET
        )
        assert status == 200


async def _get(cluster: Cluster, name: str, path: str) -> tuple[int, str]:
    url = f"http://127.0.0.1:{cluster.ports[name]}{path}"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.text()


async def _handled(cluster: Cluster, name: str) -> float:
    """How many updates a worker handled (its /metrics)."""
    _, text = await _get(cluster, name, "/metrics")
    found = re.findall(
        r'^reportbot_updates_handled_total\{[^}]*outcome="ok"[^}]*\} (\S+)', text, re.M
    )
    return sum(float(value) for value in found)


async def test_two_workers_together_stay_under_the_bot_wide_limit(pg: str, tmp_path: Path) -> None:
    users = await seed_officers(OFFICERS)
    async with FakeTelegram() as telegram:
        telegram.limit_rate(per_second=RATE)
        cluster = Cluster(telegram, pg, tmp_path)
        cluster.settings["REPORTBOT_TELEGRAM_GLOBAL_RATE"] = str(RATE)
        try:
            await cluster.start_all({"web": "web", "worker-1": "worker", "worker-2": "worker"})

            async def both_ready() -> bool:
                statuses = [(await _get(cluster, n, "/readyz"))[0] for n in WORKERS]
                return statuses == [200, 200]

            await wait_until(both_ready, "both workers to hold their lock")
            await asyncio.gather(*(_open_report(telegram, cluster, u) for u in users))
            updates = OFFICERS * len(LINES)

            async def all_sent() -> bool:
                done = await InboxEntry.filter(status="done").count()
                owed = await OutboxEntry.filter(topic=REPLY_TOPIC).count()
                return done == updates and owed == 0

            await wait_until(all_sent, "every update handled and its replies sent", 180)
            transcripts = {user: telegram.sent_texts(user) for user in users}
            handled = {name: await _handled(cluster, name) for name in WORKERS}
        finally:
            codes = await cluster.stop()
    assert codes == {"web": 0, "worker-1": 0, "worker-2": 0}
    for name in WORKERS:
        assert "Traceback" not in cluster.log(name), cluster.log(name)
    # Both workers handled updates, so both sent replies: two senders, one limit.
    assert sum(handled.values()) == OFFICERS * len(LINES), handled
    assert min(handled.values()) >= 5, handled
    # Each chat: the period question, then the first question of the report; once each.
    for user, texts in transcripts.items():
        assert len(texts) == len(set(texts)), (user, texts)
        assert len(texts) == EXPECTED_MESSAGES, (user, texts)
    assert telegram.rate_refusals == 0, telegram.flood.refused[:10]
