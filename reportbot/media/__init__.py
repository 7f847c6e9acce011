"""Feature: the files people send (photos, documents) and how long they are kept.

`install(host)` builds the media gate (`gate.MediaGate`, a middleware the composition root puts
after the person's lock) and, when a retention is set, registers the job that deletes files
older than it (`REPORTBOT_MEDIA_RETENTION_DAYS`; 0, the default, keeps them).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from reportbot.media import files
from reportbot.media.config import MediaSettings, media_settings
from reportbot.media.gate import MediaGate

if TYPE_CHECKING:
    from reportbot.host import Host

__all__ = ["MediaGate", "MediaSettings", "install", "media_settings"]
log = logging.getLogger(__name__)
RETENTION_INTERVAL_S = 6 * 3600.0


def install(host: Host) -> MediaGate:
    """The gate for the service's pipeline, and the retention job on the host's runner."""
    settings = media_settings(host.settings.env)
    media_dir = host.settings.media_dir
    gate = MediaGate(
        media_dir=media_dir,
        settings=settings,
        repository=host.repository,
        connectors=host.connectors,
    )
    if settings.retention_days > 0:

        async def sweep() -> int:
            # Deleting by age is idempotent, so no lease: two processes may both sweep.
            removed = await asyncio.to_thread(files.sweep, media_dir, settings.retention_days)
            log.info(
                "media retention: %d file(s) older than %d days deleted",
                removed,
                settings.retention_days,
            )
            return removed

        host.jobs.add("media-retention", RETENTION_INTERVAL_S, sweep)
    return gate
