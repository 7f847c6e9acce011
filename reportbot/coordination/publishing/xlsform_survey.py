"""The survey sheet of an XLSForm, row by row (a mixin of the reader, which
provides `issue`, `warn`, `texts`, `languages`, `calculations` and `metadata`)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pyxform import aliases, constants

from reportbot.coordination.publishing import xlsform_sections as sections
from reportbot.coordination.publishing.xlsform_choices import ChoiceRows
from reportbot.coordination.publishing.xlsform_constraint_words import constraint_words
from reportbot.coordination.publishing.xlsform_defaults import (
    dynamic_default_problems,
    is_dynamic,
    literal_default,
)
from reportbot.coordination.publishing.xlsform_repeats import RepeatRows
from reportbot.coordination.publishing.xlsform_sheets import (
    ACK_CHOICE,
    DEFAULT_CONSTRAINT_MESSAGE,
    ERROR_COLUMNS,
    GROUP_BEGIN,
    GROUP_END,
    METADATA_ALIASES,
    METADATA_TYPES,
    OTHER_CHOICE,
    QUIET_COLUMNS,
    REPEAT_WORDS,
    SIMPLE_TYPES,
    SURVEY_COLUMNS,
    UNSUPPORTED_TYPES,
    YES_NO,
    Sheet,
    other_question,
    read_only_note,
    unknown_column,
)
from reportbot.forms.calculate import METADATA_KINDS
from reportbot.forms.diagnostics import said
from reportbot.forms.expressions import ExpressionError, parse_expression
from reportbot.forms.loader import BUILTIN_NAMES

EXTERNAL_PREFIX = "external_choices:"


class SurveyRows(RepeatRows, ChoiceRows):
    """Reading the choices and survey sheets into template data, with located issues."""

    issue: Any
    warn: Any
    texts: Any
    calculations: list[dict[str, Any]]
    metadata: list[dict[str, str]]
    or_other: bool

    # -- survey ------------------------------------------------------------------------------

    def questions(
        self, sheet: Sheet, lists: dict[str, list[dict[str, Any]]]
    ) -> tuple[list[dict[str, Any]], dict[str, list[int]], list[int]]:
        """The survey's questions, the rows each name stands on, and each question's row."""
        self.survey_columns(sheet)
        questions: list[dict[str, Any]] = []
        rows_of: dict[str, list[int]] = {}
        positions: list[int] = []
        groups: list[tuple[int, str]] = []  # (row, relevant) of open groups
        self.start_survey(sheet, lists, (questions, rows_of, positions))
        for number, row in sheet.numbered():
            kind = " ".join(sheet.value(row, "type").split())
            if not kind:
                self.no_type(sheet, number, row)
                continue
            lowered = kind.lower()
            if self.repeat_row(sheet, number, row, lowered, groups) or self.special_row(
                sheet, number, row, lowered, groups, rows_of
            ):
                continue
            for column, feature in ERROR_COLUMNS.items():
                if sheet.value(row, column):
                    message = said("xlsform:column_unsupported", value=feature)
                    self.issue("survey", number, sheet.column(column), message)
            if self.group_row(sheet, number, row, lowered, (groups, questions)):
                continue
            question = self.question(sheet, number, row, kind, lists)
            if question is None:
                continue
            read_only = bool(aliases.yes_no.get(sheet.value(row, "read_only") or "no", True))
            # a follow-up needs no group condition: its select is empty when not relevant
            for item in self.in_groups(question, read_only, groups):
                questions.append(item)
                rows_of.setdefault(item["id"], []).append(number)
                positions.append(number)
        self.unclosed_groups(groups)
        sections.add_sections(questions, positions, sections.group_sections(sheet, self.texts))
        if not questions and not self.issues:
            self.issue("survey", None, None, said("xlsform:no_question"))
        return questions, rows_of, positions

    def survey_columns(self, sheet: Sheet) -> None:
        """Warn about the survey columns the bot ignores (display only, or unknown)."""
        for original, (base, _lang) in sheet.columns.items():
            if base == "appearance":
                for warning in sections.appearance_warnings(sheet, original):  # not field-list
                    self.warn(warning)
            elif base in QUIET_COLUMNS or base.startswith("media::") or base.startswith("body::"):
                self.warn(said("xlsform:warn_display_only", value=f"“{original}”"))
            elif base not in SURVEY_COLUMNS:
                self.warn(unknown_column(original, base, SURVEY_COLUMNS | {"calculation"}))

    def group_row(
        self,
        sheet: Sheet,
        number: int,
        row: Mapping[str, Any],
        lowered: str,
        state: tuple[list[tuple[int, str]], list[dict[str, Any]]],
    ) -> bool:
        """Open or close a group (`state`: the open groups, the questions so far); True if
        the row was one."""
        groups, questions = state
        if lowered in GROUP_BEGIN:
            groups.append((number, self.group_relevant(sheet, number, row, questions)))
            return True
        if lowered in GROUP_END:
            if not groups:
                kind = sheet.value(row, "type")
                message = said("xlsform:end_without_begin", value=kind, what="group")
                self.issue("survey", number, "type", message)
            else:
                groups.pop()
            return True
        return False

    @staticmethod
    def in_groups(
        question: dict[str, Any], read_only: bool, groups: list[tuple[int, str]]
    ) -> list[dict[str, Any]]:
        """The question (a note if read only) under its groups' conditions, then its
        'specify other' follow-up, if any."""
        if read_only:
            question = read_only_note(question)
        follow_ups = [other_question(question)] if question.pop("_or_other", None) else []
        conditions = [rel for _row, rel in groups if rel]
        if question.get("relevant"):
            conditions.append(question["relevant"])
        if conditions:
            question["relevant"] = (
                " and ".join(f"({c})" for c in conditions) if len(conditions) > 1 else conditions[0]
            )
        return [question, *follow_ups]

    def unclosed_groups(self, groups: list[tuple[int, str]]) -> None:
        """Report each group or repeat still open at the end of the survey."""
        for number, _relevant in groups:
            # a repeat's begin row sits on `groups` too (its relevant applies like a group's)
            repeat_rows = self.collected[1].get(self.open_repeat[1], []) if self.open_repeat else []
            what = "repeat" if number in repeat_rows else "group"
            message = said("xlsform:begin_without_end", value=f"begin {what}", what=what)
            self.issue("survey", number, "type", message)

    def group_relevant(
        self, sheet: Sheet, number: int, row: Mapping[str, Any], earlier: list[dict[str, Any]]
    ) -> str:
        """A group's relevant, checked once on the group's own row (a problem is reported
        there, not on every question inside the group, and the condition is then dropped)."""
        source = sheet.value(row, "relevant")
        if not source:
            return ""
        known = {item["id"] for item in earlier} | BUILTIN_NAMES | self.survey_names
        known |= {item["name"] for item in self.calculations + self.metadata}
        column = sheet.column("relevant")
        try:
            expression = parse_expression(source)
        except ExpressionError as exc:
            message = said("xlsform:expression", detail=exc.message, value=repr(source))
            self.issue("survey", number, column, message)
            return ""
        unknown = sorted(expression.references() - known)
        for name in unknown:
            self.issue("survey", number, column, said("xlsform:reference", name=name))
        impossible = sections.impossible_comparisons(expression, earlier)  # once, on the group
        for message in impossible:
            self.issue("survey", number, column, message)
        return "" if unknown or impossible else source

    def special_row(
        self,
        sheet: Sheet,
        number: int,
        row: Mapping[str, Any],
        kind: str,
        groups: list[tuple[int, str]],
        rows_of: dict[str, list[int]],
    ) -> bool:
        """Take a `calculate` or metadata row (never asked); True if the row was one."""
        base = kind.replace(" ", "_")
        name = sheet.value(row, "name")
        if base == "hidden" and name:  # no UI: its value is its default, as in ODK
            default = sheet.value(row, "default").replace("'", "")
            self.calculations.append({"name": name, "calculation": f"'{default}'"})
            rows_of.setdefault(name, []).append(number)
            return True
        if base == "calculate":
            calculation = sheet.value(row, "calculation")
            if not name or not calculation:
                column = "name" if not name else sheet.column("calculation")
                self.issue("survey", number, column, said("xlsform:calculate_incomplete"))
                return True
            conditions = [rel for _row, rel in groups if rel]
            if conditions:  # ODK: a calculation in a non-relevant group is empty
                calculation = f"if({' and '.join(f'({c})' for c in conditions)}, {calculation}, '')"
            item: dict[str, Any] = {"name": name, "calculation": calculation}
            label = self.texts(sheet, row, "label")
            if label:
                item["label"] = label
            self.calculations.append(item)
            rows_of.setdefault(name, []).append(number)
            return True
        base = METADATA_ALIASES.get(base, base)
        if base in METADATA_TYPES:
            if base in METADATA_KINDS and name:
                self.metadata.append({"name": name, "type": base})
                rows_of.setdefault(name, []).append(number)
            else:
                self.warn(said("xlsform:warn_metadata", value=f"“{kind}”", row=number))
            return True
        return False

    def question(
        self,
        sheet: Sheet,
        number: int,
        row: Mapping[str, Any],
        kind: str,
        lists: dict[str, list[dict[str, Any]]],
    ) -> dict[str, Any] | None:
        """A question row as template data; None (with an issue) when the bot cannot ask it."""
        lowered = " ".join(kind.lower().split())
        if lowered in ("acknowledge", "trigger", "range"):
            return self.mapped_question(sheet, number, row, lowered)
        ours, list_name = self.question_type(number, kind)
        if ours is None:
            return None
        name = sheet.value(row, "name")
        if not name and ours == "note":
            name = f"note_row_{number}"  # ODK shows a nameless note; it stores nothing
        if not name:
            self.issue("survey", number, "name", said("xlsform:required_cell"))
            return None
        item: dict[str, Any] = {"id": name, "type": ours}
        self.question_texts(sheet, number, row, item)
        for column in ("relevant", "constraint", "choice_filter", "calculation"):
            expression = sheet.value(row, column)
            if expression:
                item[column] = expression
        if "constraint" in item:
            message = self.texts(sheet, row, "constraint_message")
            if "vi" not in message:
                message = constraint_words(item["constraint"]) or DEFAULT_CONSTRAINT_MESSAGE
            item["constraint_message"] = message
        default = sheet.value(row, "default")
        if default and is_dynamic(default, ours):  # today(), ${q}: offered when asked
            item.setdefault("calculation", default)  # a calculation of the row's own wins
            for problem in dynamic_default_problems(default, self.survey_names | BUILTIN_NAMES):
                self.issue("survey", number, sheet.column("default"), problem)
        elif default:
            item["default"] = literal_default(ours, default)
        if list_name is not None:
            self.question_choices(number, item, list_name, lists)
        return item

    def question_texts(
        self, sheet: Sheet, number: int, row: Mapping[str, Any], item: dict[str, Any]
    ) -> None:
        """The question's label (Vietnamese needed), hint and required flag, into `item`."""
        label = self.fallback_label(sheet, number, row, item["id"])
        if "vi" not in label:
            column = sheet.column("label")
            message = said("xlsform:question_label_vi", value=repr(item["id"]))
            self.issue("survey", number, column, message)
        item["label"] = label
        hint = self.texts(sheet, row, "hint")
        if hint:
            item["hint"] = hint
        required = sheet.value(row, "required")
        if required:
            value = YES_NO.get(required.strip().lower())  # else an XPath condition (ODK)
            item["required"] = required.strip() if value is None else value
            message = self.texts(sheet, row, "required_message")
            if value is not False and message:
                item["required_message"] = message

    def question_choices(
        self,
        number: int,
        item: dict[str, Any],
        list_name: str,
        lists: dict[str, list[dict[str, Any]]],
    ) -> None:
        """The choices of a select, from its list (an issue when the list is missing)."""
        if list_name not in lists:
            external = list_name.startswith(EXTERNAL_PREFIX)
            shown = list_name.removeprefix(EXTERNAL_PREFIX)
            where = "external_choices" if external else "choices"
            message = said("xlsform:list_missing", value=repr(shown), sheet=where)
            self.issue("survey", number, "type", message)
            return
        item["choices"] = lists[list_name]
        if not item.get("choice_filter"):
            self.unfiltered_lists.add(list_name)
        if self.or_other:
            item["choices"] = [*item["choices"], OTHER_CHOICE]
            item["_or_other"] = True

    def mapped_question(
        self, sheet: Sheet, number: int, row: Mapping[str, Any], kind: str
    ) -> dict[str, Any] | None:
        """ODK types that store what one of ours stores: acknowledge stores "OK" (a single
        choice; ODK's older `trigger` is the same), range stores a number between its start
        and end parameters."""
        if kind in ("acknowledge", "trigger"):
            return self.question(sheet, number, row, "select_one __ack", {"__ack": [ACK_CHOICE]})
        parameters = dict(
            part.split("=", 1)
            for part in sheet.value(row, "parameters").replace(",", " ").split()
            if "=" in part
        )
        try:
            start = Decimal(parameters.get("start", "1"))
            end = Decimal(parameters.get("end", "10"))
            step = Decimal(parameters.get("step", "1"))
        except ArithmeticError:
            message = said("xlsform:range_parameters", value=repr(sheet.value(row, "parameters")))
            self.issue("survey", number, "parameters", message)
            return None
        whole = all(value == value.to_integral_value() for value in (start, end, step))
        item = self.question(sheet, number, row, "integer" if whole else "decimal", {})
        if item is not None:
            low, high = sorted((start, end))
            item["min"], item["max"] = (int(low), int(high)) if whole else (float(low), float(high))
        return item

    def question_type(self, number: int, kind: str) -> tuple[str | None, str | None]:
        lowered = kind.lower()
        self.or_other = False
        for suffix in (" or specify other", " or_other"):
            if lowered.endswith(suffix) and lowered.startswith("select"):
                self.or_other = True  # pyxform: an 'other' choice and a text to specify it
                kind, lowered = kind[: -len(suffix)].rstrip(), lowered[: -len(suffix)].rstrip()
        if lowered.startswith("end") and any(lowered.startswith(w) for w in REPEAT_WORDS):
            return None, None  # reported once, on its begin row
        if any(lowered.startswith(word) for word in REPEAT_WORDS):
            message = said("xlsform:loop_not_supported", value=f"“{kind}”")
            self.issue("survey", number, "type", message)
            return None, None
        for prefix in sorted(aliases.select, key=len, reverse=True):
            if lowered.startswith(prefix + " "):
                target = aliases.select[prefix]
                list_name = kind[len(prefix) :].strip()
                if target == constants.SELECT_ONE and prefix not in aliases.select_from_file:
                    return "select_one", list_name
                if target == constants.SELECT_ONE_EXTERNAL:
                    # ODK reads its choices from the workbook's external_choices sheet (pyxform
                    # turns it into itemsets.csv); a chat offers them as any select, filtered
                    return "select_one", EXTERNAL_PREFIX + list_name
                if target == constants.SELECT_ALL_THAT_APPLY and (
                    prefix not in aliases.select_from_file
                ):
                    return "select_multiple", list_name
                message = said("xlsform:select_unsupported", value=f"“{prefix}”")
                self.issue("survey", number, "type", message)
                return None, None
        base = lowered.replace(" ", "_") if lowered not in SIMPLE_TYPES else lowered
        if base in SIMPLE_TYPES:
            return SIMPLE_TYPES[base], None
        if base in METADATA_TYPES:
            self.warn(said("xlsform:warn_metadata", value=f"“{kind}”", row=number))
            return None, None
        if UNSUPPORTED_TYPES.keys() & {base, lowered, lowered.split(" ")[0]}:
            message = said("xlsform:type_unsupported", value=f"“{kind}”")
            self.issue("survey", number, "type", message)
            return None, None
        known = sorted({*SIMPLE_TYPES, "select_one", "select_multiple"})
        close = difflib.get_close_matches(base.split(" ")[0], known, n=1, cutoff=0.75)
        if close:  # "interger": the one the admin meant, not the list of twenty
            message = said("xlsform:type_unknown_close", value=f"“{kind}”", close=f"“{close[0]}”")
        else:
            message = said("xlsform:type_unknown", value=f"“{kind}”", allowed=", ".join(known))
        self.issue("survey", number, "type", message)
        return None, None

    # -- problems found by the template checker ------------------------------------------------
