"""Reading form templates from YAML and checking them, with every error located.

`load_yaml_template` returns the template and a list of `TemplateIssue`s; an admin sees each as
``file:line: question id: what is wrong``. A template with any issue is never stored.
`template_to_definition` and `template_from_definition` convert to and from the JSON kept in
the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from reportbot.forms.calculate import (
    calculation_names,
    check_calculation_inputs,
    metadata_fields,
    read_calculations,
    stated_types,
)
from reportbot.forms.calculation_types import as_question, typed_calculations
from reportbot.forms.choice_filter import rules_definition
from reportbot.forms.defaults import default_to_definition
from reportbot.forms.diagnostics import said
from reportbot.forms.indicators import indicators_definition, parse_indicators
from reportbot.forms.issues import (  # re-exported: other modules import them from here
    BUILTIN_NAMES as BUILTIN_NAMES,
)
from reportbot.forms.issues import CHOICE_VALUE as CHOICE_VALUE
from reportbot.forms.issues import IDENTIFIER, TemplateInvalid, TemplateIssue
from reportbot.forms.issues import KNOWN_UNIT_TYPES as KNOWN_UNIT_TYPES
from reportbot.forms.issues import MAX_QUESTIONS as MAX_QUESTIONS
from reportbot.forms.issues import QUESTION_NAME as QUESTION_NAME
from reportbot.forms.questions import QuestionChecks
from reportbot.forms.repeats import check_repeat_counts, read_repeats, repeats_definition
from reportbot.forms.schema import (
    LANGUAGES,
    PERIOD_KINDS,
    FormTemplate,
    PeriodSpec,
    Question,
    Text,
)
from reportbot.forms.xpath_lookup import current_lists, lists_definition, lookup_lists, read_lists
from reportbot.vocabulary.os_errors import os_reason


class _LinedDict(dict):
    """A mapping that remembers the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader whose mappings know where they came from."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LinedDict:
    mapping = _LinedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[str(key)] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_template(path: Path) -> tuple[FormTemplate | None, list[TemplateIssue]]:
    """Read and check a YAML template file; return the template (if valid) and the issues."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:  # the path to check, not the file's encoding
        problem = said("formcheck:cannot_open", detail=os_reason(exc))
        return None, [TemplateIssue(source, None, "file", problem)]
    except UnicodeDecodeError as exc:
        problem = said("formcheck:cannot_read", detail=str(exc))
        return None, [TemplateIssue(source, None, "file", problem)]
    return parse_yaml_template(text, source)


def load_template_file(path: Path) -> tuple[FormTemplate | None, list[Any]]:
    """Read and check a YAML or XLSForm (.xlsx/.xls) template; issues print as one line each."""
    template, issues, _warnings = load_template_checked(path)
    return template, issues


def load_template_checked(path: Path) -> tuple[FormTemplate | None, list[Any], list[str]]:
    """Read and check a YAML or XLSForm (.xlsx/.xls) template: (template or None, issues,
    warnings). Each issue and warning renders in the reader's language (`render(locale)`,
    forms.diagnostics.shown)."""
    if path.suffix.lower() in (".xlsx", ".xls"):
        from reportbot.coordination.publishing.xlsform import load_xlsform  # the XLSForm reader

        result = load_xlsform(path, str(path))
        return result.template, list(result.issues), list(result.warnings)
    template, issues = load_yaml_template(path)
    return template, list(issues), []


def parse_yaml_template(
    text: str, source: str = "<template>"
) -> tuple[FormTemplate | None, list[TemplateIssue]]:
    """Parse YAML text into a template; return (template or None, issues)."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [
            TemplateIssue(source, line, "yaml", said("formcheck:invalid_yaml", detail=problem))
        ]
    if not isinstance(data, Mapping):
        return None, [TemplateIssue(source, 1, "file", said("formcheck:not_a_mapping"))]
    return build_template(data, source)


def build_template(
    data: Mapping[str, Any], source: str = "<template>"
) -> tuple[FormTemplate | None, list[TemplateIssue]]:
    """Check a template's data and build it; every issue is collected, none stops the check."""
    checker = _Checker(source)
    lists, problem = read_lists(data.get("lists"))
    if problem is not None:
        checker.fail(data, "lists", "lists", said("formrule:lists_shape"))
    with lookup_lists(lists):  # what instance('name') reads in the expressions
        template = checker.template(data)
    if checker.issues:
        return None, checker.issues
    return template, []


