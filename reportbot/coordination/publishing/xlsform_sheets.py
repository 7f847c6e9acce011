"""The pieces of an XLSForm workbook the reader works with: column names and their
languages, sheets as rows, located issues, and the fixed tables of types and columns."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyxform import aliases

from reportbot.conversation.parsing import fold
from reportbot.coordination.publishing.xlsform_texts import XLSFORM as XLSFORM
from reportbot.forms.diagnostics import Said, said, shown, with_fix_text
from reportbot.forms.loader import BUILTIN_NAMES
from reportbot.forms.schema import FormTemplate
from reportbot.vocabulary.catalogue import say

XLSFORM_SUFFIXES = frozenset({".xlsx", ".xls"})
SIMPLE_TYPES = {
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "text": "text",
    "string": "text",
    "date": "date",
    "note": "note",
    "photo": "photo",
    "image": "photo",
    "file": "file",
    "audio": "audio",
    "video": "video",
    "time": "time",
    "datetime": "datetime",  # also ODK's "dateTime": types are looked up lower-cased
    "geopoint": "geopoint",
    "gps": "geopoint",  # pyxform's old alias
    "geotrace": "geotrace",
    "geoshape": "geoshape",
    "barcode": "barcode",
}
METADATA_TYPES = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "imei",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "start-geopoint",
        "background-audio",
    }
)
UNSUPPORTED_TYPES = {
    "xml-external": "xml-external",
    "csv-external": "csv-external",
    "background-geopoint": "background-geopoint",
    # a chat has no map to draw on nor list to reorder: "osm <list>", "rank <list>"
    "osm": "osm",
    "rank": "rank",
}
GROUP_BEGIN = frozenset({"begin group", "begin_group"})
GROUP_END = frozenset({"end group", "end_group"})
REPEAT_WORDS = ("begin repeat", "begin_repeat", "end repeat", "end_repeat", "begin loop")
REPEAT_WORDS += ("end loop", "end_loop", "begin_loop")
TRANSLATABLE = frozenset(
    {"label", "hint", "constraint_message", "required_message", "guidance_hint"}
    | {"image", "big-image", "audio", "video", "media::image", "media::audio", "media::video"}
    | {"form_title", "description"}
)
HEADER_ALIASES = {
    "list name": "list_name",
    "relevance": "relevant",
    "caption": "label",
    "constraining_message": "constraint_message",
    "requiredmsg": "required_message",
    "readonly": "read_only",
    "calculate": "calculation",
    "count": "repeat_count",
    "jr:count": "repeat_count",
    "set_form_title": "form_title",
    "set_form_id": "form_id",
}
ERROR_COLUMNS = {
    "trigger": "triggers",
}
SURVEY_COLUMNS = frozenset(
    {"type", "name", "label", "hint", "required", "relevant", "constraint"}
    | {"constraint_message", "default", "read_only", "choice_filter", "calculation"}
    | {"repeat_count", "required_message"}
    | set(ERROR_COLUMNS)
)
QUIET_COLUMNS = frozenset(
    {"appearance", "guidance_hint", "image", "big-image", "audio", "video"}
    | {"media::image", "media::audio", "media::video", "parameters", "autoplay", "rows"}
)
SETTINGS_COLUMNS = frozenset(
    {"form_title", "form_id", "version", "default_language", "unit_types", "period"}
    | {"deadlines", "period_start", "reminders", "description", "allow_choice_duplicates"}
)
DEFAULT_DEADLINES = {
    "six_monthly": ["20/06", "20/12"],
    "annual": ["20/12"],
    "monthly": ["20"],
    "quarterly": ["20"],
}
DEFAULT_CONSTRAINT_MESSAGE = {
    "vi": "Giá trị này không đúng điều kiện của câu hỏi; xin kiểm tra lại.",
    "en": "This value does not meet the question's condition; please check it.",
}
VI_NAMES = frozenset({"vi", "vietnamese", "tieng viet", "viet", "viet nam", "vietnam"})
EN_NAMES = frozenset({"en", "english", "tieng anh", "anh"})
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?")
PYXFORM_ROW = re.compile(r"\[row : (\d+)\]\s*")
BUILTIN_REFERENCE = re.compile(r"\$\{(?:" + "|".join(sorted(BUILTIN_NAMES)) + r")\}")
CHOICE_CHECKS = ("choice value", "duplicate choice value", "each choice")
# "bao_cao (1)", "bao_cao - Copy", "Copy of bao_cao", "bao_cao - bản sao": the same form
COPY_MARKS = re.compile(
    r"^(?:copy of|ban sao cua)\s+|\s*(?:\(\d{1,3}\)?|-?\s*(?:copy|ban sao))\s*$"
)
# pyxform's other spellings of metadata types (question_type_dictionary)
METADATA_ALIASES = {
    "uri:deviceid": "deviceid", "device_id": "deviceid", "get_device_id": "deviceid",
    "uri:subscriberid": "subscriberid", "uri:simserial": "simserial",
    "uri:phonenumber": "phonenumber", "phone_number": "phonenumber",
    "get_phone_number": "phonenumber", "uri:username": "username", "uri:email": "email",
}  # fmt: skip
MEDIA_COLUMNS = frozenset({"image", "big-image", "audio", "video"})
YES_NO = {key.lower(): value for key, value in aliases.yes_no.items()} | {"1": True, "0": False}
XPATH_NUMBER = re.compile(r"-?(?:\d{1,40}(?:\.\d{0,40})?|\.\d{1,40})")


@dataclass(frozen=True, slots=True)
class XlsIssue:
    """One problem in a workbook, located by sheet, row and column where possible."""

    source: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [part for part in (self.sheet, self._row(), self._column()) if part]
        return (
            f"{self.source}: {', '.join(where)}: {self.message}"
            if where
            else (f"{self.source}: {self.message}")
        )

    def _row(self) -> str:
        return f"row {self.row}" if self.row else ""

    def _column(self) -> str:
        return f"column {self.column}" if self.column else ""

    def render(self, locale: str = "vi") -> str:
        """The problem in `locale`: sheet, row, column, offending value, and how to fix it."""
        parts = [
            say(f"formcheck:at_{part}", locale, value=value)
            for part, value in (("sheet", self.sheet), ("row", self.row), ("column", self.column))
            if value
        ]
        message = shown(self.message, locale)
        if parts:
            text = say(
                "formcheck:at_cell",
                locale,
                source=self.source,
                place=", ".join(parts),
                message=message,
            )
        else:
            text = say("formcheck:at_file", locale, source=self.source, message=message)
        return with_fix_text(text, self.message, locale)


@dataclass(slots=True)
class XlsFormResult:
    """A workbook read: the template (None if any issue), the issues and the warnings."""

    template: FormTemplate | None = None
    issues: list[XlsIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def language_of(name: str) -> str | None:
    """'vi' or 'en' for a language column name ('Tiếng Việt (vi)', 'English', 'en')."""
    code = re.search(r"\(\s*([A-Za-z]{2,3})(?:[-_][A-Za-z]+)?\s*\)\s*$", name)
    if code:
        name = code.group(1)
    folded = fold(name)
    if folded in VI_NAMES:
        return "vi"
    if folded in EN_NAMES:
        return "en"
    return None


# pyxform's own spelling of a rule column: the XForm bind attribute after "bind::" (or
# "bind:", pyxform's older sheets, e.g. its tutorial.xls), as ODK applies it
BIND_COLUMNS = {
    "relevant": "relevant",
    "constraint": "constraint",
    "required": "required",
    "calculate": "calculation",
    "readonly": "read_only",
    "jr:constraintmsg": "constraint_message",
    "jr:requiredmsg": "required_message",
}


def split_header(header: str) -> tuple[str, str | None]:
    """A column header as (base name, language or None): 'label::English (en)' → ('label', ...)."""
    text = " ".join(header.split())
    for prefix in ("bind::", "bind:"):
        if text.lower().startswith(prefix) and text[len(prefix) :].lower() in BIND_COLUMNS:
            return BIND_COLUMNS[text[len(prefix) :].lower()], None
    base, language = text, None
    if "::" in text:
        base, language = text.split("::", 1)
        if base.strip().lower() == "media":  # media::image::English
            kind, _, language_part = language.partition("::")
            base, language = f"media::{kind}", language_part or None
    elif ":" in text and text.split(":", 1)[0].strip().lower() in TRANSLATABLE:
        base, language = text.split(":", 1)
    base = base.strip().lower()
    base = HEADER_ALIASES.get(base, base.replace(" ", "_"))
    return base, language.strip() if language else None


class Sheet:
    """A sheet's rows as {base column: text} and {base column: {language: text}}."""

    def __init__(self, name: str, rows: Sequence[Mapping[str, Any]], header: Sequence[Any]):
        self.name = name
        self.rows = rows
        self.columns: dict[str, tuple[str, str | None]] = {}
        names = list(header[0]) if header else sorted({k for row in rows for k in row})
        for original in names:
            if original is not None:
                self.columns[str(original)] = split_header(str(original))
        self.header_of: dict[tuple[str, str | None], str] = {}
        for original, key in self.columns.items():
            self.header_of.setdefault(key, original)

    def numbered(self) -> list[tuple[int, Mapping[str, Any]]]:
        """Non-empty rows with their row number in the workbook (row 1 is the header)."""
        return [(index + 2, row) for index, row in enumerate(self.rows) if row]

    def value(self, row: Mapping[str, Any], base: str) -> str:
        """The text of a column without a language (first matching header)."""
        for original, (name, language) in self.columns.items():
            if name == base and language is None:
                value = row.get(original)
                if value is not None and str(value).strip():
                    return str(value).strip()
        return ""

    def column(self, base: str) -> str:
        """The header as written in the file for a base column (for messages)."""
        found = [(lang, orig) for (name, lang), orig in self.header_of.items() if name == base]
        for language, original in found:
            if language is None or language_of(language) == "vi":
                return original
        return found[0][1] if found else base


