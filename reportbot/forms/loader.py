"""Reading form templates from YAML and checking them, with every error located.

`load_yaml_template` returns the template and a list of `TemplateIssue`s; an admin sees each as
``file:line: question id: what is wrong``. A template with any issue is never stored.
`template_to_definition` and `template_from_definition` convert to and from the JSON kept in
the database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from reportbot.forms.calculate import (
    calculation_names,
    check_calculation_inputs,
    metadata_fields,
    read_calculations,
)
from reportbot.forms.choice_filter import (
    choice_extra,
    read_question_rules,
    relevance_cycle,
    rules_definition,
)
from reportbot.forms.defaults import DefaultError, default_to_definition, parse_default
from reportbot.forms.expressions import ExpressionError, compared_literals, parse_expression
from reportbot.forms.indicators import indicators_definition, parse_indicators
from reportbot.forms.repeats import check_repeat_counts, read_repeats, repeats_definition
from reportbot.forms.schema import (
    ATTACHMENT_TYPES,
    CHOICE_TYPES,
    LANGUAGES,
    NUMERIC_TYPES,
    PERIOD_KINDS,
    QUESTION_TYPES,
    FormChoice,
    FormTemplate,
    PeriodSpec,
    Question,
    Text,
)

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
# Question names as XLSForm (XML) allows them: case kept, '-' and '.' allowed.
QUESTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
CHOICE_VALUE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
BUILTIN_NAMES = frozenset({"unit_type", "unit_code", "period"})
KNOWN_UNIT_TYPES = frozenset({"phong", "doan_the", "truong_hoc", "to_cns", "co_quan"})
MAX_QUESTIONS = 300
QUESTION_FIELDS = frozenset(
    {"id", "type", "label", "hint", "required", "min", "max", "choices"}
    | {"relevant", "constraint", "constraint_message", "default"}
    | {"choice_filter", "calculation", "repeat"}
)


@dataclass(frozen=True, slots=True)
class TemplateIssue:
    """One problem in a template file, located for the admin."""

    source: str
    line: int | None
    where: str  # question id, or a top-level field name
    message: str

    def __str__(self) -> str:
        location = f"{self.source}:{self.line}" if self.line else self.source
        return f"{location}: {self.where}: {self.message}"


class TemplateInvalid(ValueError):
    """A template has issues; `issues` lists every one of them."""

    def __init__(self, issues: list[TemplateIssue]) -> None:
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues


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
    except (OSError, UnicodeDecodeError) as exc:
        return None, [TemplateIssue(source, None, "file", f"cannot read: {exc}")]
    return parse_yaml_template(text, source)


def load_template_file(path: Path) -> tuple[FormTemplate | None, list[Any]]:
    """Read and check a YAML or XLSForm (.xlsx/.xls) template; issues print as one line each."""
    if path.suffix.lower() in (".xlsx", ".xls"):
        from reportbot.coordination.xlsform import load_xlsform  # the XLSForm reader

        result = load_xlsform(path, str(path))
        return result.template, list(result.issues)
    return load_yaml_template(path)


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
        return None, [TemplateIssue(source, line, "yaml", f"invalid YAML: {problem}")]
    if not isinstance(data, Mapping):
        return None, [TemplateIssue(source, 1, "file", "expected a mapping with key, title, ...")]
    return build_template(data, source)


def build_template(
    data: Mapping[str, Any], source: str = "<template>"
) -> tuple[FormTemplate | None, list[TemplateIssue]]:
    """Check a template's data and build it; every issue is collected, none stops the check."""
    checker = _Checker(source)
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
        extras["calculations"] = [
            {
                "name": c.name,
                "calculation": c.expression.source,
                **({"label": c.label} if c.label else {}),
            }
            for c in template.calculations
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
    return item


class _Checker:
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
        known |= {"repeats"}
        for name in data:
            if name not in known:
                self.fail(data, str(name), str(name), "unknown field")
        key = data.get("key")
        if not isinstance(key, str) or not IDENTIFIER.match(key):
            self.fail(data, "key", "key", "required: lowercase letters, digits, underscore")
            key = "?"
        version = data.get("version", "1")
        if not isinstance(version, str | int | float) or isinstance(version, bool):
            self.fail(data, "version", "version", 'must be a text such as "2025.1"')
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
        known = {q.id for q in questions} | self.calc_names | self.meta | BUILTIN_NAMES
        check_repeat_counts(self, data, known)
        indicators = parse_indicators(data.get("indicators"), questions, self.fail, data)
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
        )

    def text(self, node: Mapping[str, Any], field: str, where: str, *, required: bool) -> Text:
        value = node.get(field)
        if value is None:
            if required:
                self.fail(node, field, where, f"{field} is required (vi, and en if you can)")
            return {}
        if isinstance(value, str):
            if not value.strip() and required:
                self.fail(node, field, where, f"{field} is empty")
            return {"vi": value.strip()}
        if isinstance(value, Mapping):
            texts: Text = {}
            for language, item in value.items():
                if language not in LANGUAGES:
                    self.fail(
                        value, str(language), where, f"{field}: unknown language {language!r}"
                    )
                elif not isinstance(item, str) or not item.strip():
                    self.fail(value, str(language), where, f"{field}.{language} must be a text")
                else:
                    texts[language] = item.strip()
            if "vi" not in texts and required:
                self.fail(node, field, where, f"{field} needs a Vietnamese text (vi)")
            return texts
        self.fail(node, field, where, f"{field} must be a text or {{vi: ..., en: ...}}")
        return {}

    def unit_types(self, data: Mapping[str, Any]) -> tuple[str, ...]:
        value = data.get("unit_types", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(data, "unit_types", "unit_types", "must be a list of unit type keys")
            return ()
        for item in value:
            if not IDENTIFIER.match(item):
                self.fail(data, "unit_types", "unit_types", f"invalid unit type {item!r}")
        return tuple(value)

    def period(self, data: Mapping[str, Any]) -> PeriodSpec:
        value = data.get("period")
        if not isinstance(value, Mapping):
            self.fail(data, "period", "period", "required: {kind: ..., deadlines: [...]}")
            return PeriodSpec("one_off")
        kind = value.get("kind")
        if kind not in PERIOD_KINDS:
            allowed = ", ".join(sorted(PERIOD_KINDS))
            self.fail(value, "kind", "period", f"kind must be one of {allowed}")
            return PeriodSpec("one_off")
        deadlines = value.get("deadlines", [])
        if isinstance(deadlines, str | int):
            deadlines = [deadlines]
        if not isinstance(deadlines, list):
            self.fail(value, "deadlines", "period", "deadlines must be a list")
            deadlines = []
        start = value.get("start")
        spec = PeriodSpec(kind, tuple(str(d) for d in deadlines), str(start) if start else None)
        from reportbot.periods import validate_period_spec

        for problem in validate_period_spec(spec):
            self.fail(value, "deadlines", "period", problem)
        return spec

    def reminders(self, data: Mapping[str, Any]) -> tuple[int, ...] | None:
        value = data.get("reminders")
        if value is None:
            return None
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 60 for v in value
        ):
            self.fail(data, "reminders", "reminders", "must be a list of days (0 to 60)")
            return None
        return tuple(sorted(set(value), reverse=True))

    def questions(self, data: Mapping[str, Any]) -> tuple[Question, ...]:
        items = data.get("questions")
        if not isinstance(items, list) or not items:
            self.fail(data, "questions", "questions", "at least one question is required")
            return ()
        if len(items) > MAX_QUESTIONS:
            self.fail(data, "questions", "questions", f"at most {MAX_QUESTIONS} questions")
        questions: list[Question] = []
        seen: set[str] = set()
        # ODK orders by dependency: a rule may read a later question (a cycle is refused)
        self.all_ids = {str(i.get("id")) for i in items if isinstance(i, Mapping)}
        for position, item in enumerate(items, start=1):
            question = self.question(item, position, seen)
            if question is not None:
                self.impossible_values(item, question, questions)
                questions.append(question)
                seen.add(question.id)
        if not any(q.answerable for q in questions):
            self.fail(data, "questions", "questions", "no question takes an answer")
        cycle = relevance_cycle(questions)
        if cycle:
            loop = " → ".join(f"${{{name}}}" for name in [*cycle, cycle[0]])
            message = f"relevant: the questions' conditions read each other in a cycle: {loop}"
            first = items[[q.id for q in questions].index(cycle[0])]
            self.fail(first, "relevant", cycle[0], message)
        return tuple(questions)

    def question(self, item: Any, position: int, earlier: set[str]) -> Question | None:
        if not isinstance(item, Mapping):
            self.issues.append(
                TemplateIssue(self.source, None, f"question {position}", "must be a mapping")
            )
            return None
        qid = item.get("id")
        where = qid if isinstance(qid, str) and qid else f"question {position}"
        for name in item:
            if name not in QUESTION_FIELDS:
                self.fail(item, str(name), where, f"unknown field {name!r}")
        if not isinstance(qid, str) or not QUESTION_NAME.match(qid):
            message = "id: letters, digits, '_', '-' or '.', starting with a letter (max 64)"
            self.fail(item, "id", where, message)
            qid = f"_{position}"
        elif qid in earlier:
            self.fail(item, "id", where, "duplicate id")
        elif qid in BUILTIN_NAMES:
            self.fail(item, "id", where, f"{qid!r} is reserved")
        qtype = item.get("type")
        if qtype not in QUESTION_TYPES:
            allowed = ", ".join(sorted(QUESTION_TYPES))
            self.fail(item, "type", where, f"type {qtype!r} is not one of: {allowed}")
            qtype = "text"
        label = self.text(item, "label", where, required=True)
        hint = self.text(item, "hint", where, required=False)
        required = item.get("required", False)
        if not isinstance(required, bool):
            self.fail(item, "required", where, "required must be true or false")
            required = False
        if qtype == "note" and required:
            self.fail(item, "required", where, "a note cannot be required")
        low, high = self.bounds(item, where, qtype)
        choices = self.choices(item, where, qtype)
        # every question, later ones and itself too (a cycle is reported by `questions`)
        names = self.all_ids | self.repeat_names | BUILTIN_NAMES | self.calc_names | self.meta
        relevant = self.expression(item, "relevant", where, names, allow_current=False)
        constraint = self.expression(item, "constraint", where, names | {qid}, allow_current=True)
        message = self.text(item, "constraint_message", where, required=False)
        if constraint is not None and not message:
            self.fail(item, "constraint", where, "a constraint needs a constraint_message")
        default = self.default(item, where, qtype, choices, low, high)
        choice_filter, calculation = read_question_rules(self.fail, item, where, self.calcs, names)
        return Question(
            id=qid,
            type=qtype,
            label=label,
            hint=hint,
            required=required,
            min=low,
            max=high,
            choices=choices,
            relevant=relevant,
            constraint=constraint,
            constraint_message=message,
            default=default,
            choice_filter=choice_filter,
            calculation=calculation,
            repeat=self.repeat_of(item, where),
        )

    def repeat_of(self, item: Mapping[str, Any], where: str) -> str | None:
        """The repeat a question belongs to (a name from `repeats`), if any."""
        name = item.get("repeat")
        if name is None:
            return None
        if name not in self.repeat_names:
            self.fail(item, "repeat", where, f"repeat {name!r} is not in the form's repeats")
            return None
        return str(name)

    def default(
        self,
        item: Mapping[str, Any],
        where: str,
        qtype: str,
        choices: tuple[FormChoice, ...],
        low: Any,
        high: Any,
    ) -> Any:
        """The default read as an officer's answer would be; a misfit is a template error."""
        raw = item.get("default")
        if raw is None:
            return None
        if qtype in ATTACHMENT_TYPES or qtype == "note":
            self.fail(item, "default", where, f"default: a {qtype} question cannot have one")
            return None
        if qtype in CHOICE_TYPES and not choices:
            return None  # the missing choices are reported already
        try:
            return parse_default(qtype, raw, [c.value for c in choices], low, high)
        except DefaultError as exc:
            self.fail(item, "default", where, f"default: {exc}")
            return None

    def impossible_values(
        self, item: Mapping[str, Any], question: Question, earlier: list[Question]
    ) -> None:
        """Refuse ${q} = 'x' when q can never hold 'x' (a label instead of a choice value)."""
        kinds = {q.id: q for q in earlier if q.type in CHOICE_TYPES or q.type == "yes_no"}
        for field, expression in (
            ("relevant", question.relevant),
            ("constraint", question.constraint),
        ):
            if expression is None:
                continue
            for name, text in compared_literals(expression):
                target = kinds.get(name)
                if target is None:
                    continue
                allowed = (
                    ["yes", "no"] if target.type == "yes_no" else [c.value for c in target.choices]
                )
                words = text.split() if target.type == "select_multiple" else [text]
                if text and not all(word in allowed for word in words):
                    listed = ", ".join(repr(value) for value in allowed[:10])
                    message = f"{field}: ${{{name}}} can never be {text!r} (its values: {listed})"
                    self.fail(item, field, question.id, message)

    def calc_inputs(self, expression: Any) -> set[str]:
        """Names an expression reads only through a calculation (checked on the calculation)."""
        inputs: set[str] = set()
        for name in expression.references() & set(self.calcs):
            inputs |= self.calcs[name].references()
        return inputs

    def bounds(self, item: Mapping[str, Any], where: str, qtype: str) -> tuple[Any, Any]:
        values = []
        for name in ("min", "max"):
            value = item.get(name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                self.fail(item, name, where, f"{name} must be a number")
                value = None
            if value is not None and qtype not in NUMERIC_TYPES | {"text", "long_text"}:
                self.fail(item, name, where, f"{name} does not apply to a {qtype} question")
            values.append(value)
        low, high = values
        if low is not None and high is not None and low > high:
            self.fail(item, "min", where, f"min ({low}) is greater than max ({high})")
        return low, high

    def choices(self, item: Mapping[str, Any], where: str, qtype: str) -> tuple[FormChoice, ...]:
        value = item.get("choices")
        if qtype not in CHOICE_TYPES:
            if value is not None:
                self.fail(item, "choices", where, f"choices do not apply to a {qtype} question")
            return ()
        if not isinstance(value, list) or not value:
            self.fail(item, "choices", where, "a select question needs at least 1 choice")
            return ()
        result: list[FormChoice] = []
        seen: set[str] = set()
        for option in value:
            if not isinstance(option, Mapping):
                self.fail(item, "choices", where, "each choice is {value: ..., label: ...}")
                continue
            raw = option.get("value")
            choice_value = str(raw) if isinstance(raw, str | int) else ""
            if not CHOICE_VALUE.match(choice_value):
                self.fail(
                    option, "value", where, f"choice value {raw!r}: letters, digits, _ (max 40)"
                )
            elif choice_value in seen and item.get("choice_filter") is None:
                self.fail(option, "value", where, f"duplicate choice value {choice_value!r}")
            seen.add(choice_value)
            label = self.text(option, "label", where, required=True)
            result.append(FormChoice(choice_value, label, choice_extra(option)))
        return tuple(result)

    def expression(
        self,
        item: Mapping[str, Any],
        field: str,
        where: str,
        names: set[str],
        *,
        allow_current: bool,
    ):
        source = item.get(field)
        if source is None:
            return None
        if not isinstance(source, str) or not source.strip():
            self.fail(item, field, where, f"{field} must be an expression text")
            return None
        try:
            expression = parse_expression(source, self.calcs)
        except ExpressionError as exc:
            self.fail(item, field, where, f"{field}: {exc.message} in {source!r}")
            return None
        unknown = sorted(expression.references() - names - self.calc_inputs(expression))
        for name in unknown:
            self.fail(item, field, where, f"{field}: ${{{name}}} is not a question of this form")
        if expression.uses_current() and not allow_current:
            self.fail(item, field, where, f"{field}: '.' (this answer) is only for constraints")
        return expression
