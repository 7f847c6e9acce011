"""A small client of the Zalo Bot Platform HTTP API (every method a JSON POST).

Errors keep the platform's own classification for the send queue (`classify`): Zalo's error
table (bot.zaloplatforms.com/docs, "Mã lỗi"; mirrored by the python-zalo-bot SDK that the docs
link to) names 408 "request timeout" and 403 "internal server error": both pass, like 429 and
5xx. 400 (bad request: unknown chat, text too long), 401 (bad token) and 404 do not. A 4xx
answer that is not JSON at all is not Zalo speaking (a wrong API URL, a proxy's page): it will
not pass by itself either.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from connectors._http import post_json
from connectors.base import DeliveryError
from connectors.sending import Fail, Retry, Verdict

NO_UPDATE = 408  # getUpdates: the long poll ended with nothing
PASSING = frozenset({403, 408})  # Zalo: "internal server error", "request timeout"


class ZaloBotApiError(Exception):
    """The API answered `ok: false`."""

    def __init__(
        self,
        method: str,
        error_code: int,
        description: str,
        retry_after: float | None = None,
        *,
        is_json: bool = True,
    ) -> None:
        super().__init__(f"{method}: error {error_code}: {description}")
        self.method = method
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after
        self.is_json = is_json

    @property
    def transient(self) -> bool:
        """Whether trying again later may succeed (rate limit, server trouble, Zalo's 403/408)."""
        code = self.error_code
        if code == 429 or code >= 500:
            return True
        return self.is_json and code in PASSING


def classify(error: BaseException) -> Verdict | None:
    """The send queue's verdict on a Zalo Bot error (None: the common rules decide)."""
    if not isinstance(error, ZaloBotApiError):
        return None
    if error.transient:
        # Zalo documents no rate limit; a 429 is taken to hold back the whole bot.
        limited = error.error_code == 429
        return Retry(str(error), error.retry_after, everywhere=limited)
    return Fail(
        DeliveryError(
            f"Zalo Bot refused the message (error {error.error_code}: {error.description})"
        )
    )


class ZaloBotApi:
    """Calls `<api_url>/bot<token>/<method>`; never puts the token in an error message."""

    def __init__(
        self, session: aiohttp.ClientSession, api_url: str, token: str, timeout: float = 20.0
    ) -> None:
        self._session = session
        self._base = f"{api_url.rstrip('/')}/bot{token}"
        self._token = token
        self._timeout = timeout

    async def call(
        self, method: str, payload: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        """Call a method and return its `result`.

        Raises RetryableError on network errors and timeouts, ZaloBotApiError on `ok: false`.
        """
        client_timeout = aiohttp.ClientTimeout(total=timeout or self._timeout)
        status, body = await post_json(
            self._session,
            f"{self._base}/{method}",
            method,
            self._redact,
            json=payload or {},
            timeout=client_timeout,
        )
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        if not isinstance(body, dict):
            code = status if status >= 400 else 500
            raise ZaloBotApiError(method, code, f"HTTP {status}, not a JSON answer", is_json=False)
        code = body.get("error_code", status if status >= 400 else 500)
        try:
            code = int(code)
        except (TypeError, ValueError):
            code = status if status >= 400 else 500
        parameters = body.get("parameters")
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        description = str(body.get("description") or body.get("message") or "no description")
        raise ZaloBotApiError(
            method,
            code,
            self._redact(description),
            float(retry_after) if isinstance(retry_after, int | float) else None,
        )

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account (checks the token)."""
        return await self.call("getMe") or {}

    async def get_updates(self, timeout: float) -> list[dict[str, Any]]:
        """Long-poll for updates; the platform answers one at a time, or 408 for none."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": f"{timeout:g}"}, timeout=timeout + 10
            )
        except ZaloBotApiError as exc:
            if exc.error_code == NO_UPDATE:
                return []
            raise
        if isinstance(result, list):
            return [item for item in result if isinstance(item, dict)]
        if isinstance(result, dict) and result:
            return [result]
        return []

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        """Register the webhook URL and the secret Zalo will send back in a header."""
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        """Remove the webhook so that getUpdates works."""
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        """The webhook currently registered."""
        return await self.call("getWebhookInfo") or {}

    async def send_message(self, chat_id: str, text: str) -> Any:
        """Send a text of 1 to 2,000 characters."""
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> Any:
        """Send a photo by URL, with an optional caption."""
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return await self.call("sendPhoto", payload)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        """Show "typing…" in the chat."""
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    def _redact(self, value: object) -> str:
        return str(value).replace(self._token, "***")
