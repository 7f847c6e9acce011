"""The token store in the database (`ConnectorState`), safe across processes.

The pair lives in one row. A refresh runs inside one transaction that first writes the row
(which takes SQLite's write lock, and a PostgreSQL row lock together with SELECT ... FOR
UPDATE), re-reads it, calls Zalo only if the stored access token is still the stale one, and
writes the new pair before the transaction commits and the new token is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from connectors.zalo_oa.tokens import RefreshFn, TokenPair, fingerprint

log = logging.getLogger(__name__)


class DatabaseTokenStore:
    """Tokens in `connector_state` (connector, key); one refresh at a time, everywhere."""

    def __init__(self, seed: TokenPair, *, connector: str = "zalo_oa", key: str = "tokens"):
        self._seed = seed
        self._connector = connector
        self._key = key
        self._lock = asyncio.Lock()  # fewer waiting transactions within one process

    async def load(self) -> TokenPair:
        """The stored pair; the configured seed when none is stored or the seed changed."""
        from reportbot.store.models import ConnectorState

        row = await ConnectorState.get_or_none(connector=self._connector, key=self._key)
        if row is not None:
            pair, seed = TokenPair.from_json(row.value)
            if seed == fingerprint(self._seed.refresh_token):
                return pair
        await self._ensure_row()
        async with self._lock, in_transaction() as conn:
            return await self._locked_pair(conn)

    async def refresh(self, stale_access_token: str | None, do_refresh: RefreshFn) -> TokenPair:
        """Refresh under the database lock unless another caller already did."""
        from reportbot.store.models import ConnectorState

        await self._ensure_row()
        async with self._lock, in_transaction() as conn:
            current = await self._locked_pair(conn)
            if current.access_token != stale_access_token:
                return current
            new = await do_refresh(current.refresh_token)
            await (
                ConnectorState.filter(connector=self._connector, key=self._key)
                .using_db(conn)
                .update(value=new.to_json(self._seed.refresh_token), updated_at=_now())
            )
            log.info("Zalo OA tokens refreshed and saved")
            return new

    async def _ensure_row(self) -> None:
        """Create the row from the seed if absent (outside any transaction: a duplicate
        insert by another process must not abort a PostgreSQL transaction)."""
        from reportbot.store.models import ConnectorState

        if await ConnectorState.exists(connector=self._connector, key=self._key):
            return
        with contextlib.suppress(IntegrityError):
            await ConnectorState.create(
                connector=self._connector,
                key=self._key,
                value=self._seed.to_json(self._seed.refresh_token),
                updated_at=_now(),
            )

    async def _locked_pair(self, conn: BaseDBAsyncClient) -> TokenPair:
        """Lock the row and return its pair (the seed again if a new one was configured)."""
        from reportbot.store.models import ConnectorState

        rows = ConnectorState.filter(connector=self._connector, key=self._key).using_db(conn)
        # Writing first takes the lock on both SQLite and PostgreSQL.
        await rows.update(updated_at=_now())
        row = await rows.select_for_update().get()
        pair, seed = TokenPair.from_json(row.value)
        if seed != fingerprint(self._seed.refresh_token):
            # A new refresh token was configured (the OA was re-authorised): start from it.
            pair = self._seed
            await rows.update(value=pair.to_json(self._seed.refresh_token), updated_at=_now())
        return pair


def _now() -> datetime:
    return datetime.now(UTC)
