"""The choices sheets of an XLSForm, row by row, and the label a row falls back on (a mixin
of the reader, which provides `issue`, `warn` and `texts`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from reportbot.coordination.publishing.xlsform_sheets import MEDIA_COLUMNS, Sheet
from reportbot.forms.diagnostics import said
from reportbot.forms.loader import CHOICE_VALUE
from reportbot.forms.schema import pick

# a list an expression reads: instance('name') or pulldata('name', ...) (no nested repeats)
_LIST_NAMED = re.compile(r"""(?:instance|pulldata)\(\s*['"]([^'"]{1,100})['"]""")


def looked_up(
    rows: Iterable[Mapping[str, Any]], lists: Mapping[str, list[dict[str, Any]]]
) -> dict[str, list[dict[str, str]]]:
    """The lists of the choices sheet the survey's expressions read, as rows of
    {column: text} (name, label in the officers' language, the extra columns), the shape
    ODK gives their items."""
    named: set[str] = set()
    for row in rows:
        for value in row.values():
            if isinstance(value, str) and "(" in value:
                named.update(_LIST_NAMED.findall(value[:10_000]))
    tables: dict[str, list[dict[str, str]]] = {}
    for name in sorted(named):
        if name in lists:  # the external_choices sheet's lists carry a prefix: never here
            tables[name] = [
                {"name": c["value"], "label": pick(c["label"], "vi"), **c.get("extra", {})}
                for c in lists[name]
            ]
    return tables


class ChoiceRows:
    """Reading the choices and external_choices sheets into lists of choices."""

    issue: Any
    warn: Any
    texts: Any
    # filtered lists may repeat a name (ODK), so duplicates wait for the survey
    duplicate_choices: list[tuple[str, str, int, int]]  # (list, name, row, first row)
    unlabelled: list[tuple[str, tuple[Any, ...]]]  # (list, where the label is missing)
    unfiltered_lists: set[str]

    def choice_lists(self, sheet: Sheet, prefix: str = "") -> dict[str, list[dict[str, Any]]]:
        """The lists of a choices sheet by name (`prefix` + list name: the external_choices
        sheet's lists are kept apart from the choices sheet's, as pyxform keeps them)."""
        lists: dict[str, list[dict[str, Any]]] = {}
        seen: dict[tuple[str, str], int] = {}
        if not prefix:
            self.duplicate_choices, self.unfiltered_lists = [], set()
            self.unlabelled = []
        standard = {"list_name", "name", "value", "label", "image", "audio", "video"}
        for number, row in sheet.numbered():
            list_name = sheet.value(row, "list_name")
            name = sheet.value(row, "name") or sheet.value(row, "value")
            if not list_name:
                self.issue(sheet.name, number, "list_name", said("xlsform:required_cell"))
                continue
            if not name:
                self.issue(sheet.name, number, "name", said("xlsform:required_cell"))
                continue
            if not CHOICE_VALUE.match(name):
                message = said("xlsform:choice_name", value=repr(name))
                self.issue(sheet.name, number, "name", message)
            elif (list_name, name) in seen:
                first = seen[list_name, name]
                self.duplicate_choices.append((prefix + list_name, name, number, first))
            seen.setdefault((list_name, name), number)
            label = self.fallback_label(sheet, number, row, name)
            if "vi" not in label:  # said once the survey shows whether a select needs it
                message = said("xlsform:choice_label_vi", value=repr(name))
                where = (sheet.name, number, sheet.column("label"), message)
                self.unlabelled.append((prefix + list_name, where))
            choice = {"value": name, "label": label or {"vi": name}}
            extra = {
                base: str(row[original]).strip()
                for original, (base, lang) in sheet.columns.items()
                if lang is None and base not in standard and not base.startswith("media::")
                and row.get(original) not in (None, "")
            }  # fmt: skip
            if extra:  # what a choice_filter reads besides name and label (state, county...)
                choice["extra"] = extra
            lists.setdefault(prefix + list_name, []).append(choice)
        return lists

    def check_labels(self, rows: Iterable[Mapping[str, Any]], looked_up: Iterable[str]) -> None:
        """Report the choices without a Vietnamese label, except in a list only looked up
        (named by instance() and by no question's type): ODK needs no label there."""
        typed: set[str] = set()
        for row in rows:
            kind = next((v for k, v in row.items() if str(k).strip().lower() == "type"), None)
            typed.update(str(kind or "").split()[1:])  # select_one LIST, ..., loop over LIST
        tables_only = set(looked_up) - typed
        for list_name, where in self.unlabelled:
            if list_name not in tables_only:
                self.issue(*where)

    def fallback_label(
        self, sheet: Sheet, number: int, row: Mapping[str, Any], name: str
    ) -> dict[str, str]:
        """The row's label; without one, what ODK would show instead: the hint, or for a row
        with only an image or other media, its name (a chat shows no media here)."""
        label = self.texts(sheet, row, "label")
        if "vi" in label:
            return label
        hint = self.texts(sheet, row, "hint")
        if "vi" in hint:
            return {**label, "vi": hint["vi"]}
        media = [
            original
            for original, (base, _lang) in sheet.columns.items()
            if (base in MEDIA_COLUMNS or base.startswith("media::")) and row.get(original)
        ]
        if media:
            shown = f"“{name}”"
            self.warn(said("xlsform:warn_media_only", sheet=sheet.name, row=number, value=shown))
            return {**label, "vi": name}
        return label
