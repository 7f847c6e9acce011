"""Telegram's flood control, as the fake Bot API enforces it (`FakeTelegram.limit_rate`).

What Telegram says (Bot FAQ, core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-
avoid-this): "In a single chat, avoid sending more than one message per second. We may allow
short bursts that go over this limit, but eventually you'll begin receiving 429 errors";
"If you're sending bulk notifications to multiple users, the API will not allow more than 30
messages per second or so"; "Your bot will not be able to send more than 20 messages per minute
to the same group." The exact algorithm is not published (grammy.dev/advanced/flood.html: "They
are unspecified"), so each limit is modelled the way its sentence reads:

- one chat: a token bucket of `chat_burst` messages refilled at `chat_per_second` ("short
  bursts ... eventually 429"). The FAQ gives no burst size: 3 by default, configurable;
- one group (a negative chat id): at most `group_per_window` messages in any `group_window`
  seconds, a sliding window ("20 messages per minute"), on top of the per-chat bucket;
- the whole bot: a bucket of `per_second` messages refilled at `per_second` ("30 per second").

Edits count like sends: clicking inline buttons that edit one message gets RetryAfter
(python-telegram-bot/python-telegram-bot#939: "Click consequentially exactly 20 times on
various Inline buttons to edit the same message"; m1guelpf/chatgpt-telegram#63: "Couldn't edit
message: Too Many Requests: retry after 210"), and Telegram's own people gave 20 edits a minute
per group (grammyjs/website#1076, citing t.me/tdlibchat/146123). So every `send*`, `edit*`,
`copyMessage` and `forwardMessage` is counted; chat actions, callback answers and reads are not.

Telegram remembers: what a bot sent before the limits were switched on (or before it restarted)
still counts, so the buckets are replayed from the whole history of the fake, not started full
when `limit_rate` is called. A refused call is not counted (nothing documents that it is).

The answer to a call over a limit is Telegram's: HTTP 429, `{"ok": false, "error_code": 429,
"description": "Too Many Requests: retry after N", "parameters": {"retry_after": N}}`, N a
whole number of seconds (core.telegram.org/bots/api#responseparameters: "retry_after: In case
of exceeding flood control, the number of seconds left to wait before the request can be
repeated"), the time until the call would pass, rounded up.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

COUNTED_PREFIXES = ("send", "edit", "copymessage", "forwardmessage")
NOT_COUNTED = frozenset({"sendchataction"})


def counted(method: str) -> bool:
    """Whether a Bot API method puts or changes a message in a chat (flood-controlled)."""
    name = method.lower()
    return name.startswith(COUNTED_PREFIXES) and name not in NOT_COUNTED


@dataclass
class Limits:
    """The limits enforced; the defaults are the Bot FAQ's numbers."""

    per_second: float = 30.0
    chat_per_second: float = 1.0
    chat_burst: float = 3.0
    group_per_window: int = 20
    group_window: float = 60.0


@dataclass
class _Bucket:
    rate: float
    size: float
    tokens: float = 0.0
    stamp: float | None = None

    def level(self, now: float) -> float:
        if self.stamp is None:
            return self.size
        return min(self.size, self.tokens + (now - self.stamp) * self.rate)

    def take(self, now: float) -> None:
        # Past traffic may have left the bucket in debt (below zero): Telegram remembers it.
        self.tokens = self.level(now) - 1.0
        self.stamp = now

    def wait(self, now: float) -> float:
        return max(0.0, (1.0 - self.level(now)) / self.rate)


@dataclass
class FloodControl:
    """Counts every flood-controlled call; refuses the ones over `limits` once enabled."""

    limits: Limits | None = None
    refusals: int = 0
    refused: list[tuple[int, str, int]] = field(default_factory=list)  # chat, method, wait
    _global: _Bucket | None = None
    _chats: dict[int, _Bucket] = field(default_factory=dict)
    _groups: dict[int, deque[float]] = field(default_factory=dict)
    _history: list[tuple[int, float]] = field(default_factory=list)

    def enable(self, limits: Limits) -> None:
        """Enforce `limits` from now on, counting everything already sent."""
        self.limits = limits
        self._global = None
        self._chats.clear()
        self._groups.clear()
        for chat, at in self._history:
            self._count(chat, at)

    def check(self, method: str, chat: int | None, now: float) -> int | None:
        """The retry_after (whole seconds) to answer when this call is over a limit, else None."""
        if self.limits is None or chat is None or not counted(method):
            return None
        wait = max(
            self._global_bucket().wait(now),
            self._chat_bucket(chat).wait(now),
            self._group_wait(chat, now),
        )
        if wait <= 0:
            return None
        retry_after = max(1, math.ceil(wait))
        self.refusals += 1
        self.refused.append((chat, method, retry_after))
        return retry_after

    def record(self, method: str, chat: int | None, now: float) -> None:
        """Count a call that Telegram carried out."""
        if chat is None or not counted(method):
            return
        self._history.append((chat, now))
        if self.limits is not None:
            self._count(chat, now)

    def _count(self, chat: int, at: float) -> None:
        self._global_bucket().take(at)
        self._chat_bucket(chat).take(at)
        if chat < 0:
            self._group_window(chat).append(at)

    def _global_bucket(self) -> _Bucket:
        assert self.limits is not None
        if self._global is None:
            rate = self.limits.per_second
            self._global = _Bucket(rate, max(1.0, rate))
        return self._global

    def _chat_bucket(self, chat: int) -> _Bucket:
        assert self.limits is not None
        bucket = self._chats.get(chat)
        if bucket is None:
            rate, size = self.limits.chat_per_second, max(1.0, self.limits.chat_burst)
            bucket = self._chats[chat] = _Bucket(rate, size)
        return bucket

    def _group_window(self, chat: int) -> deque[float]:
        return self._groups.setdefault(chat, deque())

    def _group_wait(self, chat: int, now: float) -> float:
        assert self.limits is not None
        if chat >= 0:
            return 0.0
        window = self._group_window(chat)
        span = self.limits.group_window
        while window and window[0] <= now - span:
            window.popleft()
        if len(window) < self.limits.group_per_window:
            return 0.0
        return window[-self.limits.group_per_window] + span - now
