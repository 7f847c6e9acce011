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
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from reportbot.config import ConfigError, Settings
from reportbot.mirror.backend import MirrorBackend, MirrorError
from reportbot.mirror.config import backend_from_env, google_configured
from reportbot.mirror.source import StoreMirrorSource
from reportbot.mirror.worker import MirrorWorker, safe_error
from reportbot.store.lease import Lease, holder_id

if TYPE_CHECKING:
    from reportbot.host import Host

log = logging.getLogger(__name__)

ENV_INTERVAL = "REPORTBOT_SHEETS_INTERVAL"
LEASE_NAME = "sheet-mirror"
LEASE_TTL = timedelta(minutes=5)  # a flushing process that dies frees the sheet after this
STOP_FLUSH_TIMEOUT_S = 15.0


def make_backend(settings: Settings) -> MirrorBackend:
    """The configured backend; a misconfiguration is a ConfigError naming the variable."""
    env = dict(settings.env)
    env.setdefault("REPORTBOT_MIRROR_XLSX", str(settings.mirror_xlsx))
    try:
        return backend_from_env(env, tz=settings.timezone.key)
    except (MirrorError, ValueError) as error:
        raise ConfigError(f"sheet mirror: {error}") from error


def describe_backend(settings: Settings) -> str:
    """Where the mirror writes, for people (no secrets)."""
    env = settings.env
    if google_configured(env):
        target = env.get("REPORTBOT_SPREADSHEET_ID") or env.get("REPORTBOT_SPREADSHEET_IDS", "")
        via = env.get("REPORTBOT_GOOGLE_SHEETS_API_URL") or "Google"
        return f"Google Sheets {target} ({via})"
    return f"tệp Excel (workbook) {env.get('REPORTBOT_MIRROR_XLSX') or settings.mirror_xlsx}"


def _interval(settings: Settings) -> float:
    raw = settings.env.get(ENV_INTERVAL, "").strip()
    try:
        value = float(raw) if raw else 5.0
    except ValueError:
        raise ConfigError(
            f"{ENV_INTERVAL}: cần một số giây (expected seconds), nhận {raw!r}"
        ) from None
    if value <= 0:
        raise ConfigError(f"{ENV_INTERVAL}: phải lớn hơn 0 (must be positive)")
    return value


class MirrorService:
    """The mirror in the running bot: a flush every interval (backing off after failures),
    the status sheet refreshed when idle, and one last flush at stop."""

    name = "sheet-mirror"

    def __init__(self, worker: MirrorWorker) -> None:
        self.worker = worker
        self._resume_at = 0.0
        self._status_at: float | None = None

    async def tick(self) -> None:
        """One scheduled flush; skipped while backing off after a failure."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if now < self._resume_at:
            return
        if self._status_at is None:
            self._status_at = now
        try:
            delivered = await self.worker.run_once()
            refresh = self.worker.status_refresh_s
            if delivered == 0 and refresh is not None and now - self._status_at >= refresh:
                await self.worker.refresh_status()
                self._status_at = now
        except Exception as error:
            # A backend error is recorded by the worker itself; anything else (the database
            # down, for one) is recorded here so that the flush backs off all the same.
            if error is not self.worker.last_exception:
                log.warning("sheet mirror: flush failed: %s", safe_error(error))
                self.worker.record_failure(error)
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
    lease = Lease(
        LEASE_NAME,
        holder_id(),
        ttl=LEASE_TTL,
        clock=clock or (lambda: datetime.now(UTC)),
    )
    return MirrorWorker(make_backend(settings), source, interval_s=_interval(settings), lease=lease)


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
        print(f"reportbot: bảng tính lỗi (sheet error): {error}")
        return 1
    finally:
        if worker.lease is not None:
            await worker.lease.release()
        await worker.backend.close()
        await close_database()


async def _resync(_args: argparse.Namespace, settings: Settings) -> int:
    async def job(worker: MirrorWorker) -> int:
        if worker.lease is not None and not await worker.lease.acquire():
            print("reportbot: một tiến trình khác đang ghi bảng tính (another process is writing)")
            return 1
        count = await worker.resync()
        print(
            f"reportbot: đã dựng lại bảng tính từ cơ sở dữ liệu: {count} báo cáo "
            f"(rebuilt {count} reports) → {describe_backend(settings)}"
        )
        return 0

    return await _with_worker(settings, job)


async def _flush(_args: argparse.Namespace, settings: Settings) -> int:
    async def job(worker: MirrorWorker) -> int:
        count = await worker.run_once()
        print(f"reportbot: đã ghi {count} thay đổi (delivered {count} changes)")
        return 0

    return await _with_worker(settings, job)


async def _status(_args: argparse.Namespace, settings: Settings) -> int:
    async def job(worker: MirrorWorker) -> int:
        source = worker.source
        assert isinstance(source, StoreMirrorSource)
        backlog = await source.backlog()
        print(f"Nơi ghi (destination): {describe_backend(settings)}")
        print(f"Thay đổi đang chờ (backlog): {backlog}")
        oldest = await source.oldest()
        if oldest is not None:
            local = oldest.astimezone(settings.timezone).strftime("%d/%m/%Y %H:%M")
            print(f"Thay đổi cũ nhất (oldest change): {local}")
        failure = await source.last_error()
        if failure is None:
            print("Lỗi gần nhất (last error): không có (none)")
        else:
            message, attempts = failure
            print(f"Lỗi gần nhất (last error), sau {attempts} lần thử (attempts): {message}")
        return 0

    return await _with_worker(settings, job)
