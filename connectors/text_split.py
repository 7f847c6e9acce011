"""Long texts cut into pieces a platform accepts (Telegram 4096, Zalo 2000 characters)."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Split text into pieces of at most `limit` characters, on line boundaries if possible."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        # A single line longer than the limit is cut on spaces, then hard.
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            if cut <= 0:
                cut = limit
            pieces.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        current = line
    if current:
        pieces.append(current)
    return pieces
