"""What a Google Sheets error means for the mirror: a secret-free description, a retry or not."""

from __future__ import annotations

import requests
from google.auth import exceptions as auth_errors
from gspread.exceptions import APIError


def describe(error: BaseException | None) -> str:
    """A short, secret-free description of an API or network error for logs and status."""
    if isinstance(error, APIError):
        message = str(error.error.get("message", ""))[:200]
        return f"HTTP {error.response.status_code}: {message}"
    if error is None:
        return "unknown error"
    return type(error).__name__


def transient_delay(error: BaseException) -> float | None:
    """Whether an error may pass on retry: 0 = use backoff, >0 = server's pause, None = no."""
    if isinstance(error, APIError):
        status = error.response.status_code
        if status in (408, 429) or status >= 500:
            retry_after = error.response.headers.get("Retry-After", "")
            return float(retry_after) if retry_after.isdigit() else 0.0
        return None
    if isinstance(error, requests.exceptions.Timeout | requests.exceptions.ConnectionError):
        return 0.0
    if isinstance(error, auth_errors.TransportError):  # token endpoint unreachable
        return 0.0
    return None
