"""The composition root: builds the running bot from plain imports, and runs it.

Settings -> store -> conversation service (pipeline and router) -> features (sheet mirror,
coordination, reminders: each handed a `Host`, never this module) -> connectors (found by entry
point) -> web server and job runner. See ARCHITECTURE.md for the route of a message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TextIO

from aiohttp import web

from connectors.base import Address, Connector, ConnectorContext, Incoming, Outgoing
from connectors.names import names_from
from reportbot import media, reminders
from reportbot.config import ConfigError, Settings
from reportbot.connectors_registry import ConnectorProblem, build_connectors
from reportbot.conversation.session import PersonInfo
from reportbot.conversation.state import IN_REPORT
from reportbot.coordination import chat as coordination
from reportbot.forms_folder import FormsLoadResult, form_files, load_forms
from reportbot.host import Host, Worker
from reportbot.jobs import JobRunner
from reportbot.mirror import extension as mirror
from reportbot.ops.health import install_ops
from reportbot.ops.metrics import Backlog, Metrics
from reportbot.ops.probes import (
    backlog_probe,
    connectors_probe,
    database_probe,
    holder_lock_probe,
    storage_probe,
    tortoise_pool_usage,
)
from reportbot.ops.sources import outbox_backlog, sheet_lag
from reportbot.ops.wiring import measured
from reportbot.reminders.worker import ReminderWorker
from reportbot.routing.router import Router
from reportbot.service import Clock, ConversationService, system_clock
from reportbot.stopping import stop_drain_seconds
from reportbot.store import inbox, storage_health
from reportbot.store import replies as reply_rows
from reportbot.store.database import close_database, open_database
from reportbot.store.kv import KeyValueStore
from reportbot.store.lease import HEARTBEAT, LEASE_TTL, Lease, holder_id
from reportbot.store.repository import Repository
from reportbot.web import extension as web_page
from reportbot.workers import roles
from reportbot.workers.consumer import InboxConsumer

log = logging.getLogger(__name__)
INBOX_PRUNE_INTERVAL_S = 6 * 3600
INBOX_READY_LIMIT = 1000  # /readyz says not ready while more updates than this wait
REDELIVERY_INTERVAL_S = 2.0  # a dead worker's unsent replies wait for this, not CONFIRM_WITHIN


class Application:
    """The running bot: owns the database session, the service and the connectors."""

    def __init__(
        self, settings: Settings, *, clock: Clock = system_clock, role: str = roles.ALL
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.role = role  # `reportbot run --role`: see reportbot.workers.roles
        self.consumer: InboxConsumer | None = None
        self.router = Router(refuse=coordination.refusal)
        self.router.in_report = self._in_report
        self.service = ConversationService(
            settings.timezone,
            clock=clock,
            default_locale=settings.locale,
            router=self.router,
            repository=Repository(shared=role != roles.ALL),  # several processes: no stale cache
            keeps_replies=self._confirms_delivery,
            reply_writer=lambda: self.consumer.writer() if self.consumer else None,
            # a worker serves no webhook: its consumer bounds its own concurrency
            processing_limit=None if role == roles.WORKER else settings.processing_limit,
        )
        self.web_app = web.Application()
        self.metrics = self._serve_ops(clock)
        # Routes present before any connector adds its webhook: the web server starts only
        # when a connector needs it (not for a console chat).
        self._own_routes = len(self.web_app.router.routes())
        self._started: list[str] = []
        self.connectors: list[Connector] = []
        self.jobs = JobRunner()
        self.host = Host(
            settings=settings,
            clock=clock,
            router=self.router,
            jobs=self.jobs,
            repository=self.service.repository,
            connectors=lambda: self.connectors,
            web_app=self.web_app,
        )
        self.workers: list[Worker] = self.host.workers
        self.service.registration.namer = names_from(lambda: self.connectors)  # OA names
        self.reminders: ReminderWorker = self._install_features()
        self._runner: web.AppRunner | None = None
        self._ready = False
        self._redelivery_lease = Lease(
            "reply-redelivery", holder_id(), ttl=LEASE_TTL, clock=clock, heartbeat=HEARTBEAT
        )

    def _serve_ops(self, clock: Clock) -> Metrics:
        """/healthz (ours: 503 until every part started), /readyz, /metrics and sources."""
        self.web_app.router.add_get("/healthz", self._health)
        metrics = install_ops(
            self.web_app,
            probes={
                "database": database_probe(),
                "connectors": connectors_probe(self._started_names, self._connector_names),
                "inbox": backlog_probe(self._inbox_backlog, limit=INBOX_READY_LIMIT),
                "storage": storage_probe(storage_health.recheck),
                "holder_lock": holder_lock_probe(
                    lambda: self.consumer.lock_problem() if self.consumer else ""
                ),
            },
            healthz=False,
        )
        metrics.add_backlog_source("inbox", self._inbox_backlog)
        metrics.add_backlog_source("outbox", outbox_backlog(clock))
        metrics.set_sheet_lag_source(sheet_lag(clock))
        metrics.set_pool_source(tortoise_pool_usage)
        return metrics

    def _install_features(self) -> ReminderWorker:
        """The features, in the order their routes and jobs are registered, then our own jobs."""
        self.service.use(media.install(self.host))
        mirror.install(self.host)
        coordination.install(self.host)
        web_page.install(self.host)  # its routes start the web server in every mode
        worker = reminders.install(self.host)
        self.jobs.add("inbox-prune", INBOX_PRUNE_INTERVAL_S, self._prune_inbox)
        self.jobs.add("reply-redelivery", REDELIVERY_INTERVAL_S, self._redeliver)
        return worker

    async def open(self) -> FormsLoadResult:
        """Connect and migrate the database, load the forms folder, start the service."""
        async with roles.migration_lock(self.settings.database_url):  # one migrator at a time
            await open_database(
                self.settings.database_url,
                pool_size=self.settings.database_pool,
                step_timeout=self.settings.migrate_step_timeout,
            )
        # Published on the bot's clock, never later than the real now: a demo clock moved
        # ahead (`chat --at`) writes no future time and still owes the period it shows.
        published = min(self.clock(), system_clock())
        result = await load_forms(form_files(self.settings.forms_dir), now=published)
        for issue in result.issues:
            log.error("form template not loaded: %s", issue)
        self.service.repository.forget_forms()
        await self.service.start()
        return result

    def context_for(
        self, config: dict[str, Any] | None = None
    ) -> Callable[[str], ConnectorContext]:
        """A factory of connector contexts (extra `config` is given to the console only)."""

        # A web process only stores updates; a worker serves no webhook (its connectors
        # register their routes on an application that is never served: they only send).
        handler = roles.store_only(self.service.accept) if self.role == roles.WEB else self.service
        web_app = web.Application() if self.role == roles.WORKER else self.web_app

        def make(name: str) -> ConnectorContext:
            connector_config = dict(self.settings.connector_config(name))
            if name == "console" and config:
                connector_config.update(config)
            return ConnectorContext(
                handler=measured(handler, self.metrics),
                env=self.settings.env,
                config=connector_config,
                web_app=web_app,
                media_dir=self.settings.media_dir,
                kv=KeyValueStore(name[:32]),  # the namespace column holds 32 characters
                delivered=self.service.delivered,
                accept=self.service.accept,
                rate_share=self._rate_share if self.role == roles.WORKER else None,
            )

        return make

    def add_connectors(
        self, *, only: set[str] | None = None, console: dict[str, Any] | None = None
    ) -> list[ConnectorProblem]:
        """Build the configured connectors; raise ConfigError on a configuration mistake."""
        connectors, problems = build_connectors(self.context_for(console), only=only)
        fatal = [p for p in problems if p.fatal]
        if fatal:
            first = fatal[0]
            raise ConfigError("connector", problem={"vi": first.line("vi"), "en": first.line("en")})
        self.connectors.extend(connectors)
        for connector in connectors:
            jobs = getattr(connector, "periodic_jobs", None)
            for name, interval_s, run in jobs() if callable(jobs) else ():
                self.jobs.add(f"{connector.name}:{name}", interval_s, run)
        return problems

    async def start(self) -> None:
        """Start the web server when a connector added webhook routes, then the connectors.

        By role: `web` starts the connectors' intake only (no handling, no jobs); `worker`
        starts no intake but the inbox consumer, the features' workers and the jobs.
        """
        if self.role == roles.WORKER:
            await self._start_worker()
            return
        if self.role == roles.WEB:
            await self._start_intake()
        else:
            async with self.service.recovery_hold():  # updates arriving now wait for `recover`
                await self._start_intake()
                await self._start_workers_and_recover()
            await self.jobs.start()
        self._ready = True

    async def _start_intake(self) -> None:
        if len(self.web_app.router.routes()) > self._own_routes or self.role == roles.WEB:
            await self._serve()
        for connector in self.connectors:
            await connector.start()
            self._started.append(connector.name)
            log.info("connector %s started", connector.name)

    async def _start_workers_and_recover(self) -> None:
        for worker in self.workers:
            await worker.start()
            log.info("worker %s started", worker.name)
        recovered = await self.service.recover(self._deliver, self._settle)
        if recovered:
            log.info("handled %d update(s) left in the inbox by the last run", recovered)

    async def run_until_stopped(self, stop: asyncio.Event) -> None:
        """Wait for a stop signal (or the console's end of input)."""
        waiters = [asyncio.create_task(stop.wait())]
        for connector in self.connectors:
            finished = getattr(connector, "finished", None)
            if isinstance(finished, asyncio.Event):
                waiters.append(asyncio.create_task(finished.wait()))
        _, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()

    async def close(self) -> None:
        """Stop the jobs (a reminder run finishes handing its messages to the connectors),
        stop connectors, finish commits, then stop workers (a last sheet flush sees every
        committed answer), close the web server and the database."""
        if self.consumer is not None:  # --role worker: finish the updates in hand first
            await self.consumer.stop(release=False)  # the lock covers the drain below
        # Before the connectors and the service: a job still running afterwards would send
        # through a stopped connector or commit through a closed committer.
        await self.jobs.stop()
        await self._stop_connectors(stop_drain_seconds(self.settings.env))
        if self.consumer is not None:
            with suppress(Exception):  # the database may be the reason for the stop
                await self.consumer.release()
        await self.service.close()
        # Only the one process of `all`: a web or worker process would make the live workers'
        # replies due (sent twice); a worker's own, written under its lock, go when it is free.
        with suppress(Exception):  # the database may be the reason for the stop
            kept = await reply_rows.due_now(self.clock()) if self.role == roles.ALL else 0
            if kept:
                log.warning("stop: replies of %d step(s) kept for the next start", kept)
        for worker in reversed(self.workers):
            with suppress(Exception):
                await worker.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        await close_database()

    async def _stop_connectors(self, drain_s: float) -> None:
        """Stop every connector (finishing what is in hand, sending what is queued) for at most
        `drain_s` seconds in all; what is left is cut off. Replies not yet confirmed stay in
        the outbox and are sent by the next start (`reply-redelivery`)."""
        stops = [asyncio.ensure_future(c.stop()) for c in reversed(self.connectors)]
        if not stops:
            return
        done, late = await asyncio.wait(stops, timeout=drain_s)
        for stop in done:
            if not stop.cancelled() and stop.exception() is not None:
                log.warning("a connector failed to stop cleanly: %s", stop.exception())
        if late:
            log.warning(
                "stop: %d connector(s) still sending after %.0f s; the rest is kept for the "
                "next start",
                len(late),
                drain_s,
            )
            for stop in late:
                stop.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    async def _start_worker(self) -> None:
        """The worker role: ops endpoints, features' workers, the inbox consumer, the jobs."""
        await self._serve()
        self._started.extend(c.name for c in self.connectors)  # they send; intake is the web's
        for worker in self.workers:
            await worker.start()
            log.info("worker %s started", worker.name)
        handler = measured(self.service, self.metrics)
        self.consumer = InboxConsumer(handler, self._deliver, self.clock)
        self._redelivery_lease.holder = self.consumer.holder  # taken at once when it dies
        await self.consumer.start(self.settings.database_url)
        await self.jobs.start()
        self._ready = True

    def _rate_share(self) -> float:
        """A worker's part of the platforms' bot-wide rates (all of it until it claims)."""
        return self.consumer.rate_share() if self.consumer is not None else 1.0

    async def _serve(self) -> None:
        self._runner = web.AppRunner(self.web_app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.http_host, self.settings.http_port)
        await site.start()
        log.info("listening on %s:%d", self.settings.http_host, self.settings.http_port)

    async def _deliver(self, address: Address, messages: list[Outgoing]) -> None:
        """Send to a person through the connector of their platform."""
        for connector in self.connectors:
            if connector.name == address.platform:
                await connector.send(address, messages)
                return
        log.warning("no %s connector to send a reply through", address.platform)

    def _settle(self, message: Incoming, replies: list[Outgoing]) -> None:
        """A recovered update was handled: its connector tidies up (`settle_recovered`)."""
        for connector in self.connectors:
            if connector.name == message.platform:
                connector.settle_recovered(message, replies)

    def _confirms_delivery(self, platform: str) -> bool:
        """Whether the connector of `platform` confirms deliveries (so replies are kept)."""
        return any(
            c.name == platform and getattr(c.capabilities, "confirms_delivery", False)
            for c in self.connectors
        )

    async def _redeliver(self) -> None:
        if self.consumer is not None and self.consumer.writer() is None:
            return  # its holder lock is not held: others would take the lease as a dead one's
        if self.role != roles.ALL and not await self._redelivery_lease.acquire():
            return  # another worker sends them: once across processes
        try:
            sent = await self.service.redeliver(self._deliver)
        except Exception as error:  # the database is away (drills: pg-freeze): next run
            log.warning("reply redelivery postponed: %s", type(error).__name__)
            return
        if sent.replies:
            log.warning("sent again the replies of %d step(s) no connector confirmed", sent.replies)
        if sent.notices:  # expected traffic, not a delivery problem
            log.info("sent %d notice(s) of a colleague's change", sent.notices)

    async def _prune_inbox(self) -> None:
        removed = await inbox.prune(self.clock())
        if removed:
            log.info("inbox: %d handled update(s) older than a week removed", removed)

    async def _in_report(self, person: PersonInfo) -> bool:
        """Whether the person is answering a report (their typed text is then an answer)."""
        return (await self.service.repository.conversation(person.id)).mode in IN_REPORT

    def _started_names(self) -> list[str]:
        return list(self._started)

    def _connector_names(self) -> list[str]:
        return [c.name for c in self.connectors]

    async def _inbox_backlog(self) -> Backlog:
        count, oldest = await inbox.backlog()
        age = (self.clock() - oldest).total_seconds() if oldest else 0.0
        return Backlog(count, max(age, 0.0))

    async def _health(self, _request: web.Request) -> web.Response:
        """200 once every part started and while every connector says it is healthy (a
        Telegram poller that keeps failing, for one); 503 otherwise."""
        names = [c.name for c in self.connectors]
        receiving = self.connectors if self.role != roles.WORKER else []  # a worker only sends
        unhealthy = [c.name for c in receiving if getattr(c, "healthy", True) is False]
        ok = self._ready and not unhealthy
        body = {"ok": ok, "connectors": names, "unhealthy": unhealthy}
        for connector in self.connectors:
            health = getattr(connector, "health", None)
            if callable(health):
                body[connector.name] = health()
        return web.json_response(body, status=200 if ok else 503)


def console_config(user_id: str, display_name: str, stdin: TextIO | None, stdout: TextIO | None):
    """The console connector's configuration for one person."""
    return {"user_id": user_id, "display_name": display_name, "stdin": stdin, "stdout": stdout}
