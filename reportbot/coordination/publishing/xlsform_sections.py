"""Group labels as section headers: which labelled group each survey row sits in.

ODK Collect shows a group's label above the questions inside it
(https://docs.getodk.org/form-question-types/#groups); the chat shows it once, above the
first question of the group the officer reaches (`conversation.render.section_heading`).
A group without a label is only a wrapper (for `relevant`) and adds no header; inside
nested groups the innermost labelled one names the section. A group's `relevant` is checked
once, on the group's row, and the questions inside inherit it; `appearance: field-list` is
accepted (a chat asks one question at a time anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from reportbot.coordination.publishing.xlsform_sheets import GROUP_BEGIN, GROUP_END, Sheet
from reportbot.forms.diagnostics import Said, said
from reportbot.forms.expressions import Expression, compared_literals

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


# -- a group's relevant, and its appearance -------------------------------------------------

FIELD_LIST = "field-list"  # ODK: the group's questions on one screen; a chat asks one a time


def impossible_comparisons(expression: Expression, earlier: list[dict[str, Any]]) -> list[Said]:
    """What a group's relevant compares with a value its question can never hold
    (${yes_no} = 'có'), each as a message for the group's own row: the condition is checked
    once there, never again on every question inside the group."""
    kinds = {item["id"]: item for item in earlier if item.get("type") in ("select_one", "yes_no")}
    kinds |= {item["id"]: item for item in earlier if item.get("type") == "select_multiple"}
    messages = []
    for name, text in compared_literals(expression):
        target = kinds.get(name)
        if target is None or not text:
            continue
        if target["type"] == "yes_no":
            allowed = ["yes", "no"]
        else:
            allowed = [str(choice.get("value")) for choice in target.get("choices") or []]
        words = text.split() if target["type"] == "select_multiple" else [text]
        if not all(word in allowed for word in words):
            listed = ", ".join(repr(value) for value in allowed[:10])
            messages.append(
                said(
                    "formcheck:impossible_value",
                    field="relevant",
                    name=name,
                    value=repr(text),
                    allowed=listed,
                ).without_head()  # in the relevant column already
            )
    return messages


def appearance_warnings(sheet: Sheet, column: str) -> list[Said]:
    """A warning naming the appearances the chat cannot show, if any. `field-list` on a
    group is accepted: its questions are asked one at a time, as every chat question is."""
    ignored: set[str] = set()
    for _number, row in sheet.numbered():
        words = sheet.value(row, "appearance").split()
        kind = " ".join(sheet.value(row, "type").split()).lower()
        if kind in GROUP_BEGIN:
            words = [word for word in words if word.lower() != FIELD_LIST]
        ignored.update(words)
    shown = ", ".join(sorted(ignored))
    return [said("xlsform:warn_appearance", value=f"“{column}”", detail=shown)] if shown else []
