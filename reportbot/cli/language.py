"""The command line speaks one language at a time (see `reportbot.language`, where `say` lives
so that features' subcommands can share it without importing the composition root)."""

from __future__ import annotations

from reportbot.language import say

__all__ = ["say"]
