"""Form templates as data: the typed shape every loader (YAML, XLSForm) produces.

A template is immutable once loaded. Expressions are kept both as source text (for storage
and display) and parsed (for evaluation), so an invalid expression is caught when the template
is validated, never while an officer answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reportbot.forms.expressions import Expression, truthy
from reportbot.vocabulary.kinds import PERIOD_KIND_CODES

QUESTION_TYPES = frozenset(
    {
        "integer",
        "decimal",
        "text",
        "long_text",
        "yes_no",
        "select_one",
        "select_multiple",
        "date",
        "note",
        "photo",
        "file",
        "audio",
        "video",
        "time",
        "datetime",
        "geopoint",
        "geotrace",
        "geoshape",
        "barcode",
    }
)
NUMERIC_TYPES = frozenset({"integer", "decimal"})
CHOICE_TYPES = frozenset({"select_one", "select_multiple"})
ATTACHMENT_TYPES = frozenset({"photo", "file", "audio", "video"})
GEO_TYPES = frozenset({"geopoint", "geotrace", "geoshape"})
# Stored as text in a fixed shape (see conversation.parsing_types): "HH:MM",
# "YYYY-MM-DDTHH:MM", ODK's "lat lon alt acc" (points joined by ";"), a typed code.
SHAPED_TEXT_TYPES = frozenset({"time", "datetime", "barcode"}) | GEO_TYPES
PERIOD_KINDS = frozenset(PERIOD_KIND_CODES)  # declared once, in reportbot.vocabulary.kinds
LANGUAGES = ("vi", "en")

Text = dict[str, str]
"""A text per language code; 'vi' is always present."""


def pick(text: Text | None, locale: str) -> str:
    """Return the text in `locale`, falling back to Vietnamese, then to any language."""
    if not text:
        return ""
    return text.get(locale) or text.get("vi") or next(iter(text.values()), "")


@dataclass(frozen=True, slots=True)
class FormChoice:
    """One option of a select question: a stable value and its label per language."""

    value: str
    label: Text
    # -- xlsflow: choices-sheet columns besides name/label, read by a question's choice_filter
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a form."""

    id: str
    type: str
    label: Text
    hint: Text = field(default_factory=dict)
    required: bool = False
    min: float | None = None
    max: float | None = None
    choices: tuple[FormChoice, ...] = ()
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: Text = field(default_factory=dict)
    default: Any = None
    # -- xlsflow: cascading selects, ODK dynamic defaults, repeats ---------------------------
    choice_filter: Expression | None = None  # evaluated per choice (forms.choice_filter)
    calculation: Expression | None = None  # a dynamic default: computed when first asked
    repeat: str | None = None  # the name of the repeat the question belongs to
    section: Text = field(default_factory=dict)  # the label of the XLSForm group it is in
    required_message: Text = field(default_factory=dict)  # said when a required one is skipped
    # ODK's required written as a condition: `required` holds only while it is true
    # (navigation resolves it into `required` for the answers of the moment)
    required_if: Expression | None = None

    @property
    def answerable(self) -> bool:
        """Whether the question takes an answer (a note is only shown)."""
        return self.type != "note"

    def required_in(self, scope: Mapping[str, Any]) -> bool:
        """Whether an answer is required with these answers and facts (`required_if`)."""
        if self.required_if is None:
            return self.required
        return truthy(self.required_if.evaluate(scope))

    def choice(self, value: str) -> FormChoice | None:
        """Return the choice with this value, if any."""
        for option in self.choices:
            if option.value == value:
                return option
        return None


@dataclass(frozen=True, slots=True)
class Calculation:
    """A `calculate` field: a value computed from the answers, never asked.

    Expressions that mention ${name} read it computed from the same answers (see
    `parse_expression(..., calculations=...)`); `reportbot.forms.calculate` gives them all."""

    name: str
    expression: Expression
    label: Text = field(default_factory=dict)
    # the value's type: decimal, integer, date or text (forms.calculation_types decides it)
    type: str = "text"


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    """How a form's reporting periods are cut: the kind and the deadline(s).

    `deadlines` are "dd/mm" days of the year for six-monthly and annual forms, a day of the
    month ("20") for monthly and quarterly ones, and full "dd/mm/yyyy" dates for one-off forms
    (with `start`).
    """

    kind: str
    deadlines: tuple[str, ...] = ()
    start: str | None = None


@dataclass(frozen=True, slots=True)
class FormTemplate:
    """A whole form: identity, who files it, when, and its questions in order."""

    key: str
    version: str
    title: Text
    description: Text
    unit_types: tuple[str, ...]
    period: PeriodSpec
    questions: tuple[Question, ...]
    reminders: tuple[int, ...] | None = None  # days before the deadline; None = defaults
    indicators: tuple[Any, ...] = ()  # forms.indicators.Indicator, from `indicators:`
    calculations: tuple[Calculation, ...] = ()  # in dependency order
    metadata: tuple[tuple[str, str], ...] = ()  # (name, kind): values the caller supplies
    # -- xlsflow: repeats (forms.repeats.Repeat), in form order
    repeats: tuple[Any, ...] = ()
    # choice lists the expressions look up (instance('name')): name -> rows of {column: text}
    lists: Mapping[str, tuple[Mapping[str, str], ...]] = field(default_factory=dict)

    def question(self, question_id: str) -> Question | None:
        """Return the question with this id, if any."""
        index = _positions(self.questions).get(question_id)
        return None if index is None else self.questions[index]

    def index_of(self, question_id: str) -> int:
        """Return the position of a question in form order (ValueError if absent)."""
        index = _positions(self.questions).get(question_id)
        if index is None:
            raise ValueError(question_id)
        return index

    def applies_to(self, unit_type: str) -> bool:
        """Whether units of this type must file the form (an empty list means every unit)."""
        return not self.unit_types or unit_type in self.unit_types


_POSITIONS: dict[int, tuple[tuple[Question, ...], dict[str, int]]] = {}


def _positions(questions: tuple[Question, ...]) -> dict[str, int]:
    """Question id -> position, cached per question tuple (templates are immutable; the tuple
    is kept in the cache so its id cannot be reused)."""
    known = _POSITIONS.get(id(questions))
    if known is not None and known[0] is questions:
        return known[1]
    positions = {question.id: index for index, question in enumerate(questions)}
    if len(_POSITIONS) > 1024:
        _POSITIONS.clear()
    _POSITIONS[id(questions)] = (questions, positions)
    return positions
