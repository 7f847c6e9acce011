"""Reading an XLSForm workbook (the ODK / KoBoToolbox standard) into our form template.

The workbook is read with pyxform's own reader (`xls2json_backends.get_xlsform`), which keeps
every row so each problem is reported by sheet, row and column; pyxform's full parser
(`xls2json.workbook_to_json`, what `parse_file_to_json` runs) then checks the workbook against
the XLSForm standard.

Supported: the ``survey``, ``choices`` and ``settings`` sheets; the types integer, decimal,
text, select_one, select_multiple (lists looked up case-sensitively, "or_other" adding an
'other' choice and ``${q}_other``), date, image (our photo), file, note (nameless too),
time, dateTime, geopoint (gps), geotrace, geoshape, barcode, audio, video (see
forms/README.md), acknowledge and trigger (store "OK"), range (a bounded number), read-only
rows (shown as a note with their value), calculate and hidden (calculations) and
the metadata types (today, start, end, username, deviceid, ...: names expressions may read,
values supplied by the caller); ``relevant``, ``constraint`` + ``constraint_message``,
``required`` (yes/no/1/0), ``hint``, ``default`` (parsed like an answer, or an expression:
ODK's dynamic default, xlsform_defaults.py); names as ODK allows
them (case kept, ``-`` and ``.``); labels in any single language (see xlsform_language.py);
groups, flattened (a group's ``relevant`` is checked on its row and applies to each question
in it); ``settings.version``; ``choice_filter`` (cascading selects: the choices sheet's extra
columns are kept per choice, a name may repeat in a filtered list; forms/choice_filter.py);
a ``calculation`` on an ordinary question (ODK's dynamic default); references to a later
question (a cycle of conditions is refused); comment rows (no type, name or label: skipped);
``begin repeat`` / ``end repeat`` with or without ``repeat_count`` (forms/repeats.py) and
``begin loop over LIST`` (copied per choice, as pyxform;
coordination/publishing/xlsform_repeats.py).

Not supported, and named in an error instead of being dropped: a repeat inside a repeat, a
calculate inside a repeat, osm, rank, and select from a file. Purely visual
columns (appearance, media) are ignored with a warning in the preview; a misspelt column is a
warning naming the likely one.

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
import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pyxform import constants
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from reportbot.conversation.parsing import fold
from reportbot.coordination.publishing.xlsform_choices import looked_up
from reportbot.coordination.publishing.xlsform_count_note import count_notes
from reportbot.coordination.publishing.xlsform_language import LanguagePlan, plan_languages
from reportbot.coordination.publishing.xlsform_merged import explain_merged
from reportbot.coordination.publishing.xlsform_regex_note import regex_notes
from reportbot.coordination.publishing.xlsform_sheets import (
    BUILTIN_REFERENCE,
    CHOICE_CHECKS,
    COPY_MARKS,
    DEFAULT_DEADLINES,
    ISO_DATE,
    PYXFORM_ROW,
    SETTINGS_COLUMNS,
    XLSFORM_SUFFIXES,
    Sheet,
    XlsFormResult,
    XlsIssue,
    language_of,
    split_header,
    survey_column,
    unknown_column,
    unknown_sheet,
)
from reportbot.coordination.publishing.xlsform_survey import EXTERNAL_PREFIX, SurveyRows
from reportbot.forms.diagnostics import Said, said
from reportbot.forms.labels import reduce_markup
from reportbot.forms.loader import TemplateIssue, build_template
from reportbot.forms.xpath_lookup import lookup_lists, read_lists

log = logging.getLogger(__name__)
KNOWN_SHEETS = frozenset({"survey", "choices", "settings", "external_choices"})
MARKUP_TEXTS = frozenset({"label", "hint", "constraint_message", "required_message"})
# what other modules import from here
__all__ = ["XLSFORM_SUFFIXES", "XlsFormResult", "XlsIssue", "language_of", "load_xlsform"]
__all__ += ["split_header"]


def load_xlsform(path: Path, source: str | None = None) -> XlsFormResult:
    """Read and check an XLSForm workbook; every problem is collected, none stops the check."""
    return _Reader(path, source or path.name).read()


class _Reader(SurveyRows):
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
        """Record a problem at its sheet, row and column (`message`: a `Said`, or plain text)."""
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
            log.info("unreadable workbook %s: %s", self.source, exc)  # pyxform's words: the log's
            self.issue(None, None, None, said("xlsform:unreadable", value=f"“{self.source}”"))
            return XlsFormResult(issues=self.issues)
        if self.spaced_sheets(book.sheet_names or ()):
            return XlsFormResult(issues=self.issues)
        if not book.survey:
            self.issue("survey", None, None, said("xlsform:no_survey"))
            return XlsFormResult(issues=self.issues)
        for extra in book.sheet_names or ():
            if extra.lower() not in KNOWN_SHEETS:
                self.warn(unknown_sheet(extra, KNOWN_SHEETS))
        settings = Sheet("settings", book.settings or [], book.settings_header or [])
        survey = Sheet("survey", book.survey, book.survey_header or [])
        choices = Sheet("choices", book.choices or [], book.choices_header or [])
        self.plan_languages(settings, survey)
        data = self.settings(settings)
        lists = self.choice_lists(choices)
        if book.external_choices:
            header = book.external_choices_header or []
            external = Sheet("external_choices", book.external_choices, header)
            lists |= self.choice_lists(external, EXTERNAL_PREFIX)
        tables = looked_up(book.survey, lists)
        self.check_labels(book.survey, tables)
        lookups, too_many = read_lists(tables)
        if too_many:  # over the bounds: said once, on the choices sheet
            self.issue("choices", None, None, said("formrule:lists_shape"))
            tables = {}
        with lookup_lists(lookups):  # what instance('name') reads
            questions, rows_of, positions = self.questions(survey, lists)
            for note in regex_notes(survey):  # Collect and the bot read regex() differently
                self.warn(note)
            for note in count_notes(survey):  # count(${multi}) is 1 since following ODK
                self.warn(note)
        self.check_duplicate_choices()
        data["questions"] = questions
        data["calculations"] = self.calculations
        data["metadata"] = self.metadata
        if self.repeats:
            data["repeats"] = self.repeats
        if tables:
            data["lists"] = tables
        own = {(issue.sheet, issue.row, issue.column) for issue in self.issues}
        template, problems = build_template(data, self.source)
        for problem in problems:
            if not problem.message.startswith(CHOICE_CHECKS):  # checked above, with rows
                self.locate(problem, survey, rows_of, positions, skip=own)
        if not self.issues:
            self.check_with_pyxform(book)
        if self.issues:
            order = {None: 0, "survey": 1, "choices": 2, "settings": 3}
            self.issues.sort(key=lambda i: (order.get(i.sheet, 4), i.row or 0))
            self.issues = explain_merged(self.path, self.issues)
            return XlsFormResult(issues=self.issues, warnings=self.warnings)
        return XlsFormResult(template=template, warnings=self.warnings)

    def spaced_sheets(self, names: Iterable[str]) -> bool:
        """Report each sheet named "Survey " (spaces around a known name: pyxform, and so
        ODK, never finds it); True if there is one."""
        spaced = [n for n in names if n != n.strip() and n.strip().lower() in KNOWN_SHEETS]
        for name in spaced:
            shown, fixed = f"“{name}”", f"“{name.strip().lower()}”"
            self.issue(name, None, None, said("xlsform:sheet_spaces", value=shown, name=fixed))
        return bool(spaced)

    def check_with_pyxform(self, book: DefinitionData) -> None:
        """pyxform's own parser: anything it rejects is not a valid XLSForm.

        Our built-in names (${unit_type}, ...) are not survey fields, so pyxform sees them
        replaced by a text literal."""
        book = copy.deepcopy(book)
        if self.duplicate_choices:  # only in filtered lists (else refused): legal in ODK
            book.settings = [{**(book.settings or [{}])[0], "allow_choice_duplicates": "yes"}]
            header = (book.settings_header or [{}])[0]
            book.settings_header = [{**header, "allow_choice_duplicates": None}]
        for row in book.survey or ():
            for column, value in row.items():
                if isinstance(value, str) and "${" in value:
                    row[column] = BUILTIN_REFERENCE.sub("'builtin'", value)
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
            match = PYXFORM_ROW.search(message)
            row = int(match.group(1)) if match else None
            sheet = "choices" if "choices" in message.lower() and row else "survey" if row else None
            detail = PYXFORM_ROW.sub("", message).strip()
            self.issue(sheet, row, None, said("xlsform:pyxform", detail=detail))
        except Exception:  # pyxform's own bug must not block a form we could read
            log.warning("pyxform failed on %s", self.source, exc_info=True)
        for warning in warnings:
            log.debug("pyxform warning for %s: %s", self.source, warning)

    def plan_languages(self, settings: Sheet, survey: Sheet) -> None:
        """Choose which label language fills the officers' slot (see xlsform_language)."""
        row = settings.rows[0] if settings.rows else {}
        default = settings.value(row, "default_language") or None
        labels = [lang for base, lang in survey.columns.values() if base == "label"]
        self.languages = plan_languages(labels, default, language_of)
        if self.languages.shown is not None:
            shown = self.languages.shown
            self.warn(said("xlsform:warn_no_vi_labels", value=f"“{shown}”"))

    # -- settings ----------------------------------------------------------------------------

    def settings(self, sheet: Sheet) -> dict[str, Any]:
        row = sheet.rows[0] if sheet.rows else {}
        self.default_language = self.languages.plain
        for original, (base, _lang) in sheet.columns.items():
            if base not in SETTINGS_COLUMNS and row.get(original) not in (None, ""):
                detail = unknown_column(original, base, SETTINGS_COLUMNS)
                self.warn(said("xlsform:warn_settings_column", detail=detail))
        data: dict[str, Any] = {"key": self.form_key(sheet, row)}
        data["version"] = sheet.value(row, "version") or "1"
        title = self.texts(sheet, row, "form_title")
        if "vi" not in title:
            title["vi"] = self.stem if not title else next(iter(title.values()))
            self.warn(said("xlsform:warn_no_vi_title", value=f"“{title['vi']}”"))
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
                message = said("xlsform:reminders_days", value=repr(reminders))
                self.issue("settings", 2, "reminders", message)
        return data

    def form_key(self, sheet: Sheet, row: Mapping[str, Any]) -> str:
        """The form's identity: form_id, else the form title, folded; never the file name
        (a re-upload as "bao_cao (1).xlsx" is a new version of the same form)."""
        given = sheet.value(row, "form_id")
        source = given or self.texts(sheet, row, "form_title").get(self.default_language, "")
        source = source or next(iter(self.texts(sheet, row, "form_title").values()), "")
        from_file = not source
        if from_file:  # last resort: the file name without the copy marks browsers add
            source = COPY_MARKS.sub("", fold(self.stem)) or "form"
        slug = re.sub(r"[^a-z0-9]+", "_", fold(source)).strip("_")[:48].rstrip("_") or "form"
        slug = slug if slug[0].isalpha() else f"f_{slug}"[:48]
        if from_file:  # one note, naming the key itself (not "from form_title": there is none)
            self.warn(said("xlsform:warn_no_form_id", value=f"“{slug}”"))
        elif slug != given:
            code = "xlsform:warn_key_from_id" if given else "xlsform:warn_key_from_title"
            self.warn(said(code, value=f"“{slug}”", origin=f"“{given or source}”"))
        return slug

    def period(self, sheet: Sheet, row: Mapping[str, Any]) -> dict[str, Any]:
        kind = sheet.value(row, "period") or "six_monthly"
        raw = ISO_DATE.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", sheet.value(row, "deadlines"))
        deadlines = [d for d in re.split(r"[\s,;]+", raw) if d]
        if kind in ("six_monthly", "annual"):
            deadlines = [re.sub(r"^(\d{1,2}/\d{1,2})/\d{4}$", r"\1", d) for d in deadlines]
        period: dict[str, Any] = {
            "kind": kind,
            "deadlines": deadlines or DEFAULT_DEADLINES.get(kind, []),
        }
        start = ISO_DATE.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", sheet.value(row, "period_start"))
        if start:
            period["start"] = start
        return period

    def texts(self, sheet: Sheet, row: Mapping[str, Any], base: str) -> dict[str, str]:
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
            if base in MARKUP_TEXTS:  # ODK renders their HTML and Markdown: a chat cannot
                # a label hidden in a grid (display:none) names its cell: the chat shows it
                text = reduce_markup(text) or reduce_markup(text, hidden=True)
                if not text:
                    continue
            if language is None:
                plain = text
                continue
            code = self.languages.slot(language, language_of(language))
            if code is None:
                self.warn(said("xlsform:warn_one_language", value=f"“{original}”"))
            else:
                texts.setdefault(code, text)
        if plain:
            texts.setdefault(self.default_language, plain)
        return texts

    # -- choices -----------------------------------------------------------------------------

    def locate(
        self,
        problem: TemplateIssue,
        survey: Sheet,
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
        survey: Sheet,
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
        column = survey_column(message)
        head, _, rest = message.partition(": ")
        if rest and survey_column(head + ":") == column:
            # "relevant: ..." in the relevant column
            message = message.without_head() if isinstance(message, Said) else rest
        self.issue("survey", row, survey.column(column) if column else None, message)
