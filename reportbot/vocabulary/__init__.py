"""The bot's vocabulary: one place for its sentences, its figures and its named kinds.

- `catalogue`: every message catalogue registered under a namespace; `say(key, locale, **params)`.
- `format`: dates, times, numbers, percentages and deadlines, Vietnamese first, English second.
- `kinds`: unit types, period kinds and people's roles, declared once with their names.
- `os_errors`: why an operating-system call failed, in our words for the common causes.

This package imports nothing else of the bot, so the pure engine and every feature can use it.
"""

from __future__ import annotations

from reportbot.vocabulary.catalogue import Catalogue, register, say

__all__ = ["Catalogue", "register", "say"]
