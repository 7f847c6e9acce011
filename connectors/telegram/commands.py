"""The bot's command menu (setMyCommands) in Vietnamese and English."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from aiogram.types import BotCommand

from reportbot.conversation.commands import COMMANDS

_TELEGRAM_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


class _Spec(Protocol):
    name: str
    words: tuple[str, ...]
    menu_vi: str
    menu_en: str
    in_menu: bool


def menu(specs: Iterable[_Spec], language: str) -> list[BotCommand]:
    """The menu for one language: the Vietnamese word, or the English one where it exists."""
    commands: list[BotCommand] = []
    seen: set[str] = set()
    for spec in specs:
        if not spec.in_menu:
            continue
        word = _word(spec, language)
        if word is None or word in seen:
            continue
        seen.add(word)
        description = spec.menu_en if language == "en" else spec.menu_vi
        commands.append(BotCommand(command=word, description=description[:256]))
    return commands


def _word(spec: _Spec, language: str) -> str | None:
    candidates = [word for word in spec.words if _TELEGRAM_COMMAND.match(word)]
    if not candidates:
        return None
    if language == "en" and spec.name in candidates:
        return spec.name
    return candidates[0]


def menus() -> dict[str | None, list[BotCommand]]:
    """Menus by language code (None: the default for every other language)."""
    vietnamese = menu(COMMANDS, "vi")
    return {None: vietnamese, "vi": vietnamese, "en": menu(COMMANDS, "en")}
