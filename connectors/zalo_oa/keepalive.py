"""Keeping the OA's tokens alive when nobody writes: refresh ahead, warn admins in time.

Zalo's OA access token lives about 25 hours; its refresh token works once and expires after
about 3 months unused (developers.zalo.me, OA API "access token"; REFERENCE.md). A bot that
refreshes only when it sends locks itself out after a quiet quarter (six-monthly forms). So a
periodic job (`ZaloOaConnector.periodic_jobs`, run by the app under the database lease) calls
`refresh_if_due`: it refreshes an access token that expires within `REFRESH_LEAD`, and warns
once per problem, through the `reportbot` log and `warning` (for `reportbot status` and the
digest), when a refresh fails or the refresh token expires within `WARN_WITHIN`. With the
connector's durable state, the current problem is also kept under `WARNING_KEY` (written only
when it changes, removed once healthy), so that `reportbot status`, another process, shows it.
Each warning is one line in the administrators' language (`admin_locale`: REPORTBOT_LOCALE).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from connectors._http import RetryableError
from connectors.base import WARNING_KEY, DeliveryError, KeyValue
from connectors.zalo_oa.api import TokenRefreshError, ZaloOaApi
from connectors.zalo_oa.tokens import TokenPair, TokenStore

log = logging.getLogger("reportbot.zalo_oa.tokens")

CHECK_INTERVAL = 900.0  # seconds between checks: many times within the access token's life
REFRESH_LEAD = 3600.0  # refresh this long before the access token expires
WARN_WITHIN = 14 * 86400.0  # warn when the refresh token expires within 14 days


class TokenKeeper:
    """Refreshes ahead of expiry through a `TokenStore`; remembers the current problem."""

    def __init__(
        self,
        store: TokenStore,
        api: ZaloOaApi,
        state: KeyValue | None = None,
        locale: str = "vi",
    ) -> None:
        self._store = store
        self._api = api
        self._state = state
        self._english = locale == "en"  # the administrators' language (one at a time)
        self.warning: str | None = None  # the problem an admin must act on, if any
        self._warned: set[str] = set()  # problems already logged since the last success
        self._kept: str | None = ""  # the warning last written to `state` ("": not yet known)

    async def refresh_if_due(self, now: float | None = None) -> TokenPair:
        """Refresh the access token if it expires soon (or is unknown); return the pair.

        Afterwards the current warning (or its absence) is written to the durable state.
        """
        try:
            return await self._refresh_if_due(now)
        finally:
            await self._keep_warning()

    async def _keep_warning(self) -> None:
        """Write the current warning where other processes read it, only when it changed."""
        if self._state is None or self.warning == self._kept:
            return
        try:
            if self.warning is None:
                await self._state.delete(WARNING_KEY)
            else:
                await self._state.set(WARNING_KEY, self.warning)
        except Exception as exc:  # the database away: the log and the digest still warn
            log.warning("Zalo OA: could not record the token warning: %s", exc)
            return
        self._kept = self.warning

    async def _refresh_if_due(self, now: float | None) -> TokenPair:
        pair = await self._store.load()  # another process may have refreshed already
        current = time.time() if now is None else now
        due = (
            pair.access_token is None
            or pair.expires_at is None
            or current >= pair.expires_at - REFRESH_LEAD
        )
        if due:
            try:
                pair = await self._store.refresh(pair.access_token, self._api.refresh)
            except TokenRefreshError as exc:
                self.refused(exc)
                return pair
            except (RetryableError, DeliveryError) as exc:
                self._warn(
                    "failed",
                    logging.WARNING,
                    f"Zalo OA: token refresh failed, will retry: {exc}"
                    if self._english
                    else f"Zalo OA: làm mới token thất bại, sẽ thử lại: {exc}",
                )
                return self._check_expiry(pair, current)
            log.info("Zalo OA access token refreshed ahead of expiry")
            self._clear()
        return self._check_expiry(pair, current)

    def refused(self, exc: Exception) -> None:
        """Zalo refused the refresh token (here or on a send): the OA must be re-authorised."""
        self._warn(
            "refused",
            logging.CRITICAL,
            f"Zalo OA: the refresh token was refused; re-authorise the OA: {exc}"
            if self._english
            else f"Zalo OA: refresh token bị từ chối, quản trị viên cần kết nối lại OA: {exc}",
        )

    def _check_expiry(self, pair: TokenPair, now: float) -> TokenPair:
        expires = pair.refresh_expires_at
        if expires is not None and expires - now <= WARN_WITHIN:
            day = datetime.fromtimestamp(expires, tz=UTC).strftime("%Y-%m-%d")
            self._warn(
                "expiring",
                logging.WARNING,
                f"Zalo OA: the refresh token expires on {day} (UTC); re-authorise the OA "
                "before then (the README's steps)"
                if self._english
                else f"Zalo OA: refresh token hết hạn ngày {day} (UTC); quản trị viên cần kết "
                "nối lại OA trước ngày đó (các bước trong README)",
            )
        return pair

    def _warn(self, kind: str, level: int, text: str) -> None:
        """Log a problem once (a repeat of the same kind is only a debug line)."""
        self.warning = text
        if kind in self._warned:
            log.debug("%s", text)
            return
        self._warned.add(kind)
        log.log(level, "%s", text)

    def _clear(self) -> None:
        if self.warning is not None:
            log.info("Zalo OA tokens healthy again")
        self.warning = None
        self._warned.clear()
