"""The store's exceptions, for callers that must not import the ORM."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

# A unique constraint refused a row (e.g. two officers of a unit created the same report at
# once): the caller reloads and decides again.
ConflictError = IntegrityError

__all__ = ["ConflictError"]
