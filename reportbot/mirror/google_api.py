"""The calls to the Sheets API: one client, rate-limited, retried, with the metadata cached.

Every call passes the client-side rate limiter (reads and writes apart) and is retried with
backoff on 429, 5xx and timeouts (`google_errors.transient_delay`); past the retry budget
`MirrorUnavailable` is raised. The backend (`mirror.google`) builds on this class.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import gspread
from google.auth import exceptions as auth_errors

from reportbot.language import env_locale, say
from reportbot.mirror.backend import MirrorError, MirrorUnavailable
from reportbot.mirror.google_client import DEFAULT_TIMEOUT, make_client
from reportbot.mirror.google_errors import describe, transient_delay
from reportbot.mirror.google_requests import SheetInfo
from reportbot.mirror.ratelimit import RateLimiter, RetryGaveUp, RetryPolicy, Sleep, retry_call

ENV_CREDENTIALS = "REPORTBOT_GOOGLE_CREDENTIALS_FILE"


class SheetsApi:
    """One spreadsheet's API calls: counted in `calls`, limited, retried, metadata cached."""

    def __init__(
        self,
        spreadsheet_id: str,
        *,
        credentials_file: str | None = None,
        api_url: str | None = None,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        writes_per_minute: int = 50,
        reads_per_minute: int = 50,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        limiters: tuple[RateLimiter, RateLimiter] | None = None,
    ) -> None:
        self.spreadsheet_id = spreadsheet_id
        self._credentials_file = credentials_file
        self._api_url = api_url
        self._timeout = timeout
        # (writes, reads): given, they are shared with the other spreadsheets of the same
        # service account (Google's quota counts requests per user, across spreadsheets).
        self._writes, self._reads = limiters or (
            RateLimiter(writes_per_minute, clock=clock, sleep=sleep),
            RateLimiter(reads_per_minute, clock=clock, sleep=sleep),
        )
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._client: gspread.Client | None = None
        self._sheets: dict[str, SheetInfo] | None = None
        self.calls: Counter[str] = Counter()

    async def _call(self, kind: str, label: str, method: str, *args: Any) -> Any:
        limiter = self._writes if kind == "write" else self._reads

        async def attempt() -> Any:
            if self._client is None:
                self._client = await self._make_client()
            await limiter.acquire()
            self.calls[kind] += 1
            return await asyncio.to_thread(getattr(self._client.http_client, method), *args)

        try:
            return await retry_call(attempt, self._retry, transient_delay, sleep=self._sleep)
        except auth_errors.RefreshError as error:
            raise MirrorError(
                say(
                    env_locale(),
                    f"Google từ chối khóa tài khoản dịch vụ ({type(error).__name__}); kiểm tra "
                    f"{ENV_CREDENTIALS}",
                    f"Google refused the service account key ({type(error).__name__}); check "
                    f"{ENV_CREDENTIALS}",
                )
            ) from error
        except RetryGaveUp as error:
            self._sheets = None
            raise MirrorUnavailable(
                f"Google Sheets {label}: {describe(error.__cause__)}"
            ) from error.__cause__

    async def _make_client(self) -> gspread.Client:
        try:
            return await asyncio.to_thread(
                make_client, self._credentials_file, self._api_url, self._timeout
            )
        except (OSError, ValueError) as error:
            raise MirrorError(
                say(
                    env_locale(),
                    f"{ENV_CREDENTIALS}: không đọc được khóa tài khoản dịch vụ "
                    f"({type(error).__name__})",
                    f"{ENV_CREDENTIALS}: cannot load the service account key "
                    f"({type(error).__name__})",
                )
            ) from error

    async def _metadata(self) -> dict[str, SheetInfo]:
        if self._sheets is None:
            params = {"includeGridData": "false", "fields": "properties.title,sheets.properties"}
            data = await self._call(
                "read", "metadata", "fetch_sheet_metadata", self.spreadsheet_id, params
            )
            sheets: dict[str, SheetInfo] = {}
            for sheet in data.get("sheets", []):
                props = sheet["properties"]
                grid = props.get("gridProperties", {})
                info = SheetInfo(
                    props["sheetId"],
                    props["title"],
                    grid.get("rowCount", 0),
                    grid.get("columnCount", 0),
                )
                sheets[info.title.casefold()] = info
            self._sheets = sheets
        return self._sheets

    async def _batch_get(self, ranges: list[str]) -> list[list[list[Any]]]:
        params = {"valueRenderOption": "UNFORMATTED_VALUE", "majorDimension": "ROWS"}
        data = await self._call(
            "read", "values:batchGet", "values_batch_get", self.spreadsheet_id, ranges, params
        )
        return [item.get("values", []) for item in data.get("valueRanges", [])]
