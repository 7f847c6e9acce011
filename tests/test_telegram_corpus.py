"""The fake update corpus (tests/fakes/telegram_updates/) stays what the issue 13 tests rely on:
each file names its public source and is listed in the corpus README, every file is fed to
some test, and the poison files really are updates aiogram (as pinned) cannot read, so the
intake tests that feed them prove something."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from aiogram.types import Update
from pydantic import ValidationError

from tests.fakes.telegram import CORPUS_DIR

FILES = sorted(CORPUS_DIR.glob("*.json"))
TESTS = Path(__file__).parent
# The updates aiogram cannot decode as Telegram sends them (tests/test_telegram_intake.py).
POISON = ("legacy_forward_hidden_user", "my_chat_member_restricted_old", "poll_old_options")


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_corpus_holds_the_shapes_the_issue_names() -> None:
    names = {path.stem for path in FILES}
    assert names >= {
        "legacy_forward_hidden_user",
        "callback_inaccessible_message",
        "album_three_pages",
        "split_paste",
        "edited_message",
        "my_chat_member_restricted_old",
        "poll_old_options",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_file_names_its_public_source_and_is_used(path: Path) -> None:
    raw = _load(path)
    assert raw["source"] and all(re.match(r"https://\S+$", s) for s in raw["source"])
    assert len(raw["note"]) > 20
    assert raw["updates"] and all(isinstance(u["update_id"], int) for u in raw["updates"])
    readme = (CORPUS_DIR / "README.md").read_text(encoding="utf-8")
    assert f"`{path.name}`" in readme
    used = [
        test.name
        for test in TESTS.glob("test_*.py")
        if test.name != Path(__file__).name  # this file names them all
        and f'"{path.stem}"' in test.read_text(encoding="utf-8")
    ]
    assert used, f"{path.name} is fed to no test"


@pytest.mark.parametrize("name", POISON)
def test_the_poison_files_do_not_decode_with_aiogram(name: str) -> None:
    updates = _load(CORPUS_DIR / f"{name}.json")["updates"]
    failures = 0
    for update in updates:
        try:
            Update.model_validate(update)
        except ValidationError:
            failures += 1
    assert failures >= 1, f"{name}: aiogram reads every update now; the poison tests test nothing"


@pytest.mark.parametrize(
    "name", ["callback_inaccessible_message", "album_three_pages", "split_paste", "edited_message"]
)
def test_the_ordinary_files_decode(name: str) -> None:
    for update in _load(CORPUS_DIR / f"{name}.json")["updates"]:
        Update.model_validate(update)
