"""Rate limiting for outgoing calls: a token bucket (bursts allowed) and an even pacer.

Both read the running event loop's clock (`asyncio.get_running_loop().time()`), so they agree
with `asyncio.sleep` and with each other. Neither keeps a task or a handle: an idle limiter is
just a few numbers and may be forgotten.
"""

from __future__ import annotations

import asyncio
from collections import deque


def _now() -> float:
    return asyncio.get_running_loop().time()


class TokenBucket:
    """At most `rate` events per second on average, with bursts of up to `burst` at once.

    A caller takes its token at once and, when that leaves the bucket in debt, sleeps until the
    debt is paid back; concurrent callers thus queue up behind each other in arrival order.
    """

    def __init__(self, rate: float, burst: float = 1.0) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = max(1.0, float(burst))
        self._tokens = self.burst
        self._stamp: float | None = None

    def _refill(self, now: float) -> float:
        if self._stamp is None:
            return self.burst
        return min(self.burst, self._tokens + (now - self._stamp) * self.rate)

    def full(self, now: float | None = None) -> bool:
        """True when the bucket holds a whole burst again: it is the same as a new one."""
        return self._refill(_now() if now is None else now) >= self.burst

    async def acquire(self) -> None:
        """Wait until one event may happen now."""
        now = _now()
        self._tokens = self._refill(now) - 1.0
        self._stamp = now
        if self._tokens < 0:
            await asyncio.sleep(-self._tokens / self.rate)

    async def ready(self) -> None:
        """Wait until a token is there without taking it; `spend` takes it afterwards.

        For one sender at a time (a chat's worker): the token is spent when the platform has
        answered, so the platform, which counts on arrival, never sees two events closer than
        this bucket allows, however long each request took to travel.
        """
        level = self._refill(_now())
        if level < 1.0:
            await asyncio.sleep((1.0 - level) / self.rate)

    def spend(self) -> None:
        """Take a token now (after the event it paid for)."""
        now = _now()
        self._tokens = self._refill(now) - 1.0
        self._stamp = now

    def pause(self, seconds: float) -> None:
        """The platform said wait `seconds`: one token then, and the steady rate after it."""
        now = _now()
        self._tokens = min(self._refill(now), 1.0 - seconds * self.rate)
        self._stamp = now


class SlidingWindow:
    """At most `count` events in any `seconds`-long window ("20 messages per minute").

    Events are recorded when they ended (`record`), for one sender at a time, so the platform,
    which counts on arrival, sees them no closer together than this window allows.
    """

    def __init__(self, count: int, seconds: float) -> None:
        self.count = max(1, count)
        self.seconds = seconds
        self._times: deque[float] = deque(maxlen=self.count)

    async def ready(self) -> None:
        """Wait until one more event fits in the window."""
        while len(self._times) >= self.count:
            wait = self._times[0] + self.seconds - _now()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    def record(self) -> None:
        """Count an event that just happened."""
        self._times.append(_now())

    def pause(self, seconds: float) -> None:
        """The platform said wait `seconds`: the window is full until then, then frees evenly."""
        start = _now() + seconds - self.seconds
        step = self.seconds / self.count
        self._times.clear()
        self._times.extend(start + index * step for index in range(self.count))

    def idle(self, now: float) -> bool:
        """True when nothing recorded is still inside the window: the same as a new one."""
        return not self._times or self._times[-1] <= now - self.seconds


class Pacer:
    """Spaces events at least `1 / per_second` apart (no burst); None or 0 means no limit.

    Each caller reserves the next free slot before sleeping, so concurrent callers share the
    rate exactly and an idle pacer never saves up a burst; and a grant comes at least one
    interval after the grant before it, so callers whose slots passed while the event loop was
    stalled do not all go in the same turn (the platform counts what arrives).
    """

    def __init__(self, per_second: float | None) -> None:
        self.interval = 0.0
        self.set_rate(per_second)
        self._next = 0.0
        self._granted = float("-inf")

    def set_rate(self, per_second: float | None) -> None:
        """Space the slots reserved from now on `1 / per_second` apart (None or 0: no limit)."""
        self.interval = 1.0 / per_second if per_second and per_second > 0 else 0.0

    async def acquire(self) -> None:
        """Return at this caller's slot, one interval at least after the last grant."""
        now = _now()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)
        if not self.interval:
            return
        while (early := self._granted + self.interval - _now()) > 0:
            await asyncio.sleep(early)  # woken late, with others: one of them goes first
        self._granted = _now()
        self._next = max(self._next, self._granted + self.interval)

    def pause(self, seconds: float) -> None:
        """Hold every caller back for `seconds` (the platform asked us to slow down)."""
        self._next = max(self._next, _now() + seconds)
