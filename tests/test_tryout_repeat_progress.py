"""The report menu's "đã làm N/M" counts a repeat's entries, as the report itself does
(tryout finding: the menu said 5/7 while the opened report said 8/11)."""

from __future__ import annotations

from pathlib import Path

from reportbot.conversation import navigation as nav
from tests.test_repeats import ROSTER, roster, with_calc


def test_progress_counts_each_entry_of_a_repeat(tmp_path: Path) -> None:
    template = roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})"))
    # Two members announced, the first one filled in: so_nguoi + 3 questions per member.
    answers = {"so_nguoi": 2, "ho_ten[1]": "An", "tuoi[1]": 40, "gioi[1]": "nam"}
    assert nav.answered_count(template, answers, {}) == (4, 7)


def test_progress_reads_entries_as_stored(tmp_path: Path) -> None:
    template = roster(tmp_path, with_calc(ROSTER, "sum(${tuoi})"))
    # Storage keeps entry answers as text (forms/repeats.py); the count must not care.
    answers = {"so_nguoi": 1, "ho_ten[1]": "An", "tuoi[1]": "40"}
    assert nav.answered_count(template, answers, {}) == (3, 4)
