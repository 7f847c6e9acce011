"""The Zalo OA webhook as Zalo calls it: retries of one event, probes, and hostile bodies."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors._http import json_depth, too_deep
from connectors.base import Incoming, Outgoing
from tests.fakes._server import ScriptedHandler
from tests.fakes.zalo_oa import FakeZaloOa

FAST = {"request_timeout": 2.0, "retry_base": 0.01, "retry_max": 0.05, "rate": "500,200"}
HOUR_MS = 3_600_000


@pytest.fixture
def oa_config() -> dict[str, Any]:
    """A slower handler here: the connector waits up to 2 s for the API."""
    return FAST


class SlowHandler(ScriptedHandler):
    """An application that takes `seconds` per message (a slow photo download, a busy DB)."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    async def __call__(self, incoming: Incoming) -> Sequence[Outgoing]:
        self.incoming.append(incoming)
        await asyncio.sleep(self.seconds)
        return [Outgoing(text=f"Đã nhận: {incoming.text}")]


async def test_zalo_retries_of_a_slow_event_are_processed_once(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    handler = SlowHandler(1.5)
    _, url = await oa(handler)
    event = oa_fake.text_event("u-1", "15")
    # Zalo's deadline is 2 s; scaled down to 0.5 s here, with its retry waits scaled to ms.
    attempts = await oa_fake.deliver(url, event, deadline=0.5, retry_scale=0.002)
    assert attempts[0].status is None, "the slow first delivery missed the deadline"
    assert attempts[-1].status == 200
    await oa_fake.wait_for(lambda: oa_fake.texts("u-1") == ["Đã nhận: 15"])
    assert [m.text for m in handler.incoming] == ["15"], "processed exactly once"


async def test_a_bot_that_stores_first_answers_zalo_within_its_deadline(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    """With a store to accept into, the webhook answers before the (slow) handling."""
    handler = SlowHandler(1.5)
    stored: list[str | None] = []

    async def accept(incoming: Incoming) -> None:
        stored.append(incoming.update_id)

    _, url = await oa(handler, accept)
    event = oa_fake.text_event("u-1", "15")
    attempts = await oa_fake.deliver(url, event, deadline=0.5, retry_scale=0.002)
    assert [a.status for a in attempts] == [200], "answered at once, never retried"
    assert attempts[0].seconds < 0.5 and len(stored) == 1
    await oa_fake.wait_for(lambda: oa_fake.texts("u-1") == ["Đã nhận: 15"])
    assert [m.text for m in handler.incoming] == ["15"], "handled once, after the answer"
    assert stored == [handler.incoming[0].update_id], "stored before, under the same id"


async def test_a_retry_ten_minutes_later_is_accepted_once(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler)
    event = oa_fake.text_event("u-1", "12")
    event["timestamp"] = str(int(time.time() * 1000) - 600_000)  # first sent 10 minutes ago
    assert await oa_fake.post_event(url, event) == 200
    assert await oa_fake.post_event(url, event) == 200, "Zalo's retry is answered 200"
    assert [m.text for m in handler.incoming] == ["12"]
    forged = {**event, "message": {**event["message"], "text": "99"}}
    signature = oa_fake.sign(json.dumps(event).encode(), event["timestamp"])
    assert await oa_fake.post_event(url, forged, signature=signature) == 403
    assert [m.text for m in handler.incoming] == ["12"]


async def test_an_event_without_msg_id_is_recognised_by_its_signed_body(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    handler = ScriptedHandler(lambda m: [])
    _, url = await oa(handler)
    event = oa_fake.event("user_send_location", "u-1")
    del event["message"]["msg_id"]
    assert await oa_fake.post_event(url, event) == 200
    assert await oa_fake.post_event(url, event) == 200
    assert len(handler.incoming) == 1
    assert handler.incoming[0].update_id and "sha256:" in handler.incoming[0].update_id


async def test_an_unknown_event_past_the_retry_horizon_is_refused(
    oa_fake: FakeZaloOa, oa: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler)
    fresh = oa_fake.text_event("u-1", "1")
    fresh["timestamp"] = str(int(time.time() * 1000) - 12 * HOUR_MS)  # Zalo's last retries
    assert await oa_fake.post_event(url, fresh) == 200
    old = oa_fake.text_event("u-1", "2")
    old["timestamp"] = str(int(time.time() * 1000) - 14 * HOUR_MS)
    with caplog.at_level(logging.WARNING):
        assert await oa_fake.post_event(url, old) == 403
    assert "retry horizon" in caplog.text
    assert [m.text for m in handler.incoming] == ["1"]


async def test_verification_post_and_get_answer_200_and_change_nothing(
    oa_fake: FakeZaloOa, oa: Callable[..., Any]
) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler)
    assert await oa_fake.verify_webhook(url) == 200
    async with oa_fake.client.get(url) as response:
        assert response.status == 200
    assert await oa_fake.post_event(url, {"a": 1}, signed=False) == 401
    assert handler.incoming == [] and oa_fake.sent == []


def _nested(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


async def test_hostile_bodies_get_a_4xx_and_one_warning_line(
    oa_fake: FakeZaloOa, oa: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    handler = ScriptedHandler()
    _, url = await oa(handler)
    timestamp = str(int(time.time() * 1000))
    deep = _nested(10_000)  # 60 kB: within the size bound
    signed_deep = b'{"timestamp":"' + timestamp.encode() + b'","x":' + _nested(5_000) + b"}"
    objects = json.dumps(
        {**oa_fake.text_event("u-1", "1"), "sender": {"id": {"$ne": 1}}, "timestamp": timestamp}
    ).encode()
    cases = [
        (deep, oa_fake.sign(deep, timestamp), 403),  # no signed timestamp: refused unparsed
        (signed_deep, oa_fake.sign(signed_deep, timestamp), 400),
        (objects, oa_fake.sign(objects, timestamp), 400),
        (b"\xff\xfe not json", oa_fake.sign(b"\xff\xfe not json", timestamp), 403),
        (b"x" * 70_000, "mac=00", 413),
    ]
    for body, signature, status in cases:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            assert await oa_fake.post_event(url, {}, body=body, signature=signature) == status
        lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(lines) == 1, [r.getMessage() for r in lines]
        assert "Traceback" not in caplog.text and lines[0].exc_info is None
    assert handler.incoming == []


def _children(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(st.none() | st.integers() | st.text(max_size=5), _children, max_leaves=40))
def test_json_depth_matches_the_parsed_value(value: Any) -> None:
    raw = json.dumps(value).encode()
    assert json_depth(raw, 1000) == _depth(value)
    assert too_deep(raw, 2) == (_depth(value) > 2)


def _depth(value: Any) -> int:
    """The nesting of a parsed value, counted independently of `json_depth`."""
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


async def test_a_slow_client_body_is_bounded(oa_fake: FakeZaloOa, oa: Callable[..., Any]) -> None:
    _, url = await oa(ScriptedHandler())

    async def chunks() -> Any:
        for _ in range(10):
            yield b"x" * 10_000

    headers = {"X-ZEvent-Signature": "mac=0"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=chunks(), headers=headers) as response,
    ):
        assert response.status == 413  # counted while reading, not trusted from a header
