"""Small adapters that connect the metrics to the running bot without editing its parts.

`measured(handler, metrics)` wraps the connector-facing handler (the conversation service):
each call counts an update received on its platform, and once the handler returns (its reply
committed, see ARCHITECTURE.md step 10) an update handled with its duration. The composition
root passes the wrapped handler in each `ConnectorContext`; connectors are unaware of it.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

from connectors.base import Incoming, Outgoing
from reportbot.ops.metrics import Metrics

Handler = Callable[[Incoming], Awaitable[Sequence[Outgoing]]]


def measured(handler: Handler, metrics: Metrics) -> Handler:
    """`handler`, counting each update and timing it to its committed reply."""

    async def handle(message: Incoming) -> Sequence[Outgoing]:
        metrics.update_received(message.platform)
        started = time.monotonic()
        try:
            replies = await handler(message)
        except BaseException:
            metrics.handled(message.platform, time.monotonic() - started, ok=False)
            raise
        metrics.handled(message.platform, time.monotonic() - started)
        return replies

    return handle
