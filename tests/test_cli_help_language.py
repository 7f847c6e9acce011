"""The command line's help and its errors speak one language: Vietnamese unless
REPORTBOT_LOCALE=en (issue 16: admin output in one language at a time, Vietnamese first)."""

from __future__ import annotations

import argparse

import pytest

from reportbot.cli import _parser, main
from reportbot.cli.help_texts import HELP_VI
from reportbot.cli.parser import help_texts

ENGLISH_WORDS = ("usage:", "options:", "show this help", "positional arguments", "the bot with")


def _subcommands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple]:
    """Every command path of the tree, e.g. ("forms", "validate")."""
    found = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _subcommands(sub, (*path, name))
    return found


def test_every_help_text_has_its_vietnamese_line() -> None:
    english = _parser("en")
    missing = [text for text in help_texts(english) if text not in HELP_VI]
    assert missing == [], f"add to reportbot/cli/help_texts.py: {missing}"
    vietnamese = set(help_texts(_parser("vi")))
    assert vietnamese <= set(HELP_VI.values())


@pytest.mark.parametrize("path", _subcommands(_parser("en")))
def test_each_command_help_is_vietnamese_by_default(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REPORTBOT_LOCALE", raising=False)
    with pytest.raises(SystemExit) as ended:
        main([*path, "--help"])
    assert ended.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("cách dùng: reportbot")
    assert "hiện hướng dẫn này rồi thoát" in text
    assert not [word for word in ENGLISH_WORDS if word in text], text


def test_english_help_with_the_english_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTBOT_LOCALE", "en")
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: reportbot")
    assert "start the bot with every configured connector" in text
    assert "cách dùng" not in text and "chạy bot" not in text


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("vi", "reportbot org add: lỗi: thiếu tham số: code, name"),
        ("en", "reportbot org add: error: the following arguments are required: code, name"),
    ],
)
def test_a_missing_argument_is_one_line_in_the_cli_language(
    locale: str, expected: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTBOT_LOCALE", locale)
    with pytest.raises(SystemExit) as ended:
        main(["org", "add"])
    assert ended.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1] == expected
    assert "Traceback" not in "\n".join(lines)  # the usage, then the one line
