"""The one send queue of every connector: pacing, order per chat, one retry policy.

Telegram, Zalo Bot and Zalo OA all deliver through `SendQueue`. A platform gives it calls (a
coroutine function per message) and a classifier that reads the platform's own error into one
of three verdicts; everything else is decided here, once:

- **Order**: each chat has one FIFO and one worker, so a chat's messages leave in the order they
  were queued, and a message being retried holds back only its own chat.
- **Pacing**: a global pacer spaces calls evenly (no burst) at `global_rate` (times `share()`,
  this process's part when several spend one budget); each chat has a token bucket
  (`chat_rate` per second, bursts of `chat_burst`), and a group (`is_group`) also a sliding
  window (`group_limit` calls per `group_window` seconds). A chat's bucket outlives its queue:
  a chat that just received a burst and went idle is still in debt when its next messages come
  (it is forgotten only once full again, when it is the same as a new one). A chat's allowance
  is spent when the platform answered, so however long a request travelled the platform never
  sees them closer together; after a rate-limit answer the chat resumes at its steady rate.
- **Retries**: `Retry` (network errors, 5xx, rate limits, what a platform says may pass) waits
  the server's `retry_after` or an exponential backoff and tries again; `Fail` (bad token,
  unknown chat, text too long, a non-JSON 4xx page) ends the message at once with
  `DeliveryError`; `Uncertain` (the request left but its answer timed out, so the platform may
  have delivered it) is retried for a reply (a duplicate beats a lost answer) and ends a message
  submitted with ``retry_uncertain=False`` (a reminder) with `DeliveryUncertain`, so that its
  caller does not send it again blindly.
- **Superseded edits**: a call submitted with ``replaces`` (an edit showing a message's whole
  new state) settles every queued call of the chat whose ``key`` it names and that was not
  tried yet, with None, without sending it: an officer ticking twelve boxes needs the last
  keyboard, not twelve edits at one a second holding back the next question. The newest call
  is always kept and calls without a key (sends) are never touched, so the order of sends holds.
- **Cancel-safe hand-off**: a caller that stops waiting (its future is cancelled) never blocks
  the chat: the message is dropped before its next attempt, an attempt in flight finishes and
  its result is discarded, and the worker goes on with the next message. Nothing a call raises
  can kill a chat's worker.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Hashable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from connectors.base import DeliveryError
from connectors.pacing import Pacer, SlidingWindow, TokenBucket

log = logging.getLogger(__name__)

Call = Callable[[], Awaitable[Any]]
Share = Callable[[], float]
MAX_IDLE_BUCKETS = 4096


class DeliveryUncertain(Exception):
    """The request was sent but its answer never came: the message may have been delivered.

    Deliberately not a `DeliveryError`: the person was not refused, so a caller must neither
    try another route nor resend blindly (a reminder stays 'sending', as after a crash).
    """


class RetryableError(Exception):
    """A call failed for a reason that may pass: network, server error, rate limit.

    `retry_after` is the wait the server asked for, if any; `rate_limited` pauses every
    chat, not only the one that hit the limit.
    """

    def __init__(
        self, reason: str, *, retry_after: float | None = None, rate_limited: bool = False
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class AnswerTimeout(RetryableError):
    """A request timed out after it was sent: the platform may have acted on it."""


@dataclass(frozen=True, slots=True)
class Retry:
    """Try the same call again: after `after` seconds if the platform said so, else backoff.

    `everywhere` holds back every chat (a rate limit on the whole bot), not only this one.
    """

    reason: str
    after: float | None = None
    everywhere: bool = False


@dataclass(frozen=True, slots=True)
class Fail:
    """Give the message up at once: retrying cannot change the answer."""

    error: DeliveryError


@dataclass(frozen=True, slots=True)
class Uncertain:
    """The answer timed out: the platform may or may not have the message."""

    reason: str


Verdict = Retry | Fail | Uncertain
Classifier = Callable[[BaseException], Verdict | None]


def classify_common(error: BaseException) -> Verdict:
    """What every platform shares: refusals fail, timeouts are uncertain, network errors retry.

    A connection that timed out before the request left (aiohttp's `ConnectionTimeoutError`)
    is safe to retry; any other timeout happened after sending.
    """
    if isinstance(error, DeliveryError):
        return Fail(error)
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        return Retry(f"connect timeout: {error}")
    if isinstance(error, AnswerTimeout | TimeoutError):
        return Uncertain(str(error) or "the answer timed out")
    if isinstance(error, aiohttp.ClientError | ConnectionError):
        return Retry(f"{type(error).__name__}: {error}")
    if isinstance(error, RetryableError):
        return Retry(str(error), error.retry_after, everywhere=error.rate_limited)
    return Fail(DeliveryError(f"unexpected error: {type(error).__name__}"))


@dataclass(frozen=True, slots=True)
class SendPolicy:
    """Rates (messages per second), bursts and retry timing of one queue."""

    global_rate: float = 30.0
    chat_rate: float = 1.0
    chat_burst: float = 3.0
    group_limit: int | None = None  # calls per `group_window` in one group (None: no limit)
    group_window: float = 60.0
    retry_base: float = 0.5
    retry_max: float = 30.0
    max_attempts: int | None = None  # None: retry until delivered or the queue is closed

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based): doubling from the base, jittered."""
        raw = min(self.retry_max, self.retry_base * 2 ** min(attempt - 1, 30))
        return raw * (0.75 + random.random() / 2)


@dataclass(slots=True)
class _Job:
    call: Call
    future: asyncio.Future[Any]
    counts: bool
    retry_uncertain: bool
    key: Hashable | None = None
    attempts: int = 0


@dataclass(slots=True)
class _Chat:
    jobs: deque[_Job] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None


class SendQueue:
    """Paced, ordered, retrying delivery of one platform's calls (see the module docstring)."""

    def __init__(
        self, classify: Classifier, policy: SendPolicy | None = None, *, name: str = "send",
        share: Share | None = None,
    ) -> None:  # fmt: skip
        self._classify = classify
        self.policy = policy or SendPolicy()
        self.name = name
        self._share = share  # read before each call: the other processes come and go
        self._global = Pacer(self.policy.global_rate)
        self._chats: dict[str, _Chat] = {}
        self._buckets: dict[str, TokenBucket] = {}
        self._windows: dict[str, SlidingWindow] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self._closed = False

    def submit(
        self,
        chat_id: str,
        call: Call,
        *,
        counts: bool = True,
        retry_uncertain: bool = True,
        key: Hashable | None = None,
        replaces: Collection[Hashable] = (),
    ) -> asyncio.Future[Any]:
        """Queue one call for a chat; its future holds the call's result or the failure.

        `counts`: whether it uses the chat's allowance (everything that changes a chat does).
        `retry_uncertain`: False for a message whose duplicate is worse than a doubt (a
        reminder): a timed-out answer then ends it with `DeliveryUncertain`.
        `key` names what the call changes (an edit of one message); `replaces`: the keys whose
        queued, untried calls this one makes pointless (they end with None, unsent).
        """
        if self._closed:
            raise DeliveryError(f"the {self.name} send queue is stopped")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        # Replies are fire-and-forget: mark failures as retrieved so asyncio stays quiet.
        future.add_done_callback(_retrieve)
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
        if replaces:
            _supersede(chat.jobs, replaces)
        chat.jobs.append(_Job(call, future, counts, retry_uncertain, key))
        if chat.worker is None:
            self._idle.clear()
            chat.worker = asyncio.create_task(self._work(chat_id, chat), name=f"{self.name}-send")
        return future

    @property
    def pending(self) -> int:
        """How many calls are queued or in flight."""
        return sum(len(chat.jobs) for chat in self._chats.values())

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until everything queued is finished; False if `timeout` passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self, timeout: float = 30.0) -> None:
        """Refuse new calls, deliver what is queued, then give up on what is left."""
        self._closed = True
        if await self.drain(timeout):
            return
        log.error("%s: %d message(s) still undelivered at shutdown", self.name, self.pending)
        for chat in list(self._chats.values()):
            if chat.worker is not None:
                chat.worker.cancel()
            for job in chat.jobs:
                _finish(job.future, exception=DeliveryError("not delivered before shutdown"))
            chat.jobs.clear()
        self._chats.clear()
        self._idle.set()

    async def _work(self, chat_id: str, chat: _Chat) -> None:
        try:
            while chat.jobs:
                job = chat.jobs[0]
                try:
                    done = await self._step(chat_id, job)
                except asyncio.CancelledError:
                    raise
                except Exception as error:  # a bug in a classifier must not kill the chat
                    log.exception("%s: sending to chat %s failed unexpectedly", self.name, chat_id)
                    _finish(job.future, exception=DeliveryError(repr(error)))
                    done = True
                if done:
                    chat.jobs.popleft()
        finally:
            chat.worker = None
            if not chat.jobs and self._chats.get(chat_id) is chat:
                del self._chats[chat_id]
            if not self._chats:
                self._idle.set()

    async def _step(self, chat_id: str, job: _Job) -> bool:
        """Pace and try a job once (waiting before a retry); True when it is finished."""
        if job.future.done():  # its caller stopped waiting: do not send it at all
            return True
        bucket = self._bucket(chat_id) if job.counts else None
        window = self._window(chat_id) if job.counts else None
        if bucket is not None:
            await bucket.ready()
        if window is not None:
            await window.ready()
        if self._share is not None:
            self._global.set_rate(self.policy.global_rate * self._share())
        await self._global.acquire()
        if job.future.done():
            return True
        job.attempts += 1
        try:
            result = await job.call()
        except Exception as error:
            verdict = self._classify(error) or classify_common(error)
        else:
            _finish(job.future, result=result)
            return True
        finally:
            if bucket is not None:
                bucket.spend()
            if window is not None:
                window.record()
        return await self._judge(chat_id, job, verdict)

    async def _judge(self, chat_id: str, job: _Job, verdict: Verdict) -> bool:
        """Act on a failed attempt's verdict; True when the job is finished."""
        if isinstance(verdict, Fail):
            log.warning("%s refused a message to chat %s: %s", self.name, chat_id, verdict.error)
            _finish(job.future, exception=verdict.error)
            return True
        if isinstance(verdict, Uncertain) and not job.retry_uncertain:
            log.warning(
                "%s: no answer for a message to chat %s; it may have arrived, not resent: %s",
                self.name,
                chat_id,
                verdict.reason,
            )
            _finish(job.future, exception=DeliveryUncertain(verdict.reason))
            return True
        limit = self.policy.max_attempts
        if limit is not None and job.attempts >= limit:
            log.error("%s: gave up on chat %s after %d attempts", self.name, chat_id, job.attempts)
            _finish(job.future, exception=DeliveryError(f"gave up after {job.attempts} attempts"))
            return True
        after = verdict.after if isinstance(verdict, Retry) else None
        delay = after if after is not None else self.policy.backoff(job.attempts)
        if isinstance(verdict, Retry) and verdict.everywhere and after is not None:
            self._global.pause(after)
        elif isinstance(verdict, Retry) and after is not None:
            self._slow_down(chat_id, after)
        log.warning(
            "%s to chat %s failed (attempt %d), retrying in %.2fs: %s",
            self.name,
            chat_id,
            job.attempts,
            delay,
            verdict.reason,
        )
        await asyncio.sleep(delay)
        return job.future.done()  # cancelled meanwhile: dropped, the chat goes on

    def is_group(self, chat_id: str) -> bool:
        """Whether a chat is a group (with `group_limit`); a platform's queue says."""
        return False

    def _slow_down(self, chat_id: str, after: float) -> None:
        """The platform refused this chat for `after` s: after that, only the steady rate."""
        self._bucket(chat_id).pause(after)
        window = self._window(chat_id)
        if window is not None:
            window.pause(after)

    def _window(self, chat_id: str) -> SlidingWindow | None:
        limit = self.policy.group_limit
        if not limit or not self.is_group(chat_id):
            return None
        window = self._windows.get(chat_id)
        if window is None:
            if len(self._windows) >= MAX_IDLE_BUCKETS:
                now = asyncio.get_running_loop().time()
                self._windows = {k: w for k, w in self._windows.items() if not w.idle(now)}
            window = self._windows[chat_id] = SlidingWindow(limit, self.policy.group_window)
        return window

    def _bucket(self, chat_id: str) -> TokenBucket:
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            if len(self._buckets) >= MAX_IDLE_BUCKETS:
                # A full bucket is the same as a new one, so those can be forgotten.
                now = asyncio.get_running_loop().time()
                self._buckets = {k: b for k, b in self._buckets.items() if not b.full(now)}
            rate, burst = self.policy.chat_rate, self.policy.chat_burst
            bucket = self._buckets[chat_id] = TokenBucket(rate, burst)
        return bucket


def _supersede(jobs: deque[_Job], replaces: Collection[Hashable]) -> None:
    """Settle the untried jobs whose key is in `replaces`; the worker skips them.

    They stay in the deque (the head may be the worker's current job, which it pops itself);
    a job tried once (`attempts`) may be on its way or already shown, so it is left alone.
    """
    for job in jobs:
        if job.key is not None and job.key in replaces and job.attempts == 0:
            _finish(job.future, result=None)


def _finish(
    future: asyncio.Future[Any], *, result: Any = None, exception: BaseException | None = None
) -> None:
    """Settle a future unless its caller already gave up on it (cancelled)."""
    if future.done():
        return
    if exception is not None:
        future.set_exception(exception)
    else:
        future.set_result(result)


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
