"""`/metrics`, `/healthz` and `/readyz` on the bot's web server.

`/healthz` answers liveness: the process is up and its event loop answers (a container
orchestrator restarts the process when it does not). `/readyz` answers readiness: every probe
(database reachable, connectors started, backlog under a threshold) passes within its deadline;
a load balancer sends traffic only to a ready process. Probes run concurrently, each bounded
by a timeout, so a hung database makes `/readyz` answer 503 quickly instead of hanging.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

from reportbot.ops.metrics import Metrics
from reportbot.ops.version import package_version

PROBE_TIMEOUT = 2.0
METRICS_KEY: web.AppKey[Metrics] = web.AppKey("reportbot_metrics", Metrics)


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """One readiness check: passed or not, and a short reason (never a secret or a trace)."""

    ok: bool
    detail: str = ""


Probe = Callable[[], Awaitable[ProbeResult]]


def install_ops(
    web_app: web.Application,
    *,
    probes: Mapping[str, Probe] | None = None,
    metrics: Metrics | None = None,
    probe_timeout: float = PROBE_TIMEOUT,
    healthz: bool = True,
) -> Metrics:
    """Add `/metrics`, `/readyz` (and `/healthz` unless `healthz=False`) to `web_app`.

    Returns the `Metrics` to feed (a new one unless given). `probes` maps a check's name to
    an async callable; see `reportbot.ops.probes` for the database, connector and backlog ones.
    """
    metrics = metrics or Metrics()
    checks = dict(probes or {})
    started = time.monotonic()
    web_app[METRICS_KEY] = metrics

    async def metrics_handler(_request: web.Request) -> web.Response:
        body, content_type = await metrics.render()
        # The header as given, version parameter included: Prometheus picks its parser by it.
        return web.Response(body=body, headers={"Content-Type": content_type})

    async def healthz_handler(_request: web.Request) -> web.Response:
        uptime = round(time.monotonic() - started, 3)
        return web.json_response({"ok": True, "version": package_version(), "uptime": uptime})

    async def readyz_handler(_request: web.Request) -> web.Response:
        results = await run_probes(checks, probe_timeout)
        ready = all(result.ok for result in results.values())
        body = {
            "ok": ready,
            "checks": {name: {"ok": r.ok, "detail": r.detail} for name, r in results.items()},
        }
        return web.json_response(body, status=200 if ready else 503)

    web_app.router.add_get("/metrics", metrics_handler)
    web_app.router.add_get("/readyz", readyz_handler)
    if healthz:
        web_app.router.add_get("/healthz", healthz_handler)
    return metrics


async def run_probes(probes: Mapping[str, Probe], timeout: float) -> dict[str, ProbeResult]:
    """Run every probe concurrently; a probe that raises or overruns `timeout` fails.

    An overrunning probe is cancelled but not awaited: a coroutine may take long to unwind
    (asyncpg cancelling a query waits on the frozen server), and the answer must not wait.
    """

    async def one(name: str) -> ProbeResult:
        task = asyncio.create_task(probes[name](), name=f"readyz-{name}")
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            task.cancel()
            _ABANDONED.add(task)  # a reference until it unwinds, so it is not collected
            task.add_done_callback(_forget)
            return ProbeResult(False, f"no answer within {timeout:g} s")
        if task.cancelled():
            return ProbeResult(False, "cancelled")
        exc = task.exception()
        if exc is not None:  # the reason is the exception's kind, never its text
            return ProbeResult(False, f"failed: {type(exc).__name__}")
        return task.result()

    names = list(probes)
    results = await asyncio.gather(*(one(name) for name in names))
    return dict(zip(names, results, strict=True))


_ABANDONED: set[asyncio.Task[ProbeResult]] = set()


def _forget(task: asyncio.Task[ProbeResult]) -> None:
    """Drop an abandoned probe once it has unwound, reading its outcome so none is logged."""
    _ABANDONED.discard(task)
    if not task.cancelled():
        task.exception()