def template_to_definition(template: FormTemplate) -> dict[str, Any]:
    """The canonical JSON-ready form of a template (what the database stores and hashes)."""
    return {
        "key": template.key,
        "version": template.version,
        "title": template.title,
        "description": template.description,
        "unit_types": list(template.unit_types),
        "period": {
            "kind": template.period.kind,
            "deadlines": list(template.period.deadlines),
            **({"start": template.period.start} if template.period.start else {}),
        },
        **({"reminders": list(template.reminders)} if template.reminders is not None else {}),
        "questions": [_question_definition(question) for question in template.questions],
        **(
            {"indicators": indicators_definition(template.indicators)}
            if template.indicators
            else {}
        ),
        **_extras_definition(template),
        **repeats_definition(template),
        **({"lists": lists_definition(template.lists)} if template.lists else {}),
    }


def template_from_definition(definition: Mapping[str, Any]) -> FormTemplate:
    """Rebuild a stored template; a stored definition was valid when it was stored."""
    template, issues = build_template(definition, f"<stored {definition.get('key')}>")
    if template is None:
        raise TemplateInvalid(issues)
    return template


def content_hash(template: FormTemplate) -> str:
    """A hash of the template's meaning: comments and formatting of the file do not count."""
    canonical = json.dumps(template_to_definition(template), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _extras_definition(template: FormTemplate) -> dict[str, Any]:
    """Calculations and metadata, present only when the form has them (older hashes stay)."""
    extras: dict[str, Any] = {}
    if template.calculations:
        # a type is written only where the template stated one the rules would not give
        inferred = typed_calculations(template.calculations, template.questions)
        extras["calculations"] = [
            {
                "name": c.name,
                "calculation": c.expression.source,
                **({"label": c.label} if c.label else {}),
                **({"type": c.type} if c.type != guess.type else {}),
            }
            for c, guess in zip(template.calculations, inferred, strict=True)
        ]
    if template.metadata:
        extras["metadata"] = [{"name": name, "type": kind} for name, kind in template.metadata]
    return extras


def _question_definition(question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {"id": question.id, "type": question.type, "label": question.label}
    if question.hint:
        item["hint"] = question.hint
    if question.required:
        item["required"] = True
    elif question.required_if is not None:
        item["required"] = question.required_if.source
    if question.min is not None:
        item["min"] = question.min
    if question.max is not None:
        item["max"] = question.max
    if question.choices:
        item["choices"] = [{"value": c.value, "label": c.label} for c in question.choices]
    if question.relevant is not None:
        item["relevant"] = question.relevant.source
    if question.constraint is not None:
        item["constraint"] = question.constraint.source
    if question.constraint_message:
        item["constraint_message"] = question.constraint_message
    if question.default is not None:
        item["default"] = default_to_definition(question.default)
    for choice, stored in zip(question.choices, item.get("choices", ()), strict=False):
        if choice.extra:
            stored["extra"] = dict(choice.extra)
    item.update(rules_definition(question))
    if question.repeat:
        item["repeat"] = question.repeat
    if question.section:
        item["section"] = question.section
    if question.required_message:
        item["required_message"] = question.required_message
    return item


class _Checker(QuestionChecks):
    """Collects issues while building a template."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[TemplateIssue] = []

    def fail(self, node: Any, field: str, where: str, message: str) -> None:
        line = None
        if isinstance(node, _LinedDict):
            line = node.key_lines.get(field, node.line)
        self.issues.append(TemplateIssue(self.source, line, where, message))

    def template(self, data: Mapping[str, Any]) -> FormTemplate | None:
        known = {"key", "version", "title", "description", "unit_types", "period"}
        known |= {"questions", "reminders", "indicators", "calculations", "metadata"}
        known |= {"repeats", "lists"}
        for name in data:
            if name not in known:
                self.fail(
                    data,
                    str(name),
                    str(name),
                    said("formcheck:top_unknown_field", value=repr(name)),
                )
        key = data.get("key")
        if not isinstance(key, str) or not IDENTIFIER.match(key):
            self.fail(data, "key", "key", said("formcheck:key_invalid", value=repr(key)))
            key = "?"
        version = data.get("version", "1")
        if not isinstance(version, str | int | float) or isinstance(version, bool):
            self.fail(
                data, "version", "version", said("formcheck:version_invalid", value=repr(version))
            )
        title = self.text(data, "title", "title", required=True)
        description = self.text(data, "description", "description", required=False)
        unit_types = self.unit_types(data)
        period = self.period(data)
        reminders = self.reminders(data)
        self.metadata = metadata_fields(self, data)
        self.calc_names = calculation_names(data)
        self.calcs: dict[str, Any] = {}
        calculations = read_calculations(self, data)  # fills self.calcs, read by questions
        self.repeats = repeats = read_repeats(self, data)
        self.repeat_names = {repeat.name for repeat in repeats}
        self.meta = {name for name, _ in self.metadata}
        questions = self.questions(data)
        check_calculation_inputs(self, data, calculations, {q.id for q in questions})
        calculations = typed_calculations(calculations, questions, stated_types(self, data))
        known = {q.id for q in questions} | self.calc_names | self.meta | BUILTIN_NAMES
        check_repeat_counts(self, data, known)
        readable = (*questions, *(as_question(c) for c in calculations))  # read like answers
        worded = frozenset(c.name for c in calculations if c.type == "text")
        indicators = parse_indicators(data.get("indicators"), readable, self.fail, data, worded)
        return FormTemplate(
            key=key,
            version=str(version),
            title=title,
            description=description,
            unit_types=unit_types,
            period=period,
            questions=questions,
            reminders=reminders,
            indicators=indicators,
            calculations=calculations,
            metadata=self.metadata,
            repeats=repeats,
            lists=dict(current_lists()),
        )

    def text(self, node: Mapping[str, Any], field: str, where: str, *, required: bool) -> Text:
        value = node.get(field)
        if value is None:
            if required:
                self.fail(node, field, where, said("formcheck:text_required", field=field))
            return {}
        if isinstance(value, str):
            if not value.strip() and required:
                self.fail(node, field, where, said("formcheck:text_empty", field=field))
            return {"vi": value.strip()}
        if isinstance(value, Mapping):
            texts: Text = {}
            for language, item in value.items():
                if language not in LANGUAGES:
                    problem = said("formcheck:text_language", field=field, value=repr(language))
                    self.fail(value, str(language), where, problem)
                elif not isinstance(item, str) or not item.strip():
                    problem = said("formcheck:text_not_text", field=field, language=language)
                    self.fail(value, str(language), where, problem)
                else:
                    texts[language] = item.strip()
            if "vi" not in texts and required:
                self.fail(node, field, where, said("formcheck:text_no_vi", field=field))
            return texts
        self.fail(node, field, where, said("formcheck:text_shape", field=field))
        return {}

    def unit_types(self, data: Mapping[str, Any]) -> tuple[str, ...]:
        value = data.get("unit_types", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(data, "unit_types", "unit_types", said("formcheck:unit_types_shape"))
            return ()
        for item in value:
            if not IDENTIFIER.match(item):
                problem = said("formcheck:unit_type_invalid", value=repr(item))
                self.fail(data, "unit_types", "unit_types", problem)
        return tuple(value)

    def period(self, data: Mapping[str, Any]) -> PeriodSpec:
        value = data.get("period")
        if not isinstance(value, Mapping):
            self.fail(data, "period", "period", said("formcheck:period_required"))
            return PeriodSpec("one_off")
        kind = value.get("kind")
        if kind not in PERIOD_KINDS:
            allowed = ", ".join(sorted(PERIOD_KINDS))
            problem = said("formcheck:period_kind", allowed=allowed, value=repr(kind))
            self.fail(value, "kind", "period", problem)
            return PeriodSpec("one_off")
        deadlines = value.get("deadlines", [])
        if isinstance(deadlines, str | int):
            deadlines = [deadlines]
        if not isinstance(deadlines, list):
            problem = said("formcheck:deadlines_shape", value=repr(deadlines))
            self.fail(value, "deadlines", "period", problem)
            deadlines = []
        start = value.get("start")
        spec = PeriodSpec(kind, tuple(str(d) for d in deadlines), str(start) if start else None)
        from reportbot.periods import validate_period_spec

        for problem in validate_period_spec(spec):
            self.fail(value, "deadlines", "period", said("formrule:period_problem", detail=problem))
        return spec

    def reminders(self, data: Mapping[str, Any]) -> tuple[int, ...] | None:
        value = data.get("reminders")
        if value is None:
            return None
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 60 for v in value
        ):
            problem = said("formcheck:reminders_shape", value=repr(value))
            self.fail(data, "reminders", "reminders", problem)
            return None
        return tuple(sorted(set(value), reverse=True))
