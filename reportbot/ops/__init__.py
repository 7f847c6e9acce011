"""Operations: Prometheus metrics, health and readiness probes, log format and redaction.

The composition root calls `reportbot.ops.health.install_ops(web_app, probes=...)` once; it
adds `/metrics`, `/healthz` and `/readyz` to the bot's web server and returns the
`reportbot.ops.metrics.Metrics` whose hooks the pipeline, the connectors and the features call
(`reportbot.ops.wiring.measured` wraps the handler; `reportbot.ops.probes` and
`reportbot.ops.sources` hold ready-made probes and gauge sources). Nothing here imports the
composition root. This package imports nothing on its own: the CLI loads only `logs` and
`version`, not prometheus-client, at every start.
"""
