"""A small client of the Zalo OA API v3 (customer-service messages) and its OAuth refresh."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp

from connectors._http import RetryableError, post_json, read_json
from connectors.base import DeliveryError
from connectors.zalo_oa.tokens import TokenPair

# Zalo's OA error table (developers.zalo.me, OA API error codes; reproduced in public
# integration guides): -220 "access_token is expired or removed" is what an expired token
# gets, -216 "Access token is invalid" a revoked or unknown one; -124 is reported for expiry
# too. Each is worth one refresh and one more try.
TOKEN_ERRORS = frozenset({-216, -220, -124})
# Proactive messages outside the interaction window: -230 "user has not interacted with the
# OA in the past 7 days", -232 "user has not interacted, or the last interaction expired".
# Final: only the user writing to the OA reopens the window. (-213 "User has not followed
# OA" is its own case: `followers.NotFollowingError`.)
WINDOW_ERRORS = frozenset({-230, -232})
# -32 "Your application reached limit call api": over the API's rate (same error table).
# It passes: the send queue waits and tries again, holding back every chat. Zalo says neither
# how long to wait nor sends a Retry-After: RATE_WAIT is our own conservative choice (one
# minute, config `rate_limit_wait`), and a message still refused after RATE_TRIES such waits
# is given up (a quota spent for the day would otherwise hold every chat for good; the bot
# keeps the reply and sends it again later).
RATE_LIMITED = -32
RATE_WAIT = 60.0
RATE_TRIES = 5
EXPIRY_MARGIN = 300.0
NAME_TIMEOUT = 5.0  # seconds a user's name may take to come (the message waits for it)
# A refresh token expires after about 3 months unused (Zalo's OA access-token docs); Zalo's
# answer does not say when, so it is counted from the refresh that issued it.
REFRESH_LIFETIME = 90 * 86400.0


class ZaloOaApiError(Exception):
    """The OA API answered with a non-zero `error`."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"error {code}: {message}")
        self.code = code
        self.message = message


class TokenRefreshError(Exception):
    """Zalo refused the refresh token: the OA must be authorised again by an admin."""


