"""How updates reach the bot under drill: by webhook (retried like Telegram) or by polling.

Telegram retries a webhook delivery that failed (no answer, or not 2xx) "for a reasonable
amount of attempts" (Bot API, setWebhook); with polling, an update stays on the server until an
offset above it confirms it (Bot API, getUpdates). `send` returns once the bot acknowledged the
update; `duplicate` delivers every update a second time (a retry whose first answer was lost)
and `replay` sends an old update again after newer ones (out of order).
"""

from __future__ import annotations

import asyncio
import copy
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.fakes.telegram import FakeTelegram

SECRET = "drill-webhook-secret"


@dataclass
class Counts:
    """What the platform side saw."""

    acknowledged: int = 0
    server_errors: int = 0  # HTTP 5xx other than 503 (a 503 is the designed "not stored")
    refused_503: int = 0
    unreachable: int = 0  # connection refused or cut: the bot was down
    statuses: dict[int, int] = field(default_factory=dict)


class Channel:
    """Delivers updates to the bot of a drill and counts what happened."""

    def __init__(
        self,
        tg: FakeTelegram,
        mode: str,
        url: str,
        *,
        duplicate: bool = False,
        replay_share: float = 0.0,
        seed: int = 1,
    ) -> None:
        self.tg = tg
        self.mode = mode
        self.url = url
        self.duplicate = duplicate
        self.replay_share = replay_share
        self.random = random.Random(seed)
        self.counts = Counts()
        self.history: list[dict[str, Any]] = []
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._http is not None:
            await self._http.close()

    async def send(self, update: dict[str, Any], deadline: float) -> bool:
        """Deliver until acknowledged (True) or `deadline` (monotonic) passed (False)."""
        acked = await (self._post_until_ok if self.mode == "webhook" else self._poll_until_ok)(
            update, deadline
        )
        if not acked:
            return False
        self.counts.acknowledged += 1
        self.history.append(update)
        if self.duplicate:
            await self._again(copy.deepcopy(update))
        if self.replay_share and self.random.random() < self.replay_share and self.history:
            await self._again(copy.deepcopy(self.random.choice(self.history)))
        return True

    async def _again(self, update: dict[str, Any]) -> None:
        """One more delivery of an update already acknowledged (not waited for in polling)."""
        if self.mode == "webhook":
            await self._post(update)
        else:
            self.tg.enqueue(update)

    async def _post(self, update: dict[str, Any]) -> int | None:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        headers = {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": SECRET,
        }
        try:
            async with self._http.post(self.url, data=json.dumps(update), headers=headers) as r:
                await r.read()
                status = r.status
        except (aiohttp.ClientError, TimeoutError):
            self.counts.unreachable += 1
            return None
        self.counts.statuses[status] = self.counts.statuses.get(status, 0) + 1
        if status == 503:
            self.counts.refused_503 += 1
        elif status >= 500:
            self.counts.server_errors += 1
        return status

    async def _post_until_ok(self, update: dict[str, Any], deadline: float) -> bool:
        delay = 0.1
        while time.monotonic() < deadline:
            status = await self._post(update)
            if status is not None and 200 <= status < 300:
                return True
            await asyncio.sleep(delay)  # Telegram backs off between retries
            delay = min(delay * 2, 2.0)
        return False

    async def _poll_until_ok(self, update: dict[str, Any], deadline: float) -> bool:
        self.tg.enqueue(update)
        while time.monotonic() < deadline:
            if self.tg.confirmed_offset > update["update_id"]:
                return True
            await asyncio.sleep(0.05)
        return False
