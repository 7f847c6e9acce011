"""The media settings: a per-person storage quota and how long files are kept.

Read from the same `REPORTBOT_*` variables as the rest of the settings (environment or
reportbot.toml, as merged in `Settings.env`); a wrong value stops start-up with a one-line
ConfigError naming the variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reportbot.config import ConfigError

QUOTA_VARIABLE = "REPORTBOT_MEDIA_QUOTA_MB"
RETENTION_VARIABLE = "REPORTBOT_MEDIA_RETENTION_DAYS"
DEFAULT_QUOTA_MB = 200
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class MediaSettings:
    """`quota_bytes` per person; `retention_days` 0 keeps files for ever (the default)."""

    quota_bytes: int = DEFAULT_QUOTA_MB * MB
    retention_days: int = 0


def media_settings(env: Mapping[str, str]) -> MediaSettings:
    """The media settings from the merged environment; ConfigError on a bad value."""
    quota_mb = _whole(env, QUOTA_VARIABLE, DEFAULT_QUOTA_MB, minimum=1)
    days = _whole(env, RETENTION_VARIABLE, 0, minimum=0)
    return MediaSettings(quota_bytes=quota_mb * MB, retention_days=days)


def _whole(env: Mapping[str, str], name: str, default: int, *, minimum: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ConfigError("whole", name=name, value=raw[:20], minimum=minimum)
    return value
