"""The web page's settings, from `REPORTBOT_WEB_*` variables (one clear line when wrong)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from reportbot.config import ConfigError

PUBLIC_URL = "REPORTBOT_WEB_PUBLIC_URL"
LINK_MINUTES = "REPORTBOT_WEB_LINK_MINUTES"
SESSION_HOURS = "REPORTBOT_WEB_SESSION_HOURS"


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Where people reach the page, and how long a link and a session last."""

    public_url: str
    link_lifetime: timedelta = timedelta(minutes=15)
    session_lifetime: timedelta = timedelta(hours=12)

    @property
    def secure(self) -> bool:
        """Whether the cookie is sent over https only (the page is reached by https)."""
        return self.public_url.startswith("https://")

    def link(self, token: str) -> str:
        """The sign-in link for a token."""
        return f"{self.public_url}/web/dang-nhap?t={token}"


def web_settings(env: Mapping[str, str]) -> WebSettings | None:
    """The settings, or None when the page is off (no public URL). Raises ConfigError."""
    url = (env.get(PUBLIC_URL) or "").strip().rstrip("/")
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise ConfigError("url", name=PUBLIC_URL, value=url[:40])
    return WebSettings(
        public_url=url,
        link_lifetime=timedelta(minutes=_positive(env, LINK_MINUTES, 15)),
        session_lifetime=timedelta(hours=_positive(env, SESSION_HOURS, 12)),
    )


def _positive(env: Mapping[str, str], name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise ConfigError("positive", name=name, value=raw[:20])
    return value