ACK_CHOICE = {"value": "OK", "label": {"vi": "Đã đọc, xác nhận (OK)", "en": "OK"}}
OTHER_CHOICE = {"value": "other", "label": {"vi": "Khác (ghi rõ)", "en": "Other (specify)"}}


def other_question(question: dict[str, Any]) -> dict[str, Any]:
    """The text question pyxform adds after a select "or_other": ${q}_other, asked only when
    'other' is chosen."""
    name = question["id"]
    return {
        "id": f"{name}_other",
        "type": "text",
        "label": {"vi": "Xin ghi rõ lựa chọn khác", "en": "Please specify the other option"},
        "relevant": f"selected(${{{name}}}, 'other')",
    }


def read_only_note(question: dict[str, Any]) -> dict[str, Any]:
    """A read-only row as ODK shows it: its label and value, never asked. In a chat that is a
    note; its default (a choice shown by its label) is appended to the label."""
    note: dict[str, Any] = {"id": question["id"], "type": "note", "label": question["label"]}
    for key in ("hint", "relevant"):
        if question.get(key):
            note[key] = question[key]
    default = question.get("default")
    if default is not None and default != "":
        shown = {language: str(default) for language in note["label"]}
        for choice in question.get("choices", []):
            if choice["value"] == str(default):
                shown = {
                    language: choice["label"].get(language, choice["label"]["vi"])
                    for language in note["label"]
                }
        note["label"] = {
            language: f"{text}: {shown[language]}" for language, text in note["label"].items()
        }
    return note


