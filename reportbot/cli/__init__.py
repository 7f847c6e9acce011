"""The `reportbot` command: one small module per command group.

    reportbot run                 start every configured connector (console when none is)
    reportbot chat [--as PERSON]  talk to the bot in the terminal
    reportbot db migrate          apply pending database migrations
    reportbot db backup FILE      copy a SQLite database safely (running or after a crash)
    reportbot forms validate|load|list|import
    reportbot sheets resync|status|flush
    reportbot units|people import, invite create, report
    reportbot org add|list        the province and its communes
    reportbot periods, remind
    reportbot status              version, database, backlog (read-only)
    reportbot --version

Logs go to stderr: text, or JSON lines with REPORTBOT_LOG_FORMAT=json; never SQL parameters
(officers' answers) nor secrets, even with -v (see reportbot.ops.logs).

Errors an admin can fix are printed as one line (or one line per problem) and the command
exits non-zero; no stack trace is shown for them. An operating-system error (unwritable
output, missing folder, port in use) is one line `reportbot: <what>: <why>` and exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from reportbot.cli import chat_run, database, forms, organisations, roster, status
from reportbot.cli.errors import describe_os_error, refuse, refuse_error
from reportbot.cli.parser import CommandParser, localize
from reportbot.config import LOG_FORMATS, ConfigError, Settings, load_settings
from reportbot.config_check import check_settings
from reportbot.coordination import cli as coordination_cli
from reportbot.language import env_locale
from reportbot.mirror import extension as mirror_cli
from reportbot.ops.logs import setup_logging
from reportbot.ops.version import package_version
from reportbot.reminders import cli as reminders_cli
from reportbot.store.database import DatabaseUnavailable, storage_refusal

EXIT_USAGE = 2
EXIT_FAILURE = 1

# Each adds its subcommands: `register(commands)`, parsers whose `func` is
# `async (args, settings) -> exit status`.
COMMAND_GROUPS: tuple[Callable[[Any], None], ...] = (
    chat_run.register,
    database.register,
    forms.register,
    mirror_cli.register,
    coordination_cli.register,
    reminders_cli.register,
    organisations.register,
    roster.register,
    status.register,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):  # no command, or a group without its task (`reportbot db`)
        getattr(args, "group_parser", parser).print_help()
        return EXIT_USAGE
    if getattr(args, "needs_settings", True):
        try:
            settings = load_settings()
        except ConfigError as exc:  # in the settings' language when it was readable
            refuse_error(exc, exc.locale or env_locale(), _env_log_format())
            return EXIT_USAGE
        # The handler first: the warnings about unknown settings come in the chosen format.
        setup_logging(verbose=args.verbose, log_format=settings.log_format)
        check_settings(settings)  # unknown settings warned about; secrets kept out of logs
    else:
        settings = Settings(log_format=_env_log_format(), locale=_env_locale())
        setup_logging(verbose=args.verbose, log_format=settings.log_format)
    try:
        return asyncio.run(args.func(args, settings))
    except DatabaseUnavailable as exc:
        refuse_error(exc, settings.locale, settings.log_format)
        return EXIT_FAILURE
    except ConfigError as exc:  # a feature's or a connector's setting, found while starting
        refuse_error(exc, settings.locale, settings.log_format)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
    except OSError as exc:  # unwritable output, missing folder, port in use, disk full...
        refuse(describe_os_error(exc, settings.locale), settings.log_format, error="os_error")
        return EXIT_FAILURE
    except Exception as exc:  # a write the database refused: disk full, read-only file
        refused = storage_refusal(settings.database_url, exc)
        if refused is None:
            raise
        print(f"reportbot: {refused.text(settings.locale)}", file=sys.stderr)
        return EXIT_FAILURE


def _env_locale() -> str:
    """REPORTBOT_LOCALE for commands that read no settings (anything but en means vi)."""
    return env_locale()


def _env_log_format() -> str:
    """REPORTBOT_LOG_FORMAT for commands that read no settings (a wrong value means text)."""
    value = os.environ.get("REPORTBOT_LOG_FORMAT", "")
    return value if value in LOG_FORMATS else "text"


def _parser(locale: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, in `locale` (by default REPORTBOT_LOCALE's language)."""
    parser = CommandParser(
        prog="reportbot", description="A reporting assistant for commune officers."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"reportbot {package_version()}")
    commands = parser.add_subparsers(metavar="COMMAND")
    for register in COMMAND_GROUPS:
        register(commands)
    for group in commands.choices.values():
        # A group (`db`, `org`, `sheets`) typed alone shows its own tasks, not every command.
        if any(isinstance(a, argparse._SubParsersAction) for a in group._actions):
            group.set_defaults(group_parser=group)
    localize(parser, locale or _env_locale())
    return parser
