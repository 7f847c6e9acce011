"""Reading an XLSForm workbook (the ODK / KoBoToolbox standard) into our form template.

The workbook is read with pyxform's own reader (`xls2json_backends.get_xlsform`), which keeps
every row so each problem is reported by sheet, row and column; pyxform's full parser
(`xls2json.workbook_to_json`, what `parse_file_to_json` runs) then checks the workbook against
the XLSForm standard.

Supported: the ``survey``, ``choices`` and ``settings`` sheets; the types integer, decimal,
text, select_one, select_multiple (lists looked up case-sensitively, "or_other" adding an
'other' choice and ``${q}_other``), date, image (our photo), file, note (nameless too),
acknowledge (stores "OK"), range (a bounded number), calculate and hidden (calculations) and
the metadata types (today, start, end, username, deviceid, ...: names expressions may read,
values supplied by the caller); ``relevant``, ``constraint`` + ``constraint_message``,
``required`` (yes/no/1/0), ``hint``, ``default`` (parsed like an answer); names as ODK allows
them (case kept, ``-`` and ``.``); labels in any single language (see xlsform_language.py);
groups, flattened (a group's ``relevant`` is checked on its row and applies to each question
in it); ``settings.version``.

Not supported, and named in an error instead of being dropped: repeats and loops, geo types,
audio, video, barcode, rank, time, datetime, select from a file or external list, and the
columns choice_filter, repeat_count, trigger, read_only and calculation on a non-calculate
row. Purely visual columns (appearance, media) are ignored with a warning in the preview; a
misspelt column is a warning naming the likely one.

Settings the XLSForm standard lacks, read from extra columns of the ``settings`` sheet:
``unit_types`` (keys separated by spaces or commas; absent = every unit), ``period``
(monthly, quarterly, six_monthly, annual, one_off; default six_monthly), ``deadlines``
(default 20/06 and 20/12 for six_monthly, 20/12 for annual, day 20 for monthly and
quarterly), ``period_start`` (one_off only), ``reminders`` (days before the deadline) and
``description``. ``form_id`` folded is the form's key (without it the title folded, and only
without both the file name minus copy marks such as "(1)"), and ``form_title`` its title.
"""

from __future__ import annotations

import copy
import difflib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyxform import aliases, constants
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from reportbot.conversation.parsing import fold
from reportbot.coordination.xlsform_language import LanguagePlan, plan_languages
from reportbot.forms.calculate import METADATA_KINDS
from reportbot.forms.expressions import ExpressionError, parse_expression
from reportbot.forms.loader import BUILTIN_NAMES, CHOICE_VALUE, TemplateIssue, build_template
from reportbot.forms.schema import FormTemplate