def unknown_column(original: str, base: str, known: frozenset[str] | set[str]) -> Said:
    """A warning for a column the bot does not read, with the likely intended one."""
    close = difflib.get_close_matches(base, sorted(known), n=1, cutoff=0.75)
    if close:
        return said("xlsform:warn_column_close", value=f"“{original}”", close=f"“{close[0]}”")
    return said("xlsform:warn_column", value=f"“{original}”")


def unknown_sheet(name: str, known: frozenset[str] | set[str]) -> Said:
    """A warning for a sheet the bot does not read, with the likely intended one."""
    close = difflib.get_close_matches(name.lower(), sorted(known), n=1, cutoff=0.6)
    if close:
        return said("xlsform:warn_sheet_close", value=f"“{name}”", close=f"“{close[0]}”")
    return said("xlsform:warn_sheet", value=f"“{name}”")


def survey_column(message: str) -> str | None:
    """Which survey column a template checker message is about."""
    head = message.split(":", 1)[0].strip().lower() if ":" in message else ""
    direct = {"relevant": "relevant", "constraint": "constraint", "id": "name", "label": "label"}
    direct["default"] = "default"
    direct["calculation"] = "calculation"
    direct["choice_filter"] = "choice_filter"
    direct["repeat_count"] = "repeat_count"
    if head in direct:
        return direct[head]
    lowered = message.lower()
    for needle, column in (
        ("constraint_message", "constraint_message"),
        ("relevant", "relevant"),
        ("constraint", "constraint"),
        ("duplicate id", "name"),
        ("reserved", "name"),
        ("type ", "type"),
        ("choice", "type"),
        ("label", "label"),
        ("hint", "hint"),
        ("required", "required"),
        ("default", "default"),
    ):
        if needle in lowered:
            return column
    return None
