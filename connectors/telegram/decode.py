"""Reading raw updates one by one, so that no update Telegram sends can stop intake.

aiogram validates a whole getUpdates answer at once: one update in a shape its models do not
accept (a legacy forward without `sender_user_name`, aiogram issue #1840; a restricted member
from before Bot API 6.5; a poll option without `persistent_id`) fails the batch, and the same
batch comes back forever. Here each update is validated alone. One that does not validate is
logged once (id, type, the fields at fault; never its text), kept raw in a bounded JSON-lines
file, and read again without the fields at fault (a forward loses its origin, the text stays);
if even that fails it is skipped, and polling confirms it all the same.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from pydantic import ValidationError

log = logging.getLogger(__name__)

UNREADABLE_FILE = "telegram-unreadable-updates.jsonl"
MAX_FILE_BYTES = 1_000_000  # then the file is moved to .1 and a new one begun: 2 MB at most
MAX_ENTRY_BYTES = 64_000  # a bigger update is kept as a stub (Telegram's are a few kB)
MAX_TRIMS = 5
# Fields without which an update is not worth reading; a fault there drops the whole payload.
ESSENTIAL = frozenset({"update_id", "message_id", "chat", "date", "id", "chat_instance"})


def update_type(data: Any) -> str:
    """The kind of a raw update ("message", "poll", ...), "unknown" when it has none."""
    if isinstance(data, dict):
        for key in data:
            if key != "update_id":
                return str(key)
    return "unknown"


def update_id_of(data: Any) -> int | None:
    """The update_id of a raw update, if it has a proper one."""
    if isinstance(data, dict):
        value = data.get("update_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


class UnreadableLog:
    """A bounded JSON-lines file of the raw updates that did not decode, for inspection."""

    def __init__(self, path: Path, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes

    def keep(self, data: Any, faults: Sequence[str]) -> None:
        """Append one update; rotate the file when it is over its size. Never raises."""
        entry = {
            "at": int(time.time()),
            "update_id": update_id_of(data),
            "type": update_type(data),
            "faults": list(faults),
            "update": data,
        }
        line = json.dumps(entry, ensure_ascii=False, default=str)
        if len(line.encode()) > MAX_ENTRY_BYTES:
            entry["update"] = "(too large to keep)"
            line = json.dumps(entry, ensure_ascii=False, default=str)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and self.path.stat().st_size + len(line) > self.max_bytes:
                os.replace(self.path, self.path.with_name(self.path.name + ".1"))
            with self.path.open("a", encoding="utf-8") as file:
                file.write(line + "\n")
        except OSError as error:
            log.error("telegram: could not keep an unreadable update in %s: %s", self.path, error)


class UpdateReader:
    """Turns raw update JSON into aiogram Updates, one at a time, never raising."""

    def __init__(self, bot: Bot, unreadable: UnreadableLog | None) -> None:
        self.bot = bot
        self.unreadable = unreadable
        self.faulty = 0  # updates that did not validate as sent
        self.skipped = 0  # of those, updates that could not be read at all

    def read(self, data: Any) -> Update | None:
        """The Update, possibly without fields at fault; None when nothing could be read."""
        try:
            return Update.model_validate(data, context={"bot": self.bot})
        except ValidationError as error:
            first = error
        self.faulty += 1
        faults = _faults(first)
        if self.unreadable is not None:
            self.unreadable.keep(data, faults)
        update, dropped = _trimmed(data, first, self.bot)
        # Skipped means something a user sent may be lost: an error, not a warning.
        log.log(
            logging.WARNING if update is not None else logging.ERROR,
            "telegram: update %s (%s) does not decode (%s); %s",
            update_id_of(data),
            update_type(data),
            "; ".join(faults[:5]),
            f"read without {', '.join(dropped)}" if update is not None else "skipped",
        )
        if update is None:
            self.skipped += 1
        return update


def _faults(error: ValidationError) -> list[str]:
    """Where and what, without the values (they may hold what a user wrote)."""
    return [
        f"{'.'.join(str(part) for part in item['loc'])}: {item['type']}"
        for item in error.errors(include_url=False, include_input=False)
    ]


def _trimmed(data: Any, error: ValidationError, bot: Bot) -> tuple[Update | None, list[str]]:
    if update_id_of(data) is None:
        return None, []
    trimmed = copy.deepcopy(data)
    dropped: list[str] = []
    for _ in range(MAX_TRIMS):
        paths = {_droppable(trimmed, item["loc"]) for item in error.errors(include_url=False)}
        paths.discard(())
        if not paths:
            return None, dropped
        for path in sorted(paths, key=len):
            if _delete(trimmed, path):
                dropped.append(".".join(str(part) for part in path))
        try:
            update = Update.model_validate(trimmed, context={"bot": bot})
        except ValidationError as again:
            error = again
            continue
        return update, dropped
    return None, dropped


def _droppable(data: dict[str, Any], loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The field to drop for a fault at `loc`: the highest non-essential one on its way.

    Parts of `loc` that are not keys of the data (pydantic's union tags) are skipped. With no
    such field the whole payload goes ("message"), leaving an update of nothing.
    """
    path: list[int | str] = []
    node: Any = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
        else:
            continue
        path.append(part)
        if len(path) >= 2 and isinstance(part, str) and part not in ESSENTIAL:
            return tuple(path)
    if path and path[0] != "update_id":
        return (path[0],)
    return ()


def _delete(data: dict[str, Any], path: tuple[int | str, ...]) -> bool:
    node: Any = data
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(node, dict) and path[-1] in node:
        del node[path[-1]]
        return True
    return False