log = logging.getLogger(__name__)

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
    "geopoint": "geopoint",
    "geotrace": "geotrace",
    "geoshape": "geoshape",
    "audio": "audio",
    "video": "video",
    "barcode": "barcode",
    "time": "time",
    "datetime": "datetime",
    "trigger": "trigger",
    "xml-external": "xml-external",
    "csv-external": "csv-external",
    "background-geopoint": "background-geopoint",
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
    "calculation": "calculations",
    "choice_filter": "choice filters (cascading selects)",
    "repeat_count": "repeats",
    "trigger": "triggers",
}
SURVEY_COLUMNS = frozenset(
    {"type", "name", "label", "hint", "required", "relevant", "constraint"}
    | {"constraint_message", "default", "read_only"}
    | set(ERROR_COLUMNS)
)
QUIET_COLUMNS = frozenset(
    {"appearance", "guidance_hint", "required_message", "image", "big-image", "audio", "video"}
    | {"media::image", "media::audio", "media::video", "parameters", "autoplay", "rows"}
)
SETTINGS_COLUMNS = frozenset(
    {"form_title", "form_id", "version", "default_language", "unit_types", "period"}
    | {"deadlines", "period_start", "reminders", "description"}
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
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00:00)?")
_PYXFORM_ROW = re.compile(r"\[row : (\d+)\]\s*")
_BUILTIN_REFERENCE = re.compile(r"\$\{(?:" + "|".join(sorted(BUILTIN_NAMES)) + r")\}")
_CHOICE_CHECKS = ("choice value", "duplicate choice value", "each choice")
# "bao_cao (1)", "bao_cao - Copy", "Copy of bao_cao", "bao_cao - bản sao": the same form
_COPY_MARKS = re.compile(
    r"^(?:copy of|ban sao cua)\s+|\s*(?:\(\d{1,3}\)?|-?\s*(?:copy|ban sao))\s*$"
)
# pyxform's other spellings of metadata types (question_type_dictionary)
_METADATA_ALIASES = {
    "uri:deviceid": "deviceid", "device_id": "deviceid", "get_device_id": "deviceid",
    "uri:subscriberid": "subscriberid", "uri:simserial": "simserial",
    "uri:phonenumber": "phonenumber", "phone_number": "phonenumber",
    "get_phone_number": "phonenumber", "uri:username": "username", "uri:email": "email",
}  # fmt: skip
_MEDIA_COLUMNS = frozenset({"image", "big-image", "audio", "video"})
_YES_NO = {key.lower(): value for key, value in aliases.yes_no.items()} | {"1": True, "0": False}
_XPATH_NUMBER = re.compile(r"-?(?:\d{1,40}(?:\.\d{0,40})?|\.\d{1,40})")


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


def split_header(header: str) -> tuple[str, str | None]:
    """A column header as (base name, language or None): 'label::English (en)' → ('label', ...)."""
    text = " ".join(header.split())
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


def load_xlsform(path: Path, source: str | None = None) -> XlsFormResult:
    """Read and check an XLSForm workbook; every problem is collected, none stops the check."""
    return _Reader(path, source or path.name).read()


class _Sheet:
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


