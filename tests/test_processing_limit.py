"""A bound on the updates handled at once, so that the event loop stays free to answer
webhooks (REPORTBOT_PROCESSING_LIMIT)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from connectors.base import Incoming, Outgoing
from reportbot.config import ConfigError, load_settings
from reportbot.routing.inbound import Inbound
from reportbot.service import ConversationService
from tests.conftest import TZ, FakeClock

PEOPLE = ("hoiphunu", "th_dakpxi", "cns_thon1", "vhxh")  # seed_commune's officers


@pytest.fixture
async def limited(db: str, clock: FakeClock) -> AsyncIterator[ConversationService]:
    """The service over the seeded commune, handling at most two updates at once."""
    from tests.support import load_shipped_forms, seed_commune

    await seed_commune()
    await load_shipped_forms()
    conversation = ConversationService(TZ, clock=clock, processing_limit=2)
    await conversation.start()
    yield conversation
    await conversation.close()


async def test_no_more_acknowledged_updates_are_handled_at_once_than_the_limit(
    limited: ConversationService,
) -> None:
    inside: set[str] = set()
    peak_acknowledged = 0
    go = asyncio.Event()

    async def hold(inbound: Inbound, call_next: object) -> list[Outgoing]:
        nonlocal peak_acknowledged
        update = inbound.message.update_id or ""
        inside.add(update)
        peak_acknowledged = max(peak_acknowledged, len(inside - {"waits"}))
        try:
            await go.wait()  # every update held here until the test lets them go
            return await call_next(inbound)  # type: ignore[operator]
        finally:
            inside.discard(update)

    limited.use(hold)
    # Three updates a Zalo webhook stored and acknowledged before handing them over ...
    acknowledged = [
        Incoming("console", f"u-{code}", f"u-{code}", text="/baocao", update_id=str(n))
        for n, code in enumerate(PEOPLE[:3])
    ]
    for message in acknowledged:
        await limited.accept(message)
    handled = [asyncio.ensure_future(limited(m)) for m in acknowledged]
    # ... and one whose webhook waits for its handling (Telegram's): not held back.
    waits = Incoming("console", "u-vhxh", "u-vhxh", text="/baocao", update_id="waits")
    handled.append(asyncio.ensure_future(limited(waits)))
    deadline = asyncio.get_running_loop().time() + 10
    while len(inside) < 3:
        assert asyncio.get_running_loop().time() < deadline, f"only {sorted(inside)} got in"
        await asyncio.sleep(0.01)
    assert "waits" in inside  # two acknowledged ones and the waiting one
    go.set()
    replies = await asyncio.wait_for(asyncio.gather(*handled), 30)
    assert peak_acknowledged == 2
    assert all(r and "Chọn báo cáo" in r[0].text for r in replies)


def test_the_limit_is_a_whole_number_above_zero() -> None:
    assert load_settings({}, config_file=None).processing_limit == 8
    env = {"REPORTBOT_PROCESSING_LIMIT": "3"}
    assert load_settings(env, config_file=None).processing_limit == 3
    with pytest.raises(ConfigError, match="REPORTBOT_PROCESSING_LIMIT: cần một số lớn hơn 0"):
        load_settings({"REPORTBOT_PROCESSING_LIMIT": "0"}, config_file=None)
    with pytest.raises(
        ConfigError, match="REPORTBOT_PROCESSING_LIMIT: expected a number greater than 0"
    ):
        load_settings(
            {"REPORTBOT_PROCESSING_LIMIT": "many", "REPORTBOT_LOCALE": "en"}, config_file=None
        )
