"""Finding connectors: every one, built in or third-party, comes from an entry point.

`reportbot` imports no connector by name; a plugin package adds a platform by declaring an
entry point in the ``reportbot.connectors`` group.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from connectors.base import ENTRY_POINT_GROUP, Connector, ConnectorContext, ConnectorStartError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConnectorProblem:
    """A connector that could not be loaded or configured."""

    name: str
    message: str
    fatal: bool = False  # a configuration error (stop start-up), not a broken plugin
    # The line by language when the connector gave both (ConnectorStartError), else empty.
    texts: Mapping[str, str] = field(default_factory=dict)

    def line(self, locale: str) -> str:
        """`name: problem` in `locale` (the connector's one text when it gave only one)."""
        text = self.texts.get("en" if locale == "en" else "vi") or self.message
        return text if text.startswith(f"{self.name}:") else f"{self.name}: {text}"


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
            fatal = isinstance(exc, ValueError)
            # A configuration mistake is the caller's one line to print (it stops start-up);
            # logged too, it would be said twice.
            log.log(
                logging.DEBUG if fatal else logging.WARNING,
                "connector %s could not start: %s",
                entry.name,
                exc,
            )
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            texts = dict(exc.texts) if isinstance(exc, ConnectorStartError) else {}
            problems.append(ConnectorProblem(entry.name, message, fatal, texts))
            continue
        if connector is not None:
            connectors.append(connector)
    return connectors, problems
