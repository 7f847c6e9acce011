"""`/metrics` over a real aiohttp server: counters, histogram and gauges change after calls.

Expected values are written by hand below, never recomputed by the metrics code.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from reportbot.ops.health import install_ops
from reportbot.ops.metrics import Backlog, Metrics, PoolUsage


@pytest.fixture
async def served() -> AsyncIterator[tuple[TestClient, Metrics]]:
    app = web.Application()
    metrics = install_ops(app)
    async with TestClient(TestServer(app)) as client:
        yield client, metrics


async def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The samples of one scrape, keyed by (sample name, sorted labels)."""
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = await response.text()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def test_counters_and_histogram_follow_the_hooks(served) -> None:
    client, metrics = served
    before = await scrape(client)
    assert ("reportbot_updates_received_total", (("connector", "telegram"),)) not in before
    assert before[("reportbot_reminders_total", (("state", "sent"),))] == 0

    for _ in range(3):
        metrics.update_received("telegram")
    metrics.update_received("zalo-bot")  # dashes become underscores
    metrics.handled("telegram", 0.02)
    metrics.handled("telegram", 0.3)
    metrics.handled("telegram", 4.0, ok=False)
    metrics.reminders_due(5)
    metrics.reminders_sent(4)
    metrics.reminders_failed(1)

    after = await scrape(client)
    assert after[("reportbot_updates_received_total", (("connector", "telegram"),))] == 3
    assert after[("reportbot_updates_received_total", (("connector", "zalo_bot"),))] == 1
    ok = (("connector", "telegram"), ("outcome", "ok"))
    error = (("connector", "telegram"), ("outcome", "error"))
    assert after[("reportbot_updates_handled_total", ok)] == 2
    assert after[("reportbot_updates_handled_total", error)] == 1
    tg = (("connector", "telegram"),)
    assert after[("reportbot_update_handling_seconds_count", tg)] == 3
    assert after[("reportbot_update_handling_seconds_sum", tg)] == pytest.approx(4.32)
    # Cumulative buckets: 0.02 <= 0.025; 0.3 <= 0.5; 4.0 <= 5.0.
    bucket = "reportbot_update_handling_seconds_bucket"
    expected = {"0.01": 0, "0.025": 1, "0.25": 1, "0.5": 2, "2.5": 2, "5.0": 3, "+Inf": 3}
    for le, count in expected.items():
        assert after[(bucket, (("connector", "telegram"), ("le", le)))] == count, le
    assert after[("reportbot_reminders_total", (("state", "due"),))] == 5
    assert after[("reportbot_reminders_total", (("state", "sent"),))] == 4
    assert after[("reportbot_reminders_total", (("state", "failed"),))] == 1


async def test_gauges_are_read_from_their_callbacks_at_each_scrape(served) -> None:
    client, metrics = served
    inbox = [Backlog(7, 42.5)]

    async def inbox_backlog() -> Backlog:
        return inbox[0]

    async def outbox_backlog() -> Backlog:
        return Backlog(0)

    async def lag() -> float:
        return 12.0

    async def pool() -> PoolUsage:
        return PoolUsage(in_use=3, idle=2, maximum=10)

    metrics.add_backlog_source("inbox", inbox_backlog)
    metrics.add_backlog_source("outbox", outbox_backlog)
    metrics.set_sheet_lag_source(lag)
    metrics.set_pool_source(pool)

    first = await scrape(client)
    assert first[("reportbot_backlog_items", (("queue", "inbox"),))] == 7
    assert first[("reportbot_backlog_oldest_age_seconds", (("queue", "inbox"),))] == 42.5
    assert first[("reportbot_backlog_items", (("queue", "outbox"),))] == 0
    assert first[("reportbot_sheet_lag_seconds", ())] == 12.0
    assert first[("reportbot_db_pool_connections", (("state", "in_use"),))] == 3
    assert first[("reportbot_db_pool_connections", (("state", "max"),))] == 10

    inbox[0] = Backlog(0, 0.0)  # the inbox drained
    second = await scrape(client)
    assert second[("reportbot_backlog_items", (("queue", "inbox"),))] == 0
    assert second[("reportbot_backlog_oldest_age_seconds", (("queue", "inbox"),))] == 0


async def test_a_failing_or_hanging_source_gives_nan_and_never_blocks_the_scrape() -> None:
    app = web.Application()
    metrics = install_ops(app, metrics=Metrics(source_timeout=0.2))
    never = asyncio.Event()

    async def hangs() -> Backlog:
        await never.wait()  # a database that never answers
        return Backlog(1)

    async def breaks() -> float:
        raise ConnectionResetError("password=hunter2 in a driver message")

    metrics.add_backlog_source("outbox", hangs)
    metrics.set_sheet_lag_source(breaks)
    async with TestClient(TestServer(app)) as client:
        samples = await scrape(client)
    assert math.isnan(samples[("reportbot_backlog_items", (("queue", "outbox"),))])
    assert math.isnan(samples[("reportbot_sheet_lag_seconds", ())])
    errors = "reportbot_metric_source_errors_total"
    assert samples[(errors, (("source", "backlog_outbox"),))] == 1
    assert samples[(errors, (("source", "sheet_lag"),))] == 1


async def test_two_applications_in_one_process_keep_their_own_figures() -> None:
    first, second = Metrics(), Metrics()
    first.update_received("console")
    first.update_received("console")
    second.update_received("console")
    one = first.registry.get_sample_value(
        "reportbot_updates_received_total", {"connector": "console"}
    )
    two = second.registry.get_sample_value(
        "reportbot_updates_received_total", {"connector": "console"}
    )
    assert (one, two) == (2, 1)


def test_label_values_are_bounded() -> None:
    metrics = Metrics()
    metrics.update_received("x" * 500)
    metrics.update_received("Telegram; DROP")
    assert (
        metrics.registry.get_sample_value(
            "reportbot_updates_received_total", {"connector": "other"}
        )
        == 2
    )
