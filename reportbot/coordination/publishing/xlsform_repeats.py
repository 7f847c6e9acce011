"""Repeats and filtered choice lists of an XLSForm, row by row (a mixin of the survey
reader, which provides `issue`, `texts` and `group_relevant`)."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from reportbot.coordination.publishing.xlsform_sheets import Sheet
from reportbot.forms.diagnostics import said


class RepeatRows:
    """`begin repeat` / `end repeat` rows, and duplicate choice names in filtered lists."""

    issue: Any
    texts: Any
    group_relevant: Any
    # filtered lists may repeat a name (ODK), so duplicates wait for the survey
    duplicate_choices: list[tuple[str, str, int, int]]  # (list, name, row, first row)
    unfiltered_lists: set[str]
    repeats: list[dict[str, Any]]
    open_repeat: tuple[int, str] | None  # (where its questions start, name) of the open repeat
    nested_repeats: int = 0  # refused inner repeats still open
    survey_names: set[str]
    # a loop being read: (row, name, list name, where its questions start in `collected`)
    open_loop: tuple[int, str, str, int] | None
    collected: tuple[list[dict[str, Any]], dict[str, list[int]], list[int]]
    lists_read: dict[str, list[dict[str, Any]]]

    def start_survey(
        self,
        sheet: Sheet,
        lists: dict[str, list[dict[str, Any]]],
        collected: tuple[list[dict[str, Any]], dict[str, list[int]], list[int]],
    ) -> None:
        """Before the survey rows: every name (a rule may read a later question), no
        repeat or loop open, and where the questions read so far are collected."""
        self.survey_names = {sheet.value(row, "name") for _n, row in sheet.numbered()} - {""}
        self.repeats, self.open_repeat, self.open_loop = [], None, None
        self.nested_repeats = 0
        self.collected, self.lists_read = collected, lists

    def no_type(self, sheet: Sheet, number: int, row: Mapping[str, Any]) -> None:
        """A row without a type: a comment when it has no name or label either (skipped,
        as pyxform does), else a mistake."""
        if sheet.value(row, "name") or self.texts(sheet, row, "label"):
            self.issue("survey", number, "type", said("xlsform:type_missing"))

    def check_duplicate_choices(self) -> None:
        """A name twice in one list is refused unless every select using the list filters
        it (ODK then tells the two apart by the filter's columns)."""
        for list_name, name, number, first in self.duplicate_choices:
            if list_name in self.unfiltered_lists:
                message = said(
                    "xlsform:choice_duplicate", value=repr(name), list=repr(list_name), first=first
                )
                self.issue("choices", number, "name", message)

    def repeat_row(
        self,
        sheet: Sheet,
        number: int,
        row: Mapping[str, Any],
        kind: str,
        groups: list[tuple[int, str]],
    ) -> bool:
        """Take a `begin repeat` / `end repeat` row (True if the row was one). Its questions
        are asked once per entry (forms.repeats); a repeat's relevant applies to each of
        them, like a group's. A calculation inside a repeat is refused, named."""
        base = kind.replace(" ", "_")
        if base.startswith(("begin_loop", "end_loop")):
            return self.loop_row(sheet, number, row, base, groups)
        if base == "calculate" and self.open_repeat is not None:
            message = said("xlsform:calculate_in_repeat")
            self.issue("survey", number, "type", message)
            return True
        if base not in ("begin_repeat", "end_repeat"):
            return False
        if base == "end_repeat":
            if self.nested_repeats:  # the end of a refused inner repeat
                self.nested_repeats -= 1
            elif self.open_repeat is None:
                message = said("xlsform:end_without_begin", value="end repeat", what="repeat")
                self.issue("survey", number, "type", message)
            else:  # the questions read since its begin row belong to it
                start, name = self.open_repeat
                for item in self.collected[0][start:]:
                    item["repeat"] = name
                self.open_repeat = None
                groups.pop()
            return True
        name = sheet.value(row, "name")
        if self.open_repeat is not None:
            message = said("xlsform:repeat_in_repeat")
            self.issue("survey", number, "type", message)
            self.nested_repeats += 1
            return True
        if not name:
            self.issue("survey", number, "name", said("xlsform:required_cell"))
            return True
        item: dict[str, Any] = {"name": name, "label": self.texts(sheet, row, "label")}
        count = sheet.value(row, "repeat_count")
        if count:
            item["count"] = count
        self.repeats.append(item)
        self.collected[1].setdefault(name, []).append(number)  # its problems go on this row
        self.open_repeat = (len(self.collected[0]), name)
        groups.append((number, self.group_relevant(sheet, number, row, [])))
        return True

    def loop_row(
        self,
        sheet: Sheet,
        number: int,
        row: Mapping[str, Any],
        base: str,
        groups: list[tuple[int, str]],
    ) -> bool:
        """`begin loop over LIST` ... `end loop`: as pyxform, the questions between are
        copied once per choice of LIST (a group per choice, not a repeat), "%(label)s" in a
        label naming the choice; a copy's id is loop.choice.question (its XPath, dotted)."""
        questions, _rows_of, _positions = self.collected
        if base.startswith("begin_loop"):
            list_name = re.sub(r"^begin_loop_over_", "", base)
            original = sheet.value(row, "type").split()[-1]  # the list name as written
            name = sheet.value(row, "name")
            if self.open_loop is not None or self.open_repeat is not None:
                self.issue("survey", number, "type", said("xlsform:loop_in_loop"))
            elif not name or original.lower() != list_name or original not in self.lists_read:
                message = said("xlsform:loop_list", value=f"“{original}”")
                self.issue("survey", number, "type", message)
            else:
                self.open_loop = (number, name, original, len(questions))
                groups.append((number, self.group_relevant(sheet, number, row, [])))
            return True
        if self.open_loop is None:
            message = said("xlsform:end_without_begin", value="end loop", what="loop")
            self.issue("survey", number, "type", message)
            return True
        groups.pop()
        self.copy_loop(*self.open_loop)
        self.open_loop = None
        return True

    def copy_loop(self, number: int, name: str, list_name: str, start: int) -> None:
        """Replace the loop's questions (from `start`) by one copy per choice."""
        questions, rows_of, positions = self.collected
        inside, rows = questions[start:], positions[start:]
        del questions[start:], positions[start:]
        ids = {item["id"] for item in inside}
        for choice in self.lists_read[list_name]:
            new = {qid: f"{name}.{choice['value']}.{qid}" for qid in ids}
            for item, line in zip(inside, rows, strict=True):
                copied = copy.deepcopy(item)
                copied["id"] = new[item["id"]]
                copied["label"] = {
                    lang: text.replace(
                        "%(label)s", choice["label"].get(lang, choice["value"])
                    ).replace("%(name)s", choice["value"])
                    for lang, text in item["label"].items()
                }
                for column in ("relevant", "constraint", "choice_filter", "calculation"):
                    if column in copied:
                        copied[column] = _SIBLING.sub(
                            lambda m, new=new: "${" + new.get(m.group(1), m.group(1)) + "}",
                            copied[column],
                        )
                questions.append(copied)
                positions.append(line)
                rows_of.setdefault(copied["id"], []).append(line)


_SIBLING = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]{0,63})\}")
