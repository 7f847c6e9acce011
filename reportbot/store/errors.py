"""Database errors the rest of the application may need to recognise, without tortoise."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError


def is_integrity_error(error: BaseException) -> bool:
    """Whether `error` is a unique or foreign-key violation (a row created concurrently)."""
    return isinstance(error, IntegrityError)
