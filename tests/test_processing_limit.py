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


async def test_no_more_updates_are_handled_at_once_than_the_limit(
    limited: ConversationService,
) -> None:
    inside = 0
    peak = 0
    entered = 0
    go = asyncio.Event()

    async def hold(inbound: Inbound, call_next: object) -> list[Outgoing]:
        nonlocal inside, peak, entered
        inside += 1
        entered += 1
        peak = max(peak, inside)
        try:
            await go.wait()  # every update held here until two are inside
            return await call_next(inbound)  # type: ignore[operator]
        finally:
            inside -= 1

    limited.use(hold)
    messages = [
        Incoming("console", f"u-{code}", f"u-{code}", text="/baocao", update_id=str(n))
        for n, code in enumerate(PEOPLE)
    ]
    handled = asyncio.gather(*(limited(m) for m in messages))
    deadline = asyncio.get_running_loop().time() + 10
    while entered < 2:
        assert asyncio.get_running_loop().time() < deadline, "two updates never got in"
        await asyncio.sleep(0.01)
    go.set()
    replies = await asyncio.wait_for(handled, 30)
    assert peak == 2
    assert entered == 4
    assert all(r and "Chọn báo cáo" in r[0].text for r in replies)


def test_the_limit_is_a_whole_number_above_zero() -> None:
    assert load_settings({}, config_file=None).processing_limit == 8
    env = {"REPORTBOT_PROCESSING_LIMIT": "3"}
    assert load_settings(env, config_file=None).processing_limit == 3
    with pytest.raises(ConfigError, match="không phải số nguyên lớn hơn 0"):
        load_settings({"REPORTBOT_PROCESSING_LIMIT": "0"}, config_file=None)
    with pytest.raises(ConfigError, match="is not a whole number above 0"):
        load_settings(
            {"REPORTBOT_PROCESSING_LIMIT": "many", "REPORTBOT_LOCALE": "en"}, config_file=None
        )
