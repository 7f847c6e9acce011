"""The OA's 7-day messaging window (error -230): the fake plays it, the connector reports it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from connectors.base import Address, ConnectorContext, DeliveryError, Outgoing
from connectors.zalo_oa import MessagingWindowError, ZaloOaConnector, create
from tests.fakes._server import AppServer, ScriptedHandler
from tests.fakes.zalo_oa import FakeZaloOa

WEEK = 7 * 86400.0


@pytest.fixture
def clock() -> AsyncIterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


async def test_a_reminder_past_seven_days_of_silence_is_refused_as_outside_the_window(
    clock: time_machine.Traveller, tmp_path: Path
) -> None:
    async with FakeZaloOa(window=WEEK) as fake:
        access, refresh = fake.issue_tokens()
        server = AppServer()
        context = ConnectorContext(
            handler=ScriptedHandler(),
            env=fake.env(refresh, access),
            config={"token_store": "memory", "retry_base": 0.01},
            web_app=server.app,
            media_dir=tmp_path,
        )
        connector = create(context)
        assert isinstance(connector, ZaloOaConnector)
        await connector.start()
        try:
            fake.text_event("u-quiet", "xin chào")  # both wrote to the OA today
            fake.text_event("u-active", "xin chào")
            clock.shift(timedelta(days=6))
            fake.text_event("u-active", "15")  # one of them wrote again
            clock.shift(timedelta(days=2))  # 8 days after the first message
            await connector.send(Address("zalo_oa", "u-active", "u-active"), [Outgoing("Nhắc")])
            with pytest.raises(MessagingWindowError) as caught:
                await connector.send(Address("zalo_oa", "u-quiet", "u-quiet"), [Outgoing("Nhắc")])
            assert isinstance(caught.value, DeliveryError) and caught.value.code == -230
            assert fake.texts() == ["Nhắc"]
        finally:
            await connector.stop(timeout=5)
