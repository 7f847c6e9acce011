"""One language at a time for what an admin reads: the bot's locale (`REPORTBOT_LOCALE`),
Vietnamese unless it is set to English.

Admin output used to double every label ("Phiên bản (version)"); a line reads better in one
language. The shell's LANG is not followed: servers default to en_US, and the commune's IT
officer reads Vietnamese first. This sits at the package root (not in `reportbot.cli`) so the
features' own subcommands (coordination, reminders, mirror) can use it without importing the
composition root.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LOCALE_VARIABLE = "REPORTBOT_LOCALE"


def say(locale: str, vi: str, en: str) -> str:
    """`en` when the locale is English, else `vi`."""
    return en if locale == "en" else vi


def env_locale(env: Mapping[str, str] | None = None) -> str:
    """REPORTBOT_LOCALE from the environment before (or without) the settings: "en" when it
    is exactly en, else "vi" (unset, empty or a wrong value, which is itself being reported)."""
    source = os.environ if env is None else env
    return "en" if source.get(LOCALE_VARIABLE, "") == "en" else "vi"
