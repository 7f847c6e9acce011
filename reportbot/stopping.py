"""How the bot stops: on SIGINT/SIGTERM, waiting a bounded time for the sends still queued."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Mapping
from contextlib import suppress

log = logging.getLogger(__name__)

STOP_DRAIN_S = 10.0  # default of REPORTBOT_STOP_DRAIN_S: how long a stop waits for sends


def stop_drain_seconds(env: Mapping[str, str]) -> float:
    """REPORTBOT_STOP_DRAIN_S: seconds a graceful stop waits for queued sends (default 10)."""
    raw = env.get("REPORTBOT_STOP_DRAIN_S", "")
    try:
        value = float(raw) if raw.strip() else STOP_DRAIN_S
    except ValueError:
        log.warning("REPORTBOT_STOP_DRAIN_S=%r is not a number; using %.0f s", raw, STOP_DRAIN_S)
        return STOP_DRAIN_S
    return value if 0 <= value <= 600 else STOP_DRAIN_S


def install_signal_handlers(stop: asyncio.Event) -> None:
    """Stop cleanly on SIGINT/SIGTERM."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
