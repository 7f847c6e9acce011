"""The command line's parser, in the CLI's one language (Vietnamese unless REPORTBOT_LOCALE=en).

Features declare their subcommands in English; `localize` then walks the finished parser tree
once and puts every help text, section title and the usage prefix into Vietnamese, and the
parser's error line too (one line, exit 2, no traceback). Done at the edge, in one place, so
that a feature's `register` stays a plain argparse declaration.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

from reportbot.cli.help_texts import ERRORS_VI, HELP_VI, TITLES_VI, USAGE_VI


class _VietnameseFormatter(argparse.HelpFormatter):
    """argparse's formatter with its usage prefix in Vietnamese."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        """The usage line, prefixed "cách dùng: "."""
        return super().add_usage(usage, actions, groups, USAGE_VI if prefix is None else prefix)


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser whose error is one line in the CLI's language (subparsers inherit it)."""

    vietnamese = False

    def error(self, message: str) -> NoReturn:
        """Print the usage and one line naming the mistake; exit 2."""
        self.print_usage(sys.stderr)
        if self.vietnamese:
            message = vietnamese_error(message)
            self.exit(2, f"{self.prog}: lỗi: {message}\n")
        self.exit(2, f"{self.prog}: error: {message}\n")


def vietnamese_error(message: str) -> str:
    """argparse's error `message` in Vietnamese where its pattern is known, else as it is."""
    for pattern, replacement in ERRORS_VI:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


def localize(parser: argparse.ArgumentParser, locale: str) -> None:
    """Put the whole parser tree into Vietnamese unless `locale` is English."""
    if locale == "en":
        return
    for each in _parsers(parser):
        if isinstance(each, CommandParser):
            each.vietnamese = True
        each.formatter_class = _VietnameseFormatter
        if each.description:
            each.description = HELP_VI.get(each.description, each.description)
        for group in each._action_groups:
            group.title = TITLES_VI.get(group.title or "", group.title)
        for action in _actions(each):
            if isinstance(action.help, str):
                action.help = HELP_VI.get(action.help, action.help)


def help_texts(parser: argparse.ArgumentParser) -> list[str]:
    """Every help text and description of the tree (for the test that all are translated)."""
    texts = [p.description for p in _parsers(parser) if p.description]
    for each in _parsers(parser):
        texts += [a.help for a in _actions(each) if a.help and a.help != argparse.SUPPRESS]
    return texts


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parser and every subparser below it."""
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def _actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The parser's arguments and the pseudo-actions that list its subcommands."""
    actions = list(parser._actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            actions += list(action._choices_actions)
    return actions


def subcommands(commands: Any, name: str) -> Any:
    """The subcommand set of the `reportbot NAME` parser another feature created, to add a
    task to it (argparse offers no public accessor for a parser's sub-actions)."""
    parser = commands.choices[name]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(metavar="TASK")
