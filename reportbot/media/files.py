"""The media folder on disk: one sub-folder per person, sizes, deletion and retention.

Files of answers live in ``<media>/people/<person id>/``: the quota is what that folder holds
(the disk is the truth, so a file deleted by hand frees its place), and answers store the path
relative to the media folder, so moving the folder breaks nothing.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)
PEOPLE = "people"
PARTIAL_SUFFIX = ".part"


def person_folder(media_dir: Path, person_id: int) -> Path:
    """Where one person's files go."""
    return media_dir / PEOPLE / str(int(person_id))


def used_bytes(folder: Path) -> int:
    """The bytes a person's folder holds (an absent folder holds none)."""
    if not folder.is_dir():
        return 0
    total = 0
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            total += entry.stat(follow_symlinks=False).st_size
    return total


def relative(media_dir: Path, path: str | Path) -> str:
    """`path` relative to the media folder, with forward slashes (what an answer stores)."""
    return Path(path).resolve().relative_to(media_dir.resolve()).as_posix()


def delete(paths: Iterable[str | Path]) -> int:
    """Remove files (absent ones are fine); return how many were removed."""
    removed = 0
    for path in paths:
        try:
            Path(path).unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def sweep(media_dir: Path, older_than_days: int, *, now: float | None = None) -> int:
    """Delete people's files last written more than `older_than_days` days ago; return the
    count. Leftover partial downloads go too. Safe to run in several processes at once."""
    root = media_dir / PEOPLE
    if older_than_days <= 0 or not root.is_dir():
        return 0
    limit = (time.time() if now is None else now) - older_than_days * 86_400
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # another process swept it first
    return removed
