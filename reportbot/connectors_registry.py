"""Finding connectors: every one, built in or third-party, comes from an entry point.

`reportbot` imports no connector by name; a plugin package adds a platform by declaring an
entry point in the ``reportbot.connectors`` group.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from connectors.base import ENTRY_POINT_GROUP, Connector, ConnectorContext

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConnectorProblem:
    """A connector that could not be loaded or configured."""

    name: str
    message: str
    fatal: bool = False  # a configuration error (stop start-up), not a broken plugin


def available_connectors() -> list[str]:
    """Names of every installed connector entry point."""
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def build_connectors(
    context_for: Any, *, only: set[str] | None = None
) -> tuple[list[Connector], list[ConnectorProblem]]:
    """Load every entry point (or only some) and ask each factory for a configured connector.

    `context_for(name)` returns the ConnectorContext for a connector name. A factory that
    returns None is simply not configured; one that fails to import or raises is reported.
    """
    connectors: list[Connector] = []
    problems: list[ConnectorProblem] = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
        if only is not None and entry.name not in only:
            continue
        try:
            factory = entry.load()
            context: ConnectorContext = context_for(entry.name)
            connector = factory(context)
        except Exception as exc:  # a broken plugin must not stop the others
            log.warning("connector %s could not start: %s", entry.name, exc)
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            fatal = isinstance(exc, ValueError)
            problems.append(ConnectorProblem(entry.name, message, fatal))
            continue
        if connector is not None:
            connectors.append(connector)
    return connectors, problems
