"""The token store in the application's durable key-value state, safe across processes.

The pair lives under one key of the connector's `KeyValue` (handed over in the
`ConnectorContext`; the database's ``connector_state`` table). A refresh runs inside the
key-value store's locked update: it re-reads the pair under a lock held across processes,
calls Zalo only if the stored access token is still the stale one, and the new pair is
written before the lock is released and the new token used.
"""

from __future__ import annotations

import asyncio
import logging

from connectors.base import KeyValue
from connectors.zalo_oa.tokens import RefreshFn, TokenPair, fingerprint

log = logging.getLogger(__name__)


class DatabaseTokenStore:
    """Tokens under `key` of the connector's key-value state; one refresh at a time, everywhere."""

    def __init__(self, state: KeyValue | None, seed: TokenPair, *, key: str = "tokens") -> None:
        self._state = state
        self._seed = seed
        self._key = key
        self._lock = asyncio.Lock()  # fewer waiting transactions within one process

    def _kv(self) -> KeyValue:
        if self._state is None:
            raise RuntimeError(
                "Zalo OA: no durable state was given to the connector; "
                'set token_store = "memory" or run it inside the bot'
            )
        return self._state

    def _seeded(self) -> str:
        return self._seed.to_json(self._seed.refresh_token)

    def _current(self, text: str | None) -> TokenPair:
        """The stored pair, or the configured seed when none is stored or a new one is set."""
        if text is None:
            return self._seed
        pair, seed = TokenPair.from_json(text)
        # A new refresh token was configured (the OA was re-authorised): start from it.
        return pair if seed == fingerprint(self._seed.refresh_token) else self._seed

    async def load(self) -> TokenPair:
        """The stored pair; the configured seed when none is stored or the seed changed."""
        kv = self._kv()
        text = await kv.get(self._key)
        if text is not None and self._current(text) is not self._seed:
            return self._current(text)
        result: list[TokenPair] = []

        async def adopt(stored: str | None) -> str:
            pair = self._current(stored)
            result.append(pair)
            return pair.to_json(self._seed.refresh_token)

        async with self._lock:
            await kv.update(self._key, adopt, default=self._seeded())
        return result[-1]

    async def refresh(self, stale_access_token: str | None, do_refresh: RefreshFn) -> TokenPair:
        """Refresh under the cross-process lock unless another caller already did."""
        kv = self._kv()
        result: list[TokenPair] = []
        spent: list[str] = []

        async def refreshed(stored: str | None) -> str:
            current = self._current(stored)
            if current.access_token != stale_access_token:
                result.append(current)
                return current.to_json(self._seed.refresh_token)
            new = await do_refresh(current.refresh_token)
            result.append(new)
            spent.append(current.refresh_token)
            return new.to_json(self._seed.refresh_token)

        async with self._lock:
            await kv.update(self._key, refreshed, default=self._seeded())
        if spent:
            log.info("Zalo OA tokens refreshed and saved")
        return result[-1]
