"""The `reportbot` command.

    reportbot run                 start every configured connector (console when none is)
    reportbot chat [--as PERSON]  talk to the bot in the terminal
    reportbot db migrate          apply pending database migrations
    reportbot forms validate|load|list

Errors an admin can fix are printed as one line (or one line per problem) and the command
exits non-zero; no stack trace is shown for them.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reportbot.app import (
    Application,
    console_config,
    form_files,
    install_signal_handlers,
    load_forms,
)
from reportbot.config import ConfigError, Settings, load_settings
from reportbot.config_check import check_settings
from reportbot.forms.loader import load_yaml_template
from reportbot.store.database import DatabaseUnavailable, close_database, migrate_database

EXIT_USAGE = 2
EXIT_FAILURE = 1

# Modules that add subcommands: each has `register(commands)`, adding parsers whose `func` is
# `async (args, settings) -> exit status`.
CLI_EXTENSIONS: tuple[str, ...] = (
    "reportbot.mirror.extension",
    "reportbot.coordination.cli",
    "reportbot.reminders.cli",
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_USAGE
    if getattr(args, "needs_settings", True):
        try:
            settings = load_settings()
        except ConfigError as exc:
            print(f"reportbot: {exc}", file=sys.stderr)
            return EXIT_USAGE
        check_settings(settings)  # unknown settings warned about; secrets kept out of logs
    else:
        settings = Settings()
    try:
        return asyncio.run(args.func(args, settings))
    except DatabaseUnavailable as exc:
        print(f"reportbot: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except ConfigError as exc:
        print(f"reportbot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportbot", description="Trợ lý báo cáo cho cán bộ cơ sở (reporting bot)."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(metavar="COMMAND")

    run = commands.add_parser("run", help="start the bot with every configured connector")
    _add_clock_option(run)
    run.set_defaults(func=_run)

    chat = commands.add_parser("chat", help="talk to the bot in the terminal")
    chat.add_argument("--as", dest="person", help="person id, phone or part of the name")
    _add_clock_option(chat)
    chat.set_defaults(func=_chat)

    db = commands.add_parser("db", help="database tasks").add_subparsers(metavar="TASK")
    db.add_parser("migrate", help="apply pending migrations").set_defaults(func=_db_migrate)

    forms = commands.add_parser("forms", help="form templates").add_subparsers(metavar="TASK")
    validate = forms.add_parser("validate", help="check template files")
    validate.add_argument("paths", nargs="+", type=Path)
    validate.set_defaults(func=_forms_validate, needs_settings=False)
    load = forms.add_parser("load", help="store templates (a changed file: new version)")
    load.add_argument("paths", nargs="*", type=Path, help="files (default: the forms folder)")
    load.set_defaults(func=_forms_load)
    forms.add_parser("list", help="list stored templates").set_defaults(func=_forms_list)
    for module in CLI_EXTENSIONS:
        importlib.import_module(module).register(commands)
    return parser


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
        raise argparse.ArgumentTypeError(
            f"{text!r}: cần dạng YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM (expected an ISO date/time)"
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
    app = _application(args, settings)
    await app.open()
    try:
        problems = app.add_connectors(only=None, console=None)
        for problem in problems:
            print(f"reportbot: connector {problem.name}: {problem.message}", file=sys.stderr)
        if not [c for c in app.connectors if c.name != "console"]:
            await app.close()
            return await _chat(args, settings, opened=False)
        stop = asyncio.Event()
        install_signal_handlers(stop)
        await app.start()
        print("reportbot: đang chạy (running): " + ", ".join(c.name for c in app.connectors))
        await app.run_until_stopped(stop)
    finally:
        await app.close()
    return 0


def _application(args: argparse.Namespace, settings: Settings) -> Application:
    clock = _clock_for(args, settings)
    return Application(settings, clock=clock) if clock else Application(settings)


async def _chat(args: argparse.Namespace, settings: Settings, *, opened: bool = False) -> int:
    from reportbot.demo import console_identity, find_person, seed_demo

    app = _application(args, settings)
    await app.open()
    try:
        if settings.demo and await seed_demo():
            print("reportbot: đã tạo dữ liệu mẫu (demo commune created)", file=sys.stderr)
        person = await find_person(getattr(args, "person", None))
        if person is None:
            print(
                "reportbot: không tìm thấy người dùng (no such person); "
                "dùng --as <mã số | số điện thoại | tên>",
                file=sys.stderr,
            )
            return EXIT_USAGE
        user_id = await console_identity(person)
        app.add_connectors(
            only={"console"}, console=console_config(user_id, person.name, None, None)
        )
        if not app.connectors:
            print("reportbot: console connector is not installed", file=sys.stderr)
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
    return 0


async def _db_migrate(_args: argparse.Namespace, settings: Settings) -> int:
    await migrate_database(settings.database_url)
    print("reportbot: cơ sở dữ liệu đã cập nhật (database migrated)")
    return 0


async def _forms_validate(args: argparse.Namespace, _settings: Settings) -> int:
    problems = 0
    for path in args.paths:
        template, issues = load_yaml_template(path)
        for issue in issues:
            print(issue)
        problems += len(issues)
        if template is not None:
            print(f"{path}: OK ({template.key}, {len(template.questions)} questions)")
    return EXIT_FAILURE if problems else 0


async def _forms_load(args: argparse.Namespace, settings: Settings) -> int:
    from reportbot.store.database import open_database

    paths = args.paths or form_files(settings.forms_dir)
    await open_database(settings.database_url)
    try:
        result = await load_forms(paths)
    finally:
        await close_database()
    for issue in result.issues:
        print(issue)
    for stored in result.stored:
        state = "new version" if stored.created else "unchanged"
        print(f"{stored.key}: version {stored.version} ({state})")
    return EXIT_FAILURE if result.issues else 0


async def _forms_list(_args: argparse.Namespace, settings: Settings) -> int:
    from reportbot.store.database import open_database
    from reportbot.store.forms import list_templates

    await open_database(settings.database_url)
    try:
        records = await list_templates()
    finally:
        await close_database()
    if not records:
        print("(chưa có mẫu báo cáo nào / no templates stored)")
    for record in records:
        active = "active" if record.active else "inactive"
        title = record.definition.get("title", {}).get("vi", "")
        print(f"{record.key}\tv{record.version}\t{record.declared_version}\t{active}\t{title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
