"""A gspread client that may talk to another server than Google (an emulator or a test fake).

gspread builds every URL from fixed strings and has no base-URL setting, so a subclass of its
HTTP client rewrites the Sheets API root in `request()`. With another server no Google
credentials are needed; with Google a service account file is read.
"""

from __future__ import annotations

from typing import Any, ClassVar

import gspread
from google.auth.credentials import AnonymousCredentials, Credentials
from gspread.http_client import HTTPClient
from requests import Response

from reportbot.language import env_locale, say

GOOGLE_SHEETS_ROOT = "https://sheets.googleapis.com"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read; Google drops requests over 180 s anyway


class RebasedHTTPClient(HTTPClient):
    """gspread's HTTP client, sending Sheets API requests to `base_url` when it is set."""

    base_url: ClassVar[str | None] = None

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Response:
        """Send the request, with the Sheets API root replaced by `base_url`."""
        if self.base_url and endpoint.startswith(GOOGLE_SHEETS_ROOT):
            endpoint = self.base_url + endpoint[len(GOOGLE_SHEETS_ROOT) :]
        return super().request(method, endpoint, *args, **kwargs)


def http_client_class(base_url: str | None) -> type[HTTPClient]:
    """Return a client class for gspread's `http_client=` that targets `base_url`."""
    if not base_url:
        return HTTPClient
    root = base_url.rstrip("/")
    return type("RebasedHTTPClient", (RebasedHTTPClient,), {"base_url": root})


def load_credentials(credentials_file: str | None, api_url: str | None) -> Credentials:
    """Anonymous credentials for another server; a service account's for Google itself."""
    if api_url:
        return AnonymousCredentials()
    if not credentials_file:
        raise ValueError(
            say(
                env_locale(),
                "chưa đặt REPORTBOT_GOOGLE_CREDENTIALS_FILE",
                "REPORTBOT_GOOGLE_CREDENTIALS_FILE is not set",
            )
        )
    from google.oauth2 import service_account

    return service_account.Credentials.from_service_account_file(
        credentials_file, scopes=list(SCOPES)
    )


def make_client(
    credentials_file: str | None,
    api_url: str | None,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
) -> gspread.Client:
    """Build a gspread client (blocking: reads the credentials file); always with a timeout."""
    client = gspread.Client(
        load_credentials(credentials_file, api_url), http_client=http_client_class(api_url)
    )
    client.set_timeout(timeout)
    return client
