"""Each repeat on a worksheet of its own, one row per entry, as KoboToolbox exports them.

KoboToolbox's XLS export puts every repeat group on its own sheet, each row joined to the
main sheet by the parent submission (`_submission__id`, `_parent_index`,
https://support.kobotoolbox.org/export_download.html). Here a repeat's worksheet starts with
the parent's submission id under the same header as the main sheet ("Mã báo cáo", the join
key), the entry's number ("Mục số", ODK's `position(..)`), the unit and the period, then the
repeat's questions.

The main sheet keeps one cell per repeated question joining its entries ("1) An; 2) Bình",
readable at a glance, and existing sheets keep their columns current) and gains, beside
them, one count column per repeat ("Thành viên: số mục"), a number coordinators can sum.

Rows are found by submission id only (the entry's number is data, so a hand sort moves
nothing we rely on): a submission's entries overwrite its existing rows in sheet order, new
entries reuse the rows other submissions no longer need, then go below everything; rows left
over are cleared (Google) or deleted (.xlsx). An entry removed in chat is gone at the next
flush.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportbot.forms.repeats import entry_id, filed_entries, typed_entries
from reportbot.forms.schema import FormTemplate, pick
from reportbot.mirror.records import (
    DEFAULT_TZ,
    ID_HEADER,
    STATUS_SHEET_TITLE,
    CellValue,
    ColumnSpec,
    FormLayout,
    RepeatLayout,
    SubmissionRecord,
    clean_text,
    distinct_headers,
    format_answer,
    sanitize_title,
)

ENTRY_HEADER = "Mục số"
REPEAT_HEADERS: tuple[str, ...] = (ID_HEADER, ENTRY_HEADER, "Đơn vị", "Kỳ báo cáo")
REPEAT_KINDS = ("integer", "integer", "text", "text")  # how the fixed columns are formatted


def count_column(name: str, label: str) -> ColumnSpec:
    """The main sheet's column holding how many entries a repeat has."""
    return ColumnSpec(name, f"{label}: số mục", "integer")


def repeat_label(template: FormTemplate, name: str) -> str:
    """The Vietnamese label of a repeat (its name when it has none)."""
    repeat = next((r for r in template.repeats if r.name == name), None)
    return (pick(repeat.label, "vi") if repeat is not None else "") or name


def record_entries(
    template: FormTemplate, answers: Mapping[str, Any]
) -> dict[str, tuple[dict[str, Any], ...]]:
    """Each repeat's entries as stored (``q[k]`` read back typed), as many as consolidation
    counts (`forms.repeats.filed_entries`: entries past a count lowered since left out)."""
    if not template.repeats:
        return {}
    typed = typed_entries(template, answers)
    counts = filed_entries(template, typed)
    result: dict[str, tuple[dict[str, Any], ...]] = {}
    for repeat in template.repeats:
        count = counts[repeat.name]
        questions = [q for q in template.questions if q.repeat == repeat.name and q.answerable]
        result[repeat.name] = tuple(
            {q.id: typed.get(entry_id(q.id, index)) for q in questions}
            for index in range(1, count + 1)
        )
    return result


def repeat_titles(
    layouts: Sequence[FormLayout], form_titles: Mapping[str, str], max_chars: int
) -> dict[tuple[str, str], str]:
    """(form key, repeat name) -> worksheet title: "<repeat> – <form>", cut to `max_chars`
    (Excel allows 31), never a form's or the status sheet's title, all distinct
    (compared case-insensitively, as both Excel and Sheets do; a clash gets " (2)", ...)."""
    taken = {title.casefold() for title in form_titles.values()}
    taken.add(STATUS_SHEET_TITLE.casefold())
    titles: dict[tuple[str, str], str] = {}
    for layout in sorted(layouts, key=lambda item: item.form_key):
        form_title = form_titles.get(layout.form_key, layout.title)
        for repeat in layout.repeats:
            base = sanitize_title(f"{repeat.label} – {form_title}", max_chars)
            title, number = base, 2
            while title.casefold() in taken:
                suffix = f" ({number})"
                title = sanitize_title(base[: max_chars - len(suffix)] + suffix, max_chars)
                number += 1
            taken.add(title.casefold())
            titles[(layout.form_key, repeat.name)] = title
    return titles


def repeat_headers(repeat: RepeatLayout) -> tuple[str, ...]:
    """Every header of a repeat's worksheet, fixed columns first, all distinct."""
    return distinct_headers(REPEAT_HEADERS, repeat.columns)


def repeat_kinds(repeat: RepeatLayout, kinds: Mapping[str, str]) -> list[str]:
    """The format kind of every column of a repeat's worksheet (`kinds`: by question type)."""
    return [*REPEAT_KINDS, *(kinds.get(column.type, "text") for column in repeat.columns)]


def entry_rows(
    repeat: RepeatLayout, record: SubmissionRecord, tz: str = DEFAULT_TZ
) -> list[list[CellValue]]:
    """One row per entry of the record, aligned with `repeat_headers(repeat)`."""
    rows: list[list[CellValue]] = []
    for index, entry in enumerate(record.entries.get(repeat.name, ()), start=1):
        row: list[CellValue] = [
            record.submission_id,
            index,
            clean_text(record.unit_name),
            clean_text(record.period_label),
        ]
        row.extend(format_answer(c, entry.get(c.question_id), tz) for c in repeat.columns)
        rows.append(row)
    return rows


@dataclass(frozen=True, slots=True)
class EntryPlan:
    """Where a flush writes a repeat's entries: values by 1-based row, the rows to clear
    (or delete), and how many rows each submission must hold afterwards (for `verify`)."""

    rows: dict[int, list[CellValue]]
    cleared: tuple[int, ...]
    expected: dict[int, int]


def plan_entries(
    found: Mapping[int, list[int]],
    last_row: int,
    records: Sequence[SubmissionRecord],
    repeat: RepeatLayout,
    tz: str = DEFAULT_TZ,
) -> EntryPlan:
    """Place the records' entries on rows found by submission id (`layout.locate_rows`)."""
    rows: dict[int, list[CellValue]] = {}
    freed: list[int] = []
    waiting: list[list[CellValue]] = []
    expected: dict[int, int] = {}
    for record in sorted(records, key=lambda item: item.submission_id):
        values = entry_rows(repeat, record, tz)
        mine = sorted(found.get(record.submission_id, []))
        rows.update(zip(mine, values, strict=False))
        freed.extend(mine[len(values) :])
        waiting.extend(values[len(mine) :])
        expected[record.submission_id] = len(values)
    freed.sort()
    next_row = last_row + 1
    for values in waiting:
        if freed:
            rows[freed.pop(0)] = values
        else:
            rows[next_row] = values
            next_row += 1
    return EntryPlan(rows, tuple(freed), expected)
