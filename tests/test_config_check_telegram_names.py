"""Every setting the Telegram connector reads is a known setting (no false "ignored" warning)."""

from __future__ import annotations

import ast
from pathlib import Path

from reportbot.config import load_settings
from reportbot.config_check import TELEGRAM, unknown_settings

CONFIG = Path(__file__).resolve().parents[1] / "connectors" / "telegram" / "config.py"


def names_read_by_the_connector() -> set[str]:
    """The first string argument of every `reader.<kind>("NAME", ...)` call in its config."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(CONFIG.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "reader"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def test_the_list_of_known_telegram_settings_covers_what_the_connector_reads() -> None:
    read = names_read_by_the_connector()
    assert {"TOKEN", "PASTE_WINDOW", "ALBUM_WINDOW"} <= read  # the scan finds the calls
    assert read - set(TELEGRAM) == set()


def test_a_paste_window_setting_is_not_reported_as_ignored(monkeypatch) -> None:
    monkeypatch.setenv("REPORTBOT_TELEGRAM_PASTE_WINDOW", "2")
    monkeypatch.setenv("REPORTBOT_TELEGRAM_ALBUM_WINDOW", "2")
    monkeypatch.setenv("REPORTBOT_TELEGRAM_PASTE_WINDOWS", "2")  # a real misspelling
    unknown = dict(unknown_settings(load_settings()))
    # the misspelt one is reported, with the real name as its closest match
    assert unknown.get("REPORTBOT_TELEGRAM_PASTE_WINDOWS") == "REPORTBOT_TELEGRAM_PASTE_WINDOW"
    assert "REPORTBOT_TELEGRAM_PASTE_WINDOW" not in unknown
    assert "REPORTBOT_TELEGRAM_ALBUM_WINDOW" not in unknown
