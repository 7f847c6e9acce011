"""The poller's health where an administrator looks: `reportbot status` and the digest.

`/healthz` asks the running connector (`TelegramConnector.health`); `reportbot status` runs in
another process, so the problem is also kept under `WARNING_KEY` of the connector's durable
`kv` (as the Zalo OA connector keeps its token problem): written when the poller turns
unhealthy, removed when updates come in again, and only when it changed.
"""

from __future__ import annotations

import asyncio
import logging

from connectors.base import WARNING_KEY, KeyValue

log = logging.getLogger(__name__)


def poller_warning(failures: int, error: str | None, locale: str = "vi") -> str:
    """One line for an administrator, in `locale`: no updates are coming in, why, and what to
    check (Telegram's own error quoted as it came)."""
    cause = error or "?"
    if locale == "en":
        return (
            f"Telegram: no updates are coming in ({failures} failed polls in a row: {cause}); "
            "check the network to Telegram and REPORTBOT_TELEGRAM_API_URL."
        )
    return (
        f"Telegram: bot không nhận được tin nhắn mới ({failures} lần hỏi Telegram liên tiếp "
        f"bị lỗi: {cause}); kiểm tra mạng tới Telegram và REPORTBOT_TELEGRAM_API_URL."
    )


class WarningRecord:
    """Keeps the connector's current warning in its `kv`, written in the background."""

    def __init__(self, kv: KeyValue | None) -> None:
        self._kv = kv
        self._current: str | None = None
        self._kept: str | None = ""  # what `kv` holds ("": not known yet, so written once)
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    def note(self, warning: str | None) -> None:
        """The current warning (None: healthy); recorded soon if it differs from the kept one."""
        self._current = warning
        if self._kv is None or warning == self._kept:
            return
        task = asyncio.create_task(self._write())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait for the writes under way (on stop)."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _write(self) -> None:
        async with self._lock:  # the latest state wins, whatever order the tasks run in
            warning = self._current
            if self._kv is None or warning == self._kept:
                return
            try:
                if warning is None:
                    await self._kv.delete(WARNING_KEY)
                else:
                    await self._kv.set(WARNING_KEY, warning)
            except Exception as error:  # the database away: the log and /healthz still say it
                log.warning("telegram: could not record the poller's health: %s", error)
                return
            self._kept = warning