class _Reader:
    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source
        self.stem = Path(source).stem  # the name the admin gave, not where it was saved
        self.issues: list[XlsIssue] = []
        self.warnings: list[str] = []
        self.default_language = "vi"
        self.languages = LanguagePlan()
        self.calculations: list[dict[str, Any]] = []
        self.metadata: list[dict[str, str]] = []
        self.or_other = False
        self._warned: set[str] = set()

    def issue(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        self.issues.append(XlsIssue(self.source, sheet, row, column, message))

    def warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    # -- the whole workbook ------------------------------------------------------------------

    def read(self) -> XlsFormResult:
        try:
            book = get_xlsform(str(self.path))
        except (PyXFormError, OSError, ValueError) as exc:
            self.issue(None, None, None, f"cannot read the workbook: {exc}")
            return XlsFormResult(issues=self.issues)
        if not book.survey:
            self.issue("survey", None, None, "the workbook has no survey sheet (or it is empty)")
            return XlsFormResult(issues=self.issues)
        for extra in book.sheet_names or ():
            if extra.lower() not in {"survey", "choices", "settings"}:
                self.warn(f"sheet “{extra}” ignored")
        settings = _Sheet("settings", book.settings or [], book.settings_header or [])
        survey = _Sheet("survey", book.survey, book.survey_header or [])
        choices = _Sheet("choices", book.choices or [], book.choices_header or [])
        self.plan_languages(settings, survey)
        data = self.settings(settings)
        lists = self.choice_lists(choices)
        questions, rows_of, positions = self.questions(survey, lists)
        data["questions"] = questions
        data["calculations"] = self.calculations
        data["metadata"] = self.metadata
        own = {(issue.sheet, issue.row, issue.column) for issue in self.issues}
        template, problems = build_template(data, self.source)
        for problem in problems:
            if not problem.message.startswith(_CHOICE_CHECKS):  # checked above, with rows
                self.locate(problem, survey, rows_of, positions, skip=own)
        if not self.issues:
            self.check_with_pyxform(book)
        if self.issues:
            order = {None: 0, "survey": 1, "choices": 2, "settings": 3}
            self.issues.sort(key=lambda i: (order.get(i.sheet, 4), i.row or 0))
            return XlsFormResult(issues=self.issues, warnings=self.warnings)
        return XlsFormResult(template=template, warnings=self.warnings)

    def check_with_pyxform(self, book: DefinitionData) -> None:
        """pyxform's own parser: anything it rejects is not a valid XLSForm.

        Our built-in names (${unit_type}, ...) are not survey fields, so pyxform sees them
        replaced by a text literal."""
        book = copy.deepcopy(book)
        for row in book.survey or ():
            for column, value in row.items():
                if isinstance(value, str) and "${" in value:
                    row[column] = _BUILTIN_REFERENCE.sub("'builtin'", value)
        warnings: list[str] = []
        try:
            workbook_to_json(
                workbook_dict=book,
                form_name=constants.DEFAULT_FORM_NAME,
                fallback_form_name=self.stem,
                default_language=constants.DEFAULT_LANGUAGE_VALUE,
                warnings=warnings,
            )
        except PyXFormError as exc:
            message = str(exc)
            match = _PYXFORM_ROW.search(message)
            row = int(match.group(1)) if match else None
            sheet = "choices" if "choices" in message.lower() and row else "survey" if row else None
            self.issue(sheet, row, None, _PYXFORM_ROW.sub("", message).strip() + " (pyxform)")
        except Exception:  # pyxform's own bug must not block a form we could read
            log.warning("pyxform failed on %s", self.source, exc_info=True)
        for warning in warnings:
            log.debug("pyxform warning for %s: %s", self.source, warning)

    def plan_languages(self, settings: _Sheet, survey: _Sheet) -> None:
        """Choose which label language fills the officers' slot (see xlsform_language)."""
        row = settings.rows[0] if settings.rows else {}
        default = settings.value(row, "default_language") or None
        labels = [lang for base, lang in survey.columns.values() if base == "label"]
        self.languages = plan_languages(labels, default, language_of)
        if self.languages.shown is not None:
            shown = self.languages.shown
            self.warn(
                f"không có nhãn tiếng Việt: cán bộ sẽ thấy nhãn bằng “{shown}” / "
                f"no Vietnamese labels: officers will see the labels in “{shown}”"
            )

    # -- settings ----------------------------------------------------------------------------

    def settings(self, sheet: _Sheet) -> dict[str, Any]:
        row = sheet.rows[0] if sheet.rows else {}
        self.default_language = self.languages.plain
        for original, (base, _lang) in sheet.columns.items():
            if base not in SETTINGS_COLUMNS and row.get(original) not in (None, ""):
                self.warn("settings " + _unknown_column(original, base, SETTINGS_COLUMNS))
        data: dict[str, Any] = {"key": self.form_key(sheet, row)}
        data["version"] = sheet.value(row, "version") or "1"
        title = self.texts(sheet, row, "form_title")
        if "vi" not in title:
            title["vi"] = self.stem if not title else next(iter(title.values()))
            self.warn(f"no Vietnamese form_title in settings: the title is “{title['vi']}”")
        data["title"] = title
        description = self.texts(sheet, row, "description")
        if description:
            data["description"] = description
        unit_types = sheet.value(row, "unit_types")
        if unit_types:
            data["unit_types"] = [u for u in re.split(r"[\s,;]+", unit_types) if u]
        data["period"] = self.period(sheet, row)
        reminders = sheet.value(row, "reminders")
        if reminders:
            days = re.split(r"[\s,;]+", reminders)
            if all(day.isdigit() for day in days):
                data["reminders"] = [int(day) for day in days]
            else:
                self.issue("settings", 2, "reminders", "days before the deadline, e.g. 7 3 1 0")
        return data

    def form_key(self, sheet: _Sheet, row: Mapping[str, Any]) -> str:
        """The form's identity: form_id, else the form title, folded; never the file name
        (a re-upload as "bao_cao (1).xlsx" is a new version of the same form)."""
        given = sheet.value(row, "form_id")
        source = given or self.texts(sheet, row, "form_title").get(self.default_language, "")
        source = source or next(iter(self.texts(sheet, row, "form_title").values()), "")
        if not source:  # last resort: the file name without the copy marks browsers add
            source = _COPY_MARKS.sub("", fold(self.stem)) or "form"
            self.warn(
                f"thiếu form_id: khóa của biểu mẫu lấy từ tên tệp; thêm form_id để đổi tên tệp "
                f"không tạo biểu mẫu mới / no form_id: the key comes from the file name "
                f"(“{source}”); add form_id so that renaming the file cannot make a new form"
            )
        slug = re.sub(r"[^a-z0-9]+", "_", fold(source)).strip("_")[:48].rstrip("_") or "form"
        slug = slug if slug[0].isalpha() else f"f_{slug}"[:48]
        if slug != given:
            origin = f"form_id “{given}”" if given else f"form_title “{source}”"
            self.warn(f"the form key is “{slug}” (from {origin})")
        return slug

    def period(self, sheet: _Sheet, row: Mapping[str, Any]) -> dict[str, Any]:
        kind = sheet.value(row, "period") or "six_monthly"
        raw = _ISO_DATE.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", sheet.value(row, "deadlines"))
        deadlines = [d for d in re.split(r"[\s,;]+", raw) if d]
        if kind in ("six_monthly", "annual"):
            deadlines = [re.sub(r"^(\d{1,2}/\d{1,2})/\d{4}$", r"\1", d) for d in deadlines]
        period: dict[str, Any] = {
            "kind": kind,
            "deadlines": deadlines or DEFAULT_DEADLINES.get(kind, []),
        }
        start = _ISO_DATE.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", sheet.value(row, "period_start"))
        if start:
            period["start"] = start
        return period

    def texts(self, sheet: _Sheet, row: Mapping[str, Any], base: str) -> dict[str, str]:
        """A translatable column as {vi, en}; other languages are ignored with a warning."""
        texts: dict[str, str] = {}
        plain = ""
        for original, (name, language) in sheet.columns.items():
            if name != base:
                continue
            value = row.get(original)
            if value is None or not str(value).strip():
                continue
            text = str(value).strip()
            if language is None:
                plain = text
                continue
            code = self.languages.slot(language, language_of(language))
            if code is None:
                self.warn(f"column “{original}” ignored: officers see one language")
            else:
                texts.setdefault(code, text)
        if plain:
            texts.setdefault(self.default_language, plain)
        return texts

    # -- choices -----------------------------------------------------------------------------

    def choice_lists(self, sheet: _Sheet) -> dict[str, list[dict[str, Any]]]:
        lists: dict[str, list[dict[str, Any]]] = {}
        seen: dict[tuple[str, str], int] = {}
        for number, row in sheet.numbered():
            list_name = sheet.value(row, "list_name")
            name = sheet.value(row, "name") or sheet.value(row, "value")
            if not list_name:
                self.issue("choices", number, "list_name", "required")
                continue
            if not name:
                self.issue("choices", number, "name", "required")
                continue
            if not CHOICE_VALUE.match(name):
                message = f"{name!r}: letters, digits, '_', '.' or '-' only (max 40)"
                self.issue("choices", number, "name", message)
            elif (list_name, name) in seen:
                message = f"{name!r} is already in list {list_name!r} (row {seen[list_name, name]})"
                self.issue("choices", number, "name", message)
            seen[(list_name, name)] = number
            label = self.fallback_label(sheet, number, row, name)
            if "vi" not in label:
                self.issue("choices", number, sheet.column("label"), "a Vietnamese label is needed")
            lists.setdefault(list_name, []).append({"value": name, "label": label or {"vi": name}})
        return lists

    # -- survey ------------------------------------------------------------------------------

    def questions(
        self, sheet: _Sheet, lists: dict[str, list[dict[str, Any]]]
    ) -> tuple[list[dict[str, Any]], dict[str, list[int]], list[int]]:
        for original, (base, _lang) in sheet.columns.items():
            if base in QUIET_COLUMNS or base.startswith("media::") or base.startswith("body::"):
                self.warn(f"column “{original}” ignored (display only)")
            elif base not in SURVEY_COLUMNS:
                self.warn(_unknown_column(original, base, SURVEY_COLUMNS | {"calculation"}))
        questions: list[dict[str, Any]] = []
        rows_of: dict[str, list[int]] = {}
        positions: list[int] = []
        groups: list[tuple[int, str]] = []  # (row, relevant) of open groups
        for number, row in sheet.numbered():
            kind = " ".join(sheet.value(row, "type").split())
            if not kind:
                self.issue("survey", number, "type", "missing type")
                continue
            lowered = kind.lower()
            if self.special_row(sheet, number, row, lowered, groups, rows_of):
                continue
            for column, feature in ERROR_COLUMNS.items():
                if sheet.value(row, column):
                    message = f"{feature} are not supported by the bot; remove this column"
                    self.issue("survey", number, sheet.column(column), message)
            read_only = sheet.value(row, "read_only")
            if read_only and aliases.yes_no.get(read_only, True):
                self.issue("survey", number, "read_only", "read-only questions are not supported")
            if lowered in GROUP_BEGIN:
                relevant = self.group_relevant(sheet, number, row, questions)
                groups.append((number, relevant))
                continue
            if lowered in GROUP_END:
                if not groups:
                    self.issue("survey", number, "type", "end group without a begin group")
                else:
                    groups.pop()
                continue
            question = self.question(sheet, number, row, kind, lists)
            if question is None:
                continue
            follow_ups = [_other_question(question)] if question.pop("_or_other", None) else []
            conditions = [rel for _row, rel in groups if rel]
            if question.get("relevant"):
                conditions.append(question["relevant"])
            if conditions:
                question["relevant"] = (
                    " and ".join(f"({c})" for c in conditions)
                    if len(conditions) > 1
                    else conditions[0]
                )
            # a follow-up needs no group condition: its select is empty when not relevant
            for item in (question, *follow_ups):
                questions.append(item)
                rows_of.setdefault(item["id"], []).append(number)
                positions.append(number)
        for number, _relevant in groups:
            self.issue("survey", number, "type", "begin group without an end group")
        if not questions and not self.issues:
            self.issue("survey", None, None, "no question the bot can ask")
        return questions, rows_of, positions

    def group_relevant(
        self, sheet: _Sheet, number: int, row: Mapping[str, Any], earlier: list[dict[str, Any]]
    ) -> str:
        """A group's relevant, checked once on the group's own row (a problem is reported
        there, not on every question inside the group, and the condition is then dropped)."""
        source = sheet.value(row, "relevant")
        if not source:
            return ""
        known = {item["id"] for item in earlier} | BUILTIN_NAMES
        known |= {item["name"] for item in self.calculations + self.metadata}
        column = sheet.column("relevant")
        try:
            expression = parse_expression(source)
        except ExpressionError as exc:
            self.issue("survey", number, column, f"{exc.message} in {source!r}")
            return ""
        unknown = sorted(expression.references() - known)
        for name in unknown:
            self.issue("survey", number, column, f"${{{name}}} is not an earlier question")
        return "" if unknown else source

    def special_row(
        self,
        sheet: _Sheet,
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
                self.issue(
                    "survey", number, column, "a calculate row needs a name and a calculation"
                )
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
        base = _METADATA_ALIASES.get(base, base)
        if base in METADATA_TYPES:
            if base in METADATA_KINDS and name:
                self.metadata.append({"name": name, "type": base})
                rows_of.setdefault(name, []).append(number)
            else:
                self.warn(f"metadata field “{kind}” ignored (row {number})")
            return True
        return False

    def question(
        self,
        sheet: _Sheet,
        number: int,
        row: Mapping[str, Any],
        kind: str,
        lists: dict[str, list[dict[str, Any]]],
    ) -> dict[str, Any] | None:
        lowered = " ".join(kind.lower().split())
        if lowered in ("acknowledge", "range"):
            return self.mapped_question(sheet, number, row, lowered)
        ours, list_name = self.question_type(number, kind)
        if ours is None:
            return None
        name = sheet.value(row, "name")
        if not name and ours == "note":
            name = f"note_row_{number}"  # ODK shows a nameless note; it stores nothing
        if not name:
            self.issue("survey", number, "name", "required")
            return None
        item: dict[str, Any] = {"id": name, "type": ours}
        label = self.fallback_label(sheet, number, row, name)
        if "vi" not in label:
            column = sheet.column("label")
            self.issue("survey", number, column, "a Vietnamese label is needed (label::vi)")
        item["label"] = label
        hint = self.texts(sheet, row, "hint")
        if hint:
            item["hint"] = hint
        required = sheet.value(row, "required")
        if required:
            value = _YES_NO.get(required.strip().lower())
            if value is None:
                message = f"{required!r}: only yes or no (a condition is not supported)"
                self.issue("survey", number, "required", message)
            item["required"] = bool(value)
        for column in ("relevant", "constraint"):
            expression = sheet.value(row, column)
            if expression:
                item[column] = expression
        if "constraint" in item:
            message = self.texts(sheet, row, "constraint_message")
            item["constraint_message"] = message if "vi" in message else DEFAULT_CONSTRAINT_MESSAGE
        default = sheet.value(row, "default")
        if default:
            item["default"] = self.default(number, ours, default)
        if list_name is not None:
            if list_name not in lists:
                message = f"the list {list_name!r} is not on the choices sheet"
                self.issue("survey", number, "type", message)
            else:
                item["choices"] = lists[list_name]
                if self.or_other:
                    item["choices"] = [*item["choices"], OTHER_CHOICE]
                    item["_or_other"] = True
        return item

    def mapped_question(
        self, sheet: _Sheet, number: int, row: Mapping[str, Any], kind: str
    ) -> dict[str, Any] | None:
        """ODK types that store what one of ours stores: acknowledge stores "OK" (a single
        choice), range stores a number between its start and end parameters."""
        if kind == "acknowledge":
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
            self.issue("survey", number, "parameters", "range: start=.. end=.. step=.. numbers")
            return None
        whole = all(value == value.to_integral_value() for value in (start, end, step))
        item = self.question(sheet, number, row, "integer" if whole else "decimal", {})
        if item is not None:
            low, high = sorted((start, end))
            item["min"], item["max"] = (int(low), int(high)) if whole else (float(low), float(high))
        return item

    def fallback_label(
        self, sheet: _Sheet, number: int, row: Mapping[str, Any], name: str
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
            if (base in _MEDIA_COLUMNS or base.startswith("media::")) and row.get(original)
        ]
        if media:
            self.warn(f"{sheet.name}, row {number}: only media, officers see the name “{name}”")
            return {**label, "vi": name}
        return label

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
            message = "repeats are not supported by the bot; ask for totals instead"
            self.issue("survey", number, "type", message)
            return None, None
        for prefix in sorted(aliases.select, key=len, reverse=True):
            if lowered.startswith(prefix + " "):
                target = aliases.select[prefix]
                list_name = kind[len(prefix) :].strip()
                if target == constants.SELECT_ONE and prefix not in aliases.select_from_file:
                    return "select_one", list_name
                if target == constants.SELECT_ALL_THAT_APPLY and (
                    prefix not in aliases.select_from_file
                ):
                    return "select_multiple", list_name
                self.issue("survey", number, "type", f"“{prefix}” is not supported")
                return None, None
        base = lowered.replace(" ", "_") if lowered not in SIMPLE_TYPES else lowered
        if base in SIMPLE_TYPES:
            return SIMPLE_TYPES[base], None
        if base in METADATA_TYPES:
            self.warn(f"metadata field “{kind}” ignored (row {number})")
            return None, None
        if base in UNSUPPORTED_TYPES or lowered in UNSUPPORTED_TYPES:
            message = f"type “{kind}” is not supported by the bot"
            self.issue("survey", number, "type", message)
            return None, None
        supported = "integer, decimal, text, select_one, select_multiple, date, image, file, note"
        self.issue("survey", number, "type", f"unknown type “{kind}” (supported: {supported})")
        return None, None

    def default(self, number: int, kind: str, text: str) -> Any:
        """An XLSForm default as the template checker reads it: ODK writes numbers as XPath
        literals ('2.5' is two and a half, '1.500' one and a half), anything else as text."""
        if kind in ("integer", "decimal") and _XPATH_NUMBER.fullmatch(text):
            return Decimal(text)
        return text

    # -- problems found by the template checker ------------------------------------------------

    def locate(
        self,
        problem: TemplateIssue,
        survey: _Sheet,
        rows_of: dict[str, list[int]],
        positions: list[int],
        *,
        skip: set[tuple[str | None, int | None, str | None]],
    ) -> None:
        """Report a template checker problem at its sheet, row and column (unless a problem
        was already reported there by the workbook checks)."""
        before = len(self.issues)
        self._locate(problem, survey, rows_of, positions)
        if before < len(self.issues):
            located = self.issues[-1]
            if (located.sheet, located.row, located.column) in skip:
                self.issues.pop()

    def _locate(
        self,
        problem: TemplateIssue,
        survey: _Sheet,
        rows_of: dict[str, list[int]],
        positions: list[int],
    ) -> None:
        message = problem.message
        settings_columns = {
            "key": "form_id",
            "version": "version",
            "title": "form_title",
            "description": "description",
            "unit_types": "unit_types",
            "reminders": "reminders",
        }
        if problem.where in settings_columns:
            self.issue("settings", 2, settings_columns[problem.where], message)
            return
        if problem.where == "period":
            column = "deadlines" if "deadline" in message or "start" in message else "period"
            self.issue("settings", 2, column, message)
            return
        if problem.where == "questions":
            if not self.issues:  # else a question was dropped for a reason already given
                self.issue("survey", None, None, message)
            return
        rows = rows_of.get(problem.where)
        if rows is None and problem.where.startswith("question "):
            index = int(problem.where.split()[1]) - 1
            rows = [positions[index]] if 0 <= index < len(positions) else None
        row = None
        if rows:
            row = rows[-1] if message.startswith("duplicate id") else rows[0]
        column = _survey_column(message)
        head, _, rest = message.partition(": ")
        if rest and _survey_column(head + ":") == column:
            message = rest  # "relevant: ..." in the relevant column
        self.issue("survey", row, survey.column(column) if column else None, message)


ACK_CHOICE = {"value": "OK", "label": {"vi": "Đã đọc, xác nhận (OK)", "en": "OK"}}
OTHER_CHOICE = {"value": "other", "label": {"vi": "Khác (ghi rõ)", "en": "Other (specify)"}}


def _other_question(question: dict[str, Any]) -> dict[str, Any]:
    """The text question pyxform adds after a select "or_other": ${q}_other, asked only when
    'other' is chosen."""
    name = question["id"]
    return {
        "id": f"{name}_other",
        "type": "text",
        "label": {"vi": "Xin ghi rõ lựa chọn khác", "en": "Please specify the other option"},
        "relevant": f"selected(${{{name}}}, 'other')",
    }


def _unknown_column(original: str, base: str, known: frozenset[str] | set[str]) -> str:
    """A warning for a column the bot does not read, with the likely intended one."""
    close = difflib.get_close_matches(base, sorted(known), n=1, cutoff=0.75)
    if close:
        return (
            f"column “{original}” ignored: bot không đọc cột này — có phải “{close[0]}”? / "
            f"did you mean “{close[0]}”?"
        )
    return f"column “{original}” ignored"


def _survey_column(message: str) -> str | None:
    """Which survey column a template checker message is about."""
    head = message.split(":", 1)[0].strip().lower() if ":" in message else ""
    direct = {"relevant": "relevant", "constraint": "constraint", "id": "name", "label": "label"}
    direct["default"] = "default"
    direct["calculation"] = "calculation"
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
