"""Errors of start-up that carry their sentence in each language and are shown in one.

A `StartupError` holds a key of the `startup` catalogue and its parameters (the variable, the
offending value), not a finished string: the command line prints it in the bot's locale once
the settings are read (`text(locale)`), and `str()` gives it in REPORTBOT_LOCALE's language,
Vietnamese when that variable is unset or wrong (it may be the very setting that failed).
"""

from __future__ import annotations

from reportbot.language import env_locale
from reportbot.startup_texts import STARTUP


class StartupError(Exception):
    """A start-up problem as a catalogue key and parameters; one line in one language."""

    def __init__(self, key: str, /, **params: object) -> None:
        if key not in STARTUP:
            raise KeyError(f"no startup text {key!r}")
        super().__init__(key)
        self.key = key
        self.params = params
        self.locale: str | None = None  # the settings' language, once known

    def text(self, locale: str) -> str:
        """The line in `locale` (Vietnamese unless it is English)."""
        return STARTUP.say(self.key, "en" if locale == "en" else "vi", **self.params)

    def __str__(self) -> str:
        return self.text(self.locale or env_locale())


class ConfigError(StartupError, ValueError):
    """A setting is wrong; the line names it, quotes the value and says what is expected."""
