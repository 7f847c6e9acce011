"""Operations: Prometheus metrics, health and readiness probes, log format and redaction.

The composition root calls `install_ops(web_app, probes=...)` once; it adds `/metrics`,
`/healthz` and `/readyz` to the bot's web server and returns the `Metrics` whose hooks the
pipeline, the connectors and the features call. Nothing here imports the composition root.
"""

from reportbot.ops.health import Probe, ProbeResult, install_ops
from reportbot.ops.metrics import Backlog, Metrics
from reportbot.ops.wiring import measured

__all__ = ["Backlog", "Metrics", "Probe", "ProbeResult", "install_ops", "measured"]
