"""The mirror in the running bot (a background worker) and on the command line.

`install(host)` schedules the outbox flush on the host's job runner and adds a last flush at
stop; `register(commands)` adds `reportbot sheets resync | status | flush`. The backend is
Google Sheets when it is configured, else the local workbook (`REPORTBOT_MIRROR_XLSX`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from reportbot.config import ConfigError, Settings
from reportbot.language import say
from reportbot.mirror.apart import communes_apart
from reportbot.mirror.backend import MirrorBackend, MirrorError
from reportbot.mirror.config import google_configured, routed_backend_from_env
from reportbot.mirror.source import ResyncMailbox, StoreMirrorSource
from reportbot.mirror.worker import MirrorWorker
from reportbot.store.lease import HEARTBEAT, LEASE_TTL, Lease, LeaseState, holder_id, lease_state
from reportbot.vocabulary.format import datetime_text

if TYPE_CHECKING:
    from reportbot.host import Host

log = logging.getLogger(__name__)

ENV_INTERVAL = "REPORTBOT_SHEETS_INTERVAL"
LEASE_NAME = "sheet-mirror"
STOP_FLUSH_TIMEOUT_S = 15.0
RESYNC_WAIT_S = 120.0  # how long `sheets resync` waits for the running bot to rebuild


def _mirror_env(settings: Settings) -> dict[str, str]:
    """The environment the mirror reads, with the workbook of the settings (or its file)."""
    env = dict(settings.env)
    env.setdefault("REPORTBOT_MIRROR_XLSX", str(settings.mirror_xlsx))
    return env


def make_backend(settings: Settings) -> MirrorBackend:
    """The configured backend; a misconfiguration is a ConfigError naming the variable."""
    env = _mirror_env(settings)
    try:
        return routed_backend_from_env(env, tz=settings.timezone.key)
    except (MirrorError, ValueError) as error:
        raise ConfigError("mirror", problem=str(error)) from error


def describe_backend(settings: Settings) -> str:
    """Where the mirror writes, for people (no secrets)."""
    env = settings.env
    if google_configured(env):
        target = env.get("REPORTBOT_SPREADSHEET_ID") or env.get("REPORTBOT_SPREADSHEET_IDS", "")
        via = env.get("REPORTBOT_GOOGLE_SHEETS_API_URL") or "Google"
        return f"Google Sheets {target} ({via})"
    workbook = say(settings.locale, "tệp Excel", "workbook")
    return f"{workbook} {env.get('REPORTBOT_MIRROR_XLSX') or settings.mirror_xlsx}"


def _interval(settings: Settings) -> float:
    raw = settings.env.get(ENV_INTERVAL, "").strip()
    try:
        value = float(raw) if raw else 5.0
    except ValueError:
        value = 0.0  # not a number: said like a negative one
    if value <= 0:
        raise ConfigError("positive", name=ENV_INTERVAL, value=raw[:20])
    return value


class MirrorService:
    """The mirror in the running bot: a flush every interval (backing off after failures),
    the status sheet refreshed when idle, and one last flush at stop."""

    name = "sheet-mirror"

    def __init__(self, worker: MirrorWorker) -> None:
        self.worker = worker
        self._resume_at = 0.0

    async def tick(self) -> None:
        """One scheduled flush; skipped while backing off after a failure."""
        loop = asyncio.get_running_loop()
        if loop.time() < self._resume_at:
            return
        await self.worker.cycle()
        if self.worker.consecutive_failures:
            self._resume_at = loop.time() + self.worker.next_delay()

    async def start(self) -> None:
        """Nothing to start: the job runner calls `tick`."""

    async def stop(self) -> None:
        """Try to deliver what is left (briefly), release the lease, close the backend."""
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(self.worker.run_once(), STOP_FLUSH_TIMEOUT_S)
        if self.worker.lease is not None:
            with contextlib.suppress(Exception):
                await self.worker.lease.release()
        await self.worker.backend.close()


def build_worker(settings: Settings, clock: Any = None) -> MirrorWorker:
    """A worker over the store and the configured backend."""
    options = {"clock": clock} if clock is not None else {}
    source = StoreMirrorSource(settings.timezone, **options)
    # A short lease renewed by a heartbeat: a bot killed while holding it frees the sheet
    # within LEASE_TTL (10 s), and another process resumes flushing.
    lease = Lease(
        LEASE_NAME,
        holder_id(),
        ttl=LEASE_TTL,
        heartbeat=HEARTBEAT,
        clock=clock or (lambda: datetime.now(UTC)),
    )
    return MirrorWorker(
        make_backend(settings),
        source,
        interval_s=_interval(settings),
        lease=lease,
        requests=ResyncMailbox(),
    )


def install(host: Host) -> MirrorService:
    """Schedule the sheet mirror in the running bot; its last flush runs at stop."""
    service = MirrorService(build_worker(host.settings, host.clock))
    host.jobs.add(LEASE_NAME, service.worker.interval_s, service.tick)
    host.workers.append(service)
    log.info("sheet mirror: %s", describe_backend(host.settings))
    return service


def register(commands: Any) -> None:
    """Add `reportbot sheets ...` to the command line."""
    sheets = commands.add_parser("sheets", help="sheet mirror (Google Sheets or .xlsx)")
    tasks = sheets.add_subparsers(metavar="TASK")
    tasks.add_parser("resync", help="rebuild every worksheet from the database").set_defaults(
        func=_resync
    )
    tasks.add_parser("status", help="backlog and last error").set_defaults(func=_status)
    tasks.add_parser("flush", help="deliver pending changes now").set_defaults(func=_flush)


async def _with_worker(settings: Settings, job: Any) -> int:
    from reportbot.store.database import close_database, open_database

    await open_database(settings.database_url)
    worker = build_worker(settings)
    try:
        return await job(worker)
    except MirrorError as error:
        print(f"reportbot: {say(settings.locale, 'bảng tính lỗi', 'sheet error')}: {error}")
        return 1
    finally:
        if worker.lease is not None:
            await worker.lease.release()
        await worker.backend.close()
        await close_database()


def _rebuilt(settings: Settings, count: int) -> str:
    """The line that says the sheet was rebuilt, in the admin's language."""
    done = say(
        settings.locale,
        f"đã dựng lại bảng tính từ cơ sở dữ liệu: {count} báo cáo",
        f"rebuilt {count} reports from the database",
    )
    return f"reportbot: {done} → {describe_backend(settings)}"


