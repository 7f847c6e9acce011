"""A pacer never releases several sends at once after a stalled event loop.

Found in a loaded CI run: 12 reminder sends within a quarter second at 40/s. Each caller
reserved its slot at a fixed clock time; when the loop stalled (a busy machine, a slow
synchronous call) every caller whose slot had passed woke in the same turn. The platform
counts what arrives, so the grants must be spaced by when they are given, not when they were
planned. A stall is made for real here (the loop is blocked 150 ms); more load only spreads
the grants further, so the test cannot pass by luck.
"""

from __future__ import annotations

import asyncio
import itertools
import time

from connectors.pacing import Pacer

RATE = 40.0


async def test_grants_stay_one_interval_apart_after_a_stall() -> None:
    pacer, stamps = Pacer(RATE), []

    async def one() -> None:
        await pacer.acquire()
        stamps.append(asyncio.get_running_loop().time())

    tasks = [asyncio.create_task(one()) for _ in range(24)]
    await asyncio.sleep(0.1)
    time.sleep(0.15)  # the stall: the loop runs nothing for 150 ms
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    stamps.sort()
    gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    assert len(stamps) == 24 and min(gaps) >= 0.99 / RATE, sorted(gaps)[:3]
