"""Client-side request budget and retry policy for outside APIs (Google Sheets' quota).

Google counts requests per minute per user and answers 429 beyond the quota; staying under it
ourselves is cheaper than being refused. Failures that may pass (429, 5xx, timeouts) are
retried with exponential backoff and jitter, up to a cap, then given up loudly so the caller
keeps its work for later instead of blocking for ever.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """Allow at most `max_calls` acquisitions in any sliding window of `period_s` seconds."""

    def __init__(
        self,
        max_calls: int,
        period_s: float = 60.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_calls < 1:
            raise ValueError("max_calls must be at least 1")
        self.max_calls = max_calls
        self.period_s = period_s
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()
        self.waited_s = 0.0

    def _forget_old(self, now: float) -> None:
        while self._stamps and self._stamps[0] <= now - self.period_s:
            self._stamps.popleft()

    async def acquire(self) -> None:
        """Wait until one more call fits in the window, then count it."""
        async with self._lock:
            while True:
                now = self._clock()
                self._forget_old(now)
                if len(self._stamps) < self.max_calls:
                    self._stamps.append(now)
                    return
                wait = self._stamps[0] + self.period_s - now
                self.waited_s += wait
                await self._sleep(wait)

    def available(self) -> int:
        """Return how many calls would pass right now without waiting."""
        self._forget_old(self._clock())
        return self.max_calls - len(self._stamps)


class RetryGaveUp(Exception):
    """Every attempt failed with a transient error; the last one is the `__cause__`."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter: attempt n waits between d/2 and d, d = base·2ⁿ ≤ cap."""

    attempts: int = 5
    base_s: float = 1.0
    cap_s: float = 32.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Return the pause before retry number `attempt` (0 for the first retry)."""
        ceiling = min(self.cap_s, self.base_s * (2**attempt))
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


async def retry_call(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    retry_after: Callable[[BaseException], float | None],
    *,
    sleep: Sleep = asyncio.sleep,
    rng: random.Random | None = None,
) -> T:
    """Run `call`, retrying while `retry_after(error)` says the error is transient.

    `retry_after` returns None for an error that must not be retried (raised at once), 0 to
    use the policy's backoff, or a positive server-suggested pause (capped by the policy).
    Raises `RetryGaveUp` from the last error when every attempt failed.
    """
    attempts = max(1, policy.attempts)
    for attempt in range(attempts):
        try:
            return await call()
        except Exception as error:
            hint = retry_after(error)
            if hint is None:
                raise
            if attempt + 1 >= attempts:
                raise RetryGaveUp(f"gave up after {attempts} attempts") from error
            pause = min(policy.cap_s, hint) if hint > 0 else policy.delay(attempt, rng)
            await sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover
