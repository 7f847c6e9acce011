"""`reportbot run` and `reportbot chat`: the bot itself, or a terminal chat with it."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from connectors.base import ConnectorStartError
from reportbot.cli.errors import missing_forms_folder, refuse
from reportbot.cli.language import say
from reportbot.config import Settings, timezone_label
from reportbot.language import env_locale
from reportbot.ops.logs import setup_logging
from reportbot.ops.version import package_version
from reportbot.service import system_clock
from reportbot.startup_texts import STARTUP
from reportbot.stopping import install_signal_handlers
from reportbot.store.instance_lock import (
    hold_database,
    hold_postgres_all,
    release_postgres_all,
)
from reportbot.store.storage_health import probe_write
from reportbot.workers import roles

if TYPE_CHECKING:
    from reportbot.app import Application

log = logging.getLogger(__name__)

EXIT_USAGE = 2
EXIT_FAILURE = 1
# Where `reportbot chat` logs (beside the media folder): its terminal is the conversation.
CHAT_LOG = "reportbot-chat.log"


def register(commands: Any) -> None:
    """Add `run` and `chat`."""
    run = commands.add_parser("run", help="start the bot with every configured connector")
    run.add_argument(
        "--role",
        choices=roles.ROLES,
        default=None,
        help="all: everything in one process (default, or REPORTBOT_ROLE); web: store "
        "updates and answer the platforms; worker: handle stored updates and send replies "
        "(web and worker need PostgreSQL; see docs/DEPLOY.md)",
    )
    _add_clock_option(run)
    run.set_defaults(func=_run)

    chat = commands.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--as", dest="person", help="person id, phone or part of the name")
    _add_clock_option(chat)
    chat.set_defaults(func=_chat)


def _add_clock_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--at",
        metavar="DATETIME",
        type=_moment,
        help="pretend the clock shows this local time (YYYY-MM-DD or YYYY-MM-DDTHH:MM), "
        "then runs on from there; for demos",
    )


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        # Parsed before the settings are read: the language is REPORTBOT_LOCALE's.
        raise argparse.ArgumentTypeError(
            STARTUP.say("at_format", env_locale(), value=text[:40])
        ) from exc


def _clock_for(args: argparse.Namespace, settings: Settings):
    """A clock that starts at --at (local time) and runs on, or the system clock."""
    at: datetime | None = getattr(args, "at", None)
    if at is None:
        return None
    start = at if at.tzinfo else at.replace(tzinfo=settings.timezone)
    offset: timedelta = start.astimezone(UTC) - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    role = getattr(args, "role", None) or roles.default_role()
    refused = roles.refusal(role, settings.database_url, settings.locale)
    if refused:
        refuse(refused, settings.log_format, error="role")
        return EXIT_USAGE
    hold_database(settings.database_url)  # a second copy on one SQLite file: one line, exit 1
    if role == roles.ALL:  # PostgreSQL: several processes run as web and workers, not as all
        await hold_postgres_all(settings.database_url)
    try:
        return await _run_as(args, settings, role)
    finally:
        await release_postgres_all()


async def _run_as(args: argparse.Namespace, settings: Settings, role: str) -> int:
    app = _application(args, settings, role)
    await app.open()
    try:
        # A read-only file answers SELECT 1: test a write before saying "running".
        await probe_write(settings.database_url)
        problems = app.add_connectors(only=None, console=None)
        for problem in problems:  # a connector that could not be loaded; the others run
            line = problem.line(settings.locale)
            refuse(line, settings.log_format, level=logging.WARNING, event="connector_problem")
        platforms = [c for c in app.connectors if c.name != "console"]
        if not platforms and role != roles.ALL:
            line = STARTUP.say("no_platform", settings.locale, role=role)
            refuse(line, settings.log_format, error="no_platform")
            return EXIT_USAGE
        if not settings.forms_dir.is_dir() and not await app.service.repository.forms():
            # The console demo as well: else the officer would be told there is nothing to file.
            line = missing_forms_folder(settings.forms_dir, settings.locale)
            refuse(line, settings.log_format, error="forms_folder_missing")
            return EXIT_FAILURE
        if not platforms and not sys.stdin.isatty():
            # The console chat is the fallback in a terminal only: a service with no token is
            # told what to set, not to pick a person with --as.
            line = STARTUP.say("no_platform", settings.locale, role=role)
            refuse(line, settings.log_format, error="no_platform")
            return EXIT_USAGE
        if not platforms:
            await app.close()
            return await _chat(args, settings, opened=False)
        stop = asyncio.Event()
        install_signal_handlers(stop)
        try:
            await app.start()
        except ConnectorStartError as error:  # a refused token, an unreachable API...
            refuse(error.text(settings.locale), settings.log_format, error="connector_start")
            return EXIT_FAILURE
        _started(settings, role, [c.name for c in app.connectors])
        await app.run_until_stopped(stop)
    finally:
        await app.close()
    return 0


def _started(settings: Settings, role: str, names: list[str]) -> None:
    """Say the bot runs: a line on stdout for the admin's terminal, and a log record (a JSON
    log's start line for a log shipper; with text logs, shown with -v only)."""
    running = say(settings.locale, "đang chạy", "running")
    role_word = say(settings.locale, "vai trò", "role")
    zone = f"{say(settings.locale, 'múi giờ', 'time zone')} {timezone_label(settings.timezone)}"
    print(f"reportbot: {running} ({role_word} {role}): {', '.join(names)}; {zone}", flush=True)
    extra = {"event": "started", "role": role, "connectors": names, "version": package_version()}
    log.info("reportbot running (role %s): %s", role, ", ".join(names), extra=extra)


def _application(
    args: argparse.Namespace, settings: Settings, role: str = roles.ALL
) -> Application:
    # Imported here, not at the top: the whole bot (connectors, aiogram, pyxform) is most of
    # a second of every CLI start, which `status`, `db migrate` and `forms` do not need.
    from reportbot.app import Application

    clock = _clock_for(args, settings)
    return Application(settings, clock=clock or system_clock, role=role)


async def _chat(args: argparse.Namespace, settings: Settings, *, opened: bool = False) -> int:
    from reportbot.app import console_config
    from reportbot.console_guard import at_refusal
    from reportbot.demo import console_identity, find_person, seed_demo

    app = _application(args, settings)
    log_file = None
    try:
        log_file = _log_beside_the_chat(args, settings)
        loaded = await app.open()
        for issue in loaded.issues:  # the log is in a file now: the admin must still see it
            not_loaded = say(settings.locale, "mẫu chưa được tải", "template not loaded")
            print(f"reportbot: {not_loaded}: {issue.render(settings.locale)}", file=sys.stderr)
        if settings.demo and await seed_demo(settings.locale):
            created = say(settings.locale, "đã tạo dữ liệu mẫu", "demo commune created")
            print(f"reportbot: {created}", file=sys.stderr)
        person = await find_person(getattr(args, "person", None))
        if person is None:
            missing = say(
                settings.locale,
                "không tìm thấy người dùng; dùng --as <mã số | số điện thoại | tên>",
                "no such person; use --as <id | phone | part of the name>",
            )
            print(f"reportbot: {missing}", file=sys.stderr)
            return EXIT_USAGE
        refusal = await at_refusal(settings.locale) if getattr(args, "at", None) else None
        if refusal:
            print(refusal, file=sys.stderr)
            return EXIT_USAGE
        app.reminders.only_person = person.id  # nobody else's reminders (console_guard.py)
        user_id = await console_identity(person)
        app.add_connectors(
            only={"console"}, console=console_config(user_id, person.name, None, None)
        )
        if not app.connectors:
            absent = say(
                settings.locale, "chưa cài kênh console", "console connector is not installed"
            )
            print(f"reportbot: {absent}", file=sys.stderr)
            return EXIT_FAILURE
        if sys.stdin.isatty():
            print(
                f"— {person.name}. Gõ /baocao để bắt đầu, /trogiup để xem lệnh, Ctrl+D để thoát.\n"
            )
        stop = asyncio.Event()
        install_signal_handlers(stop)
        await app.start()
        await app.run_until_stopped(stop)
    finally:
        await app.close()
        if log_file is not None:
            setup_logging(verbose=False, log_format=settings.log_format)  # stderr again
            log_file.close()
    return 0


def _log_beside_the_chat(args: argparse.Namespace, settings: Settings) -> TextIO | None:
    """Send the log to CHAT_LOG beside the media folder instead of the terminal.

    The terminal is the chat: a log line there ("WARNING ... reopen notice to person 1 ...
    failed") is technical English in the middle of a Vietnamese conversation. With -v the
    person asked for the log, and it stays on the terminal. None when nothing changed.
    """
    if getattr(args, "verbose", False):
        return None
    path = settings.media_dir.parent / CHAT_LOG
    try:
        stream = path.open("a", encoding="utf-8")
    except OSError:
        return None  # an unwritable folder: the log stays where it was
    setup_logging(verbose=False, log_format=settings.log_format, stream=stream)
    return stream