class ZaloOaApi:
    """Calls the OA endpoints; never puts a token in an error message."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        api_url: str,
        oauth_url: str,
        app_id: str,
        app_secret: str,
        timeout: float = 20.0,
        refresh_lifetime: float = REFRESH_LIFETIME,
        rate_wait: float = RATE_WAIT,
    ) -> None:
        self._session = session
        self._api_url = api_url.rstrip("/")
        self._oauth_url = oauth_url.rstrip("/")
        self._app_id = app_id
        self._app_secret = app_secret
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._refresh_lifetime = refresh_lifetime
        self._rate_wait = rate_wait

    async def send_text(self, access_token: str, user_id: str, text: str) -> str | None:
        """Send a customer-service text; return Zalo's message id."""
        body = {"recipient": {"user_id": user_id}, "message": {"text": text}}
        return await self._send(access_token, "message/cs", body)

    async def send_group_text(self, access_token: str, group_id: str, text: str) -> str | None:
        """Send a text to one of the OA's chat groups (GMF: developers.zalo.me/docs/
        official-account/nhom-chat-gmf/tin-nhan/text_message); return Zalo's message id."""
        body = {"recipient": {"group_id": group_id}, "message": {"text": text}}
        return await self._send(access_token, "group/message", body)

    async def _send(self, access_token: str, endpoint: str, body: dict[str, Any]) -> str | None:
        data = await self._post(
            f"{self._api_url}/v3.0/oa/{endpoint}",
            endpoint,
            headers={"access_token": access_token},
            json=body,
        )
        code = _int(data.get("error", 0))
        if code == RATE_LIMITED:
            raise self._over_rate(f"{endpoint}: error {code}")
        if code != 0:
            raise ZaloOaApiError(code, str(data.get("message") or "no message"))
        result = data.get("data")
        return str(result.get("message_id")) if isinstance(result, dict) else None

    async def user_name(self, access_token: str, user_id: str) -> str | None:
        """The user's Zalo display name (`GET /v3.0/oa/user/detail?data={"user_id"}`, its
        `data.display_name`), or None when Zalo definitely does not tell it (no permission, an
        unknown user). A passing failure (network, timeout, -32, 5xx) raises RetryableError, a
        token Zalo refused ZaloOaApiError: neither is an answer to remember."""
        timeout = aiohttp.ClientTimeout(
            total=min(self._timeout.total or NAME_TIMEOUT, NAME_TIMEOUT)
        )
        try:
            async with self._session.get(
                f"{self._api_url}/v3.0/oa/user/detail",
                params={"data": json.dumps({"user_id": user_id})},
                headers={"access_token": access_token},
                timeout=timeout,
            ) as response:
                status = response.status
                data = await read_json(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RetryableError(f"Zalo OA user/detail: {type(exc).__name__}") from None
        if status == 429 or status >= 500 or not isinstance(data, dict):
            raise RetryableError(f"Zalo OA user/detail: HTTP {status}")
        code = _int(data.get("error", 0))
        if code == RATE_LIMITED:
            raise self._over_rate("user/detail: error -32")
        if code in TOKEN_ERRORS:
            raise ZaloOaApiError(code, str(data.get("message") or "no message"))
        result = data.get("data") if code == 0 else None
        name = result.get("display_name") if isinstance(result, dict) else None
        if isinstance(name, str) and name.strip():
            return " ".join(name.split())[:100]
        return None

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Trade a refresh token (usable once) for a new access and refresh token."""
        data = await self._post(
            f"{self._oauth_url}/v4/oa/access_token",
            "oauth refresh",
            headers={"secret_key": self._app_secret},
            data={
                "refresh_token": refresh_token,
                "app_id": self._app_id,
                "grant_type": "refresh_token",
            },
        )
        access, refresh = data.get("access_token"), data.get("refresh_token")
        if not access or not refresh:
            code = data.get("error", "?")
            reason = data.get("error_description") or data.get("error_name") or "no reason"
            raise TokenRefreshError(f"Zalo refused the refresh token (error {code}: {reason})")
        expires_in = _int(data.get("expires_in", 0))
        # Counted as expired a little early (5 minutes, at most half its life).
        margin = min(EXPIRY_MARGIN, expires_in / 2)
        now = time.time()
        return TokenPair(
            access_token=str(access),
            refresh_token=str(refresh),
            expires_at=now + expires_in - margin if expires_in > 0 else None,
            refresh_expires_at=now + self._refresh_lifetime,
        )

    def _over_rate(self, what: str) -> RetryableError:
        """Over the API's rate: every chat waits `rate_wait` seconds before the next call."""
        return RetryableError(
            f"Zalo OA {what} (rate)", retry_after=self._rate_wait, rate_limited=True
        )

    async def _post(self, url: str, what: str, **kwargs: Any) -> dict[str, Any]:
        status, data = await post_json(
            self._session,
            url,
            f"Zalo OA {what}",
            lambda exc: type(exc).__name__,  # the kind only: no request detail in the logs
            timeout=self._timeout,
            **kwargs,
        )
        if status == 429:
            raise self._over_rate(f"{what}: HTTP 429")
        if status >= 500:
            raise RetryableError(f"Zalo OA {what}: HTTP {status}")
        if not isinstance(data, dict):
            if 400 <= status < 500:
                # Not Zalo speaking (a wrong API URL, a proxy's error page): retrying
                # cannot change it, and the admin must hear of it.
                raise DeliveryError(f"Zalo OA {what}: HTTP {status} with a non-JSON body")
            raise RetryableError(f"Zalo OA {what}: HTTP {status} with a non-JSON body")
        return data


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