def _holder_text(state: LeaseState | None, settings: Settings) -> str:
    """'máy:pid:… (từ 10:05:00 30/11/2026)' for messages about who holds the mirror."""
    if state is None:
        return "?"
    if state.since is None:
        return state.holder
    since = datetime_text(state.since, settings.timezone, seconds=True)
    return f"{state.holder} ({say(settings.locale, 'từ', 'since')} {since})"


async def _busy(settings: Settings) -> str:
    return _holder_text(await lease_state(LEASE_NAME), settings)


async def _resync(_args: argparse.Namespace, settings: Settings) -> int:
    async def job(worker: MirrorWorker) -> int:
        if worker.lease is not None and not await worker.lease.acquire():
            return await _ask_running_mirror(settings)
        print(_rebuilt(settings, await worker.resync()))
        return 0

    return await _with_worker(settings, job)


async def _ask_running_mirror(settings: Settings) -> int:
    """Another process holds the mirror: ask it to rebuild and wait for its answer."""
    mailbox = ResyncMailbox()
    request_id = await mailbox.request()
    lang, holder = settings.locale, await _busy(settings)
    asked = say(
        lang,
        f"tiến trình {holder} đang ghi bảng tính; đã yêu cầu nó dựng lại…",
        f"another process ({holder}) holds the mirror; asked it to rebuild…",
    )
    print(f"reportbot: {asked}")
    answer = await mailbox.wait(request_id, RESYNC_WAIT_S)
    if answer is None:
        waiting = say(
            lang,
            "chưa có trả lời; yêu cầu được giữ lại cho lần ghi tới",
            "no answer yet; the request stays for its next flush",
        )
        print(f"reportbot: {waiting}")
        return 1
    count, error = answer
    if error is not None:
        print(f"reportbot: {say(lang, 'bảng tính lỗi', 'sheet error')}: {error}")
        return 1
    print(_rebuilt(settings, count))
    return 0


async def _flush(_args: argparse.Namespace, settings: Settings) -> int:
    async def job(worker: MirrorWorker) -> int:
        count = await worker.run_once()
        lang = settings.locale
        if worker.lease_busy and count == 0:
            holder = await _busy(settings)
            busy = say(
                lang,
                f"tiến trình khác đang ghi bảng tính: {holder}; nó sẽ ghi các thay đổi đang chờ",
                f"another process holds the mirror: {holder}; it delivers the pending changes",
            )
            print(f"reportbot: {busy}")
            return 1
        done = say(lang, f"đã ghi {count} thay đổi", f"delivered {count} changes")
        print(f"reportbot: {done}")
        return 0

    return await _with_worker(settings, job)


async def _status(_args: argparse.Namespace, settings: Settings) -> int:
    async def job(worker: MirrorWorker) -> int:
        source = worker.source
        assert isinstance(source, StoreMirrorSource)
        lang, backlog = settings.locale, await source.backlog()
        none = say(lang, "không có", "none")
        print(f"{say(lang, 'Nơi ghi', 'Destination')}: {describe_backend(settings)}")
        own = await communes_apart(_mirror_env(settings))
        if own:  # the other communes' rows are in the destination above
            codes = ", ".join(commune.code for commune in own)
            print(f"{say(lang, 'Xã có bảng tính riêng', 'Communes with their own sheet')}: {codes}")
        state = await lease_state(LEASE_NAME)
        held = none
        if state is not None and state.live(datetime.now(UTC)):
            held = _holder_text(state, settings)
        print(f"{say(lang, 'Đang ghi bởi', 'Mirror held by')}: {held}")
        print(f"{say(lang, 'Thay đổi đang chờ', 'Backlog')}: {backlog}")
        oldest = await source.oldest()
        if oldest is not None:
            local = datetime_text(oldest, settings.timezone)
            print(f"{say(lang, 'Thay đổi cũ nhất', 'Oldest change')}: {local}")
        failures = await source.failures()
        if not failures:
            print(f"{say(lang, 'Lỗi gần nhất', 'Last error')}: {none}")
        for message, waiting, attempts in failures:  # one line per failing spreadsheet
            after = say(
                lang,
                f"Lỗi gần nhất, sau {attempts} lần thử ({waiting} thay đổi chờ)",
                f"Last error, after {attempts} attempts ({waiting} changes waiting)",
            )
            print(f"{after}: {message}")
        return 0

    return await _with_worker(settings, job)
