"""The `reportbot` command: one small module per command group.

    reportbot run                 start every configured connector (console when none is)
    reportbot chat [--as PERSON]  talk to the bot in the terminal
    reportbot db migrate          apply pending database migrations
    reportbot forms validate|load|list|import
    reportbot sheets resync|status|flush
    reportbot units|people import, invite create, report
    reportbot periods, remind

Errors an admin can fix are printed as one line (or one line per problem) and the command
exits non-zero; no stack trace is shown for them.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from reportbot.cli import chat_run, database, forms
from reportbot.config import ConfigError, Settings, load_settings
from reportbot.config_check import check_settings
from reportbot.coordination import cli as coordination_cli
from reportbot.mirror import extension as mirror_cli
from reportbot.reminders import cli as reminders_cli
from reportbot.store.database import DatabaseUnavailable

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
    for register in COMMAND_GROUPS:
        register(commands)
    return parser
