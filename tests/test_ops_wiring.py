"""`measured` around the real conversation service: counts and times each update."""

from __future__ import annotations

import pytest

from connectors.base import Incoming
from reportbot.ops.metrics import Metrics
from reportbot.ops.wiring import measured
from reportbot.service import ConversationService


def value(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


async def test_each_update_is_counted_and_timed(service: ConversationService) -> None:
    metrics = Metrics()
    handler = measured(service, metrics)
    replies = await handler(
        Incoming("console", "u-hoiphunu", "u-hoiphunu", text="/baocao", update_id="1")
    )
    assert replies, "the real service answered"
    await handler(Incoming("console", "u-hoiphunu", "u-hoiphunu", text="1", update_id="2"))

    assert value(metrics, "reportbot_updates_received_total", connector="console") == 2
    ok = value(metrics, "reportbot_updates_handled_total", connector="console", outcome="ok")
    assert ok == 2
    count = value(metrics, "reportbot_update_handling_seconds_count", connector="console")
    assert count == 2
    total = value(metrics, "reportbot_update_handling_seconds_sum", connector="console")
    assert total is not None and total > 0


async def test_a_failing_handler_counts_an_error_and_still_raises() -> None:
    metrics = Metrics()

    async def broken(_message: Incoming) -> list:
        raise ConnectionResetError("database went away")

    with pytest.raises(ConnectionResetError):
        await measured(broken, metrics)(Incoming("telegram", "5", "5", text="hi"))
    assert value(metrics, "reportbot_updates_received_total", connector="telegram") == 1
    error = value(metrics, "reportbot_updates_handled_total", connector="telegram", outcome="error")
    assert error == 1
    ok = value(metrics, "reportbot_updates_handled_total", connector="telegram", outcome="ok")
    assert ok is None
