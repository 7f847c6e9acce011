"""What the composition root hands a feature (mirror, reminders, coordination).

A feature never imports the application that installs it: it receives this host, takes what it
needs (settings, clock, the conversation caches, the connectors) and registers its chat routes
on the router, its periodic jobs on the job runner, and any long-running worker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from aiohttp import web

from connectors.base import Connector
from reportbot.config import Settings
from reportbot.jobs import JobRunner
from reportbot.routing.router import Router
from reportbot.store.repository import Repository


class Worker(Protocol):
    """A background part of the running bot with its own start and stop."""

    name: str

    async def start(self) -> None:
        """Begin working in the background; return once running."""

    async def stop(self) -> None:
        """Stop and finish what is in hand."""


@dataclass(slots=True)
class Host:
    """The parts of the running bot a feature may use."""

    settings: Settings
    clock: Callable[[], datetime]
    router: Router
    jobs: JobRunner
    repository: Repository
    connectors: Callable[[], Sequence[Connector]]
    workers: list[Worker] = field(default_factory=list)
    web_app: web.Application | None = None  # the bot's web server (routes of a feature)
    on_stop: list[Callable[[], object]] = field(default_factory=list)
