"""The upload preview's note on regex() patterns that are not anchored at both ends: it reads
character classes as a regex engine does, so a `]` or `|` inside a class never makes it
suggest a change the pattern does not need."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.coordination.publishing.xlsform_regex_note import anchored, is_anchored
from reportbot.forms.diagnostics import shown


def _workbook(folder: Path, constraint: str) -> Path:
    """A one-question workbook whose text question has `constraint`."""
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", "label::vi", "constraint"])
    survey.append(["text", "ma", "Mã", constraint])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Mã số", "ma_so"])
    path = folder / "ma_so.xlsx"
    book.save(path)
    return path


def _regex_notes(path: Path) -> list[str]:
    return [
        text
        for text in (shown(warning, "vi") for warning in load_xlsform(path).warnings)
        if "regex" in text
    ]


# Each pattern below, checked by hand: `]` first in a class (after `[` or `[^`) is a literal,
# so the `|` after it is inside the class and the pattern is one whole-answer match.
@pytest.mark.parametrize(
    "pattern",
    [
        "^[^]|]+$",
        "^[]|a]+$",
        "^[^]abc|]*$",
        "^[]abc]+$",
        "^[^]]+$",
        "^[a-z|]+$",
        r"^[\]|]+$",
        "^(a|b)$",
        "^a\\\\$",
    ],
)
def test_a_whole_answer_pattern_is_read_as_anchored(pattern: str) -> None:
    assert is_anchored(pattern)


@pytest.mark.parametrize(
    ("pattern", "fixed"),
    [
        ("[0-9]+", "^[0-9]+$"),
        ("^a|b$", "^(a|b)$"),
        ("^[^]]|x$", "^([^]]|x)$"),
        ("^[]]|x$", "^([]]|x)$"),
        ("[^]|]+", "^[^]|]+$"),
        ("[]|]+", "^[]|]+$"),
        (r"^abc\$", r"^abc\$$"),
    ],
)
def test_a_partial_pattern_gets_the_anchored_one(pattern: str, fixed: str) -> None:
    assert not is_anchored(pattern)
    assert anchored(pattern) == fixed


def test_the_admin_is_not_told_to_change_a_class_with_a_literal_bracket(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "regex(., '^[^]|]+$')")
    assert _regex_notes(path) == []


def test_the_admin_is_told_the_right_anchored_pattern(tmp_path: Path) -> None:
    path = _workbook(tmp_path, "regex(., '[]|a]+')")
    notes = _regex_notes(path)
    assert len(notes) == 1
    assert notes[0].endswith("'^[]|a]+$'")


def test_a_long_pattern_is_read_in_one_pass() -> None:
    pattern = "^" + "[^]|]" * 20_000 + "$"
    assert is_anchored(pattern)
    assert anchored("[" * 50_000) == "^" + "[" * 50_000 + "$"
