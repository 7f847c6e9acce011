"""Repeats and filtered choice lists of an XLSForm, row by row (a mixin of the survey
reader, which provides `issue`, `texts` and `group_relevant`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportbot.coordination.xlsform_sheets import Sheet


class RepeatRows:
    """`begin repeat` / `end repeat` rows, and duplicate choice names in filtered lists."""

    issue: Any
    texts: Any
    group_relevant: Any
    # filtered lists may repeat a name (ODK), so duplicates wait for the survey
    duplicate_choices: list[tuple[str, str, int, int]]  # (list, name, row, first row)
    unfiltered_lists: set[str]
    repeats: list[dict[str, Any]]
    open_repeat: tuple[int, str] | None  # (row, name) of the repeat being read

    def check_duplicate_choices(self) -> None:
        """A name twice in one list is refused unless every select using the list filters
        it (ODK then tells the two apart by the filter's columns)."""
        for list_name, name, number, first in self.duplicate_choices:
            if list_name in self.unfiltered_lists:
                message = f"{name!r} is already in list {list_name!r} (row {first})"
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
        if base == "calculate" and self.open_repeat is not None:
            message = "a calculate inside a repeat is not supported yet; move it out of the repeat"
            self.issue("survey", number, "type", message)
            return True
        if base not in ("begin_repeat", "end_repeat"):
            return False
        if base == "end_repeat":
            if self.open_repeat is None:
                self.issue("survey", number, "type", "end repeat without a begin repeat")
            else:
                self.open_repeat = None
                groups.pop()
            return True
        name = sheet.value(row, "name")
        if self.open_repeat is not None:
            message = "a repeat inside a repeat is not supported; ask for the inner list as text"
            self.issue("survey", number, "type", message)
            return True
        if not name:
            self.issue("survey", number, "name", "required")
            return True
        item: dict[str, Any] = {"name": name, "label": self.texts(sheet, row, "label")}
        count = sheet.value(row, "repeat_count")
        if count:
            item["count"] = count
        self.repeats.append(item)
        self.open_repeat = (number, name)
        groups.append((number, self.group_relevant(sheet, number, row, [])))
        return True
