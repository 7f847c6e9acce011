"""The one interface every mirror backend implements, and the errors it raises."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from reportbot.mirror.records import MirrorBatch


class MirrorError(Exception):
    """The mirror could not be written; the message is safe to log and show an admin."""


class MirrorUnavailable(MirrorError):
    """The destination is down, slow or over quota: keep the changes and try again later."""


@runtime_checkable
class MirrorBackend(Protocol):
    """A place the submissions are mirrored to (a Google spreadsheet, a local workbook)."""

    name: str

    async def apply(self, batch: MirrorBatch) -> None:
        """Write the batch's rows in place (by submission id) and rewrite the status sheet.

        Idempotent: applying the same batch twice leaves the destination as after once.
        Raises `MirrorError` (or `MirrorUnavailable` when retrying later may help).
        """
        ...

    async def rebuild(self, batch: MirrorBatch) -> None:
        """Rewrite every worksheet of the batch's forms from scratch (resync)."""
        ...

    async def close(self) -> None:
        """Release what the backend holds (connections, files)."""
        ...
