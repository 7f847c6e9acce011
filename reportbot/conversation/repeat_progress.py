"""Why "Câu 5/8" follows "Câu 4/5": a form with repeats says what its total grew by.

A form's questions are numbered with every repeat entry written out (numbering.py), so that
the heading's number, the review's and `/sua N` name one question. An entry added ("Có, thêm
một mục", or a count answered) adds its questions to the total, and one taken away removes
them: the total cannot stay fixed without numbers that disagree with /sua. What the officer
could not trust was a total that jumped without a word. The first question asked after the
entries changed says so once, next to its number: "Câu 5/8 – thêm 3 câu cho Thôn 2";
"Câu 2/4 – bớt 3 câu (bỏ Thành viên 3)".
"""

from __future__ import annotations

from reportbot.conversation.i18n import say
from reportbot.conversation.numbering import question_count
from reportbot.conversation.report import OpenReport
from reportbot.forms.repeats import entry_counts
from reportbot.forms.schema import pick

# (entries of each repeat, the form's numbered questions) as last shown to the officer
Shown = tuple[tuple[int, ...], int]
MAX_NAMED = 3  # entries named one by one; more read as a range ("Thành viên 1–50")


def shown(report: OpenReport) -> Shown | None:
    """The report's entries and total now (None: a form without repeats)."""
    base = report.view.template
    if not base.repeats:
        return None
    answers = report.answers
    counts = entry_counts(base, answers, {**answers, **report.facts})
    return counts, question_count(report.template)


def change_note(before: Shown | None, now: Shown | None, report: OpenReport, locale: str) -> str:
    """' – thêm 3 câu cho Thôn 2' when the entries changed since `before`; else ''."""
    if before is None or now is None or before[1] == now[1]:
        return ""
    added, removed = [], []
    for repeat, old, new in zip(report.view.template.repeats, before[0], now[0], strict=True):
        name = pick(repeat.label, locale) or repeat.name
        added += _entries(name, old + 1, new)
        removed += _entries(name, new + 1, old)
    delta = now[1] - before[1]
    if delta > 0:
        return say("progress_added", locale, count=delta, entries=", ".join(added))
    return say("progress_removed", locale, count=-delta, entries=", ".join(removed))


def _entries(name: str, first: int, last: int) -> list[str]:
    """Entries `first`..`last` of one repeat: each named, or past `MAX_NAMED` one range."""
    if last - first + 1 > MAX_NAMED:
        return [f"{name} {first}–{last}"]
    return [f"{name} {i}" for i in range(first, last + 1)]
