"""Group labels as section headers: which labelled group each survey row sits in.

ODK Collect shows a group's label above the questions inside it
(https://docs.getodk.org/form-question-types/#groups); the chat shows it once, above the
first question of the group the officer reaches (`conversation.render.section_heading`).
A group without a label is only a wrapper (for `relevant`) and adds no header; inside
nested groups the innermost labelled one names the section.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from reportbot.coordination.publishing.xlsform_sheets import GROUP_BEGIN, GROUP_END, Sheet

Texts = Callable[[Sheet, Mapping[str, Any], str], dict[str, str]]


def group_sections(sheet: Sheet, texts: Texts) -> dict[int, dict[str, str]]:
    """Row number -> the label of the innermost labelled group open at that row."""
    stack: list[dict[str, str]] = []
    sections: dict[int, dict[str, str]] = {}
    for number, row in sheet.numbered():
        kind = " ".join(sheet.value(row, "type").split()).lower()
        if kind in GROUP_BEGIN:
            stack.append(texts(sheet, row, "label"))
        elif kind in GROUP_END:
            if stack:  # an unmatched end is reported by the survey reader
                stack.pop()
        else:
            label = next((text for text in reversed(stack) if text.get("vi")), None)
            if label:
                sections[number] = dict(label)
    return sections


def add_sections(
    questions: list[dict[str, Any]], positions: list[int], sections: Mapping[int, dict[str, str]]
) -> None:
    """Give each question read from a row inside a labelled group its `section`."""
    for item, number in zip(questions, positions, strict=False):
        if number in sections and "section" not in item:
            item["section"] = sections[number]
