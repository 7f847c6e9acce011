"""The `indicators:` section of a form template: figures reported against a target.

A form declares its own indicators, so a form an admin publishes is measured like the
shipped ones. Each indicator names the questions it reads and is one of four kinds:

- ``ratio_of_sums``: the sum of `numerator` over the sum of `denominator`, in percent, over
  the units that filed and answered the denominator (officials informed of all officials);
- ``share_of_units_with_value``: the units whose answer to `question` is `value` (or, for a
  select_multiple question, includes it), in percent of the units that answered it, leaving
  out the units whose answer is one of `excluded` (no web page: no web column to have);
- ``count``: the number of units whose answer to `question` is (or includes) `value`;
- ``average``: the mean of a numeric `question` over the units that answered it.

The target is a percentage for the first two kinds, a number of units for ``count`` and a
value in the question's own unit for ``average``; `due` is the year of the plan's deadline.
Problems are reported through the loader's `fail(node, field, where, message)` so each one
carries the file and line of the offending entry; each is a catalogue code ("formindicator:",
forms/check_texts_indicators.py) shown in the admin's language with how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reportbot.forms.diagnostics import said
from reportbot.forms.schema import CHOICE_TYPES, LANGUAGES, NUMERIC_TYPES, Question, Text

KINDS = ("ratio_of_sums", "share_of_units_with_value", "count", "average")
PERCENT_KINDS = frozenset({"ratio_of_sums", "share_of_units_with_value"})
VALUE_TYPES = CHOICE_TYPES | {"yes_no"}
MAX_INDICATORS = 50
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_YEAR = re.compile(r"^\d{4}$")
_FIELDS = {
    "key",
    "label",
    "kind",
    "target",
    "due",
    "numerator",
    "denominator",
    "question",
    "value",
    "excluded",
}
_READS = frozenset({"numerator", "denominator", "question", "value", "excluded"})
_NEEDED = {
    "ratio_of_sums": ("numerator", "denominator"),
    "share_of_units_with_value": ("question", "value"),
    "count": ("question", "value"),
    "average": ("question",),
}

Fail = Callable[[Any, str, str, str], None]
"""The loader's reporter: fail(node, field, where, message)."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator of a form: what it measures, how, and the target by a year."""

    key: str
    label: Text
    kind: str
    target: Decimal | None = None
    due: str = ""
    numerator: str | None = None
    denominator: str | None = None
    question: str | None = None
    value: str | None = None
    excluded: tuple[str, ...] = ()

    @property
    def is_percent(self) -> bool:
        """Whether the indicator is a percentage (its target too)."""
        return self.kind in PERCENT_KINDS

    @property
    def questions(self) -> tuple[str, ...]:
        """The ids of the questions the indicator reads."""
        return tuple(q for q in (self.numerator, self.denominator, self.question) if q)


def parse_indicators(
    raw: Any,
    questions: tuple[Question, ...],
    fail: Fail,
    node: Any,
    worded: frozenset[str] = frozenset(),
) -> tuple[Indicator, ...]:
    """Check and build the `indicators:` list of a template (`node` holds the key's line).
    `worded` names the text calculations: a `count` or share indicator may count the units
    whose value is a given word (a grade such as 'đạt'), any word being possible."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        fail(node, "indicators", "indicators", said("formindicator:not_a_list"))
        return ()
    if len(raw) > MAX_INDICATORS:
        fail(node, "indicators", "indicators", said("formindicator:too_many", limit=MAX_INDICATORS))
    by_id = {question.id: question for question in questions}
    result: list[Indicator] = []
    seen: set[str] = set()
    for position, item in enumerate(raw, start=1):
        key = item.get("key") if isinstance(item, Mapping) else None
        if isinstance(key, str) and key in seen:
            fail(item, "key", f"indicator {key}", said("formindicator:duplicate_key"))
            continue
        if isinstance(key, str):
            seen.add(key)
        indicator = _one(item, position, (by_id, worded), fail, node)
        if indicator is not None:
            result.append(indicator)
    return tuple(result)


def _one(
    item: Any,
    position: int,
    questions: tuple[dict[str, Question], frozenset[str]],
    fail: Fail,
    parent: Any,
) -> Indicator | None:
    if not isinstance(item, Mapping):
        fail(parent, "indicators", f"indicator {position}", said("formindicator:not_a_mapping"))
        return None
    key = item.get("key")
    where = f"indicator {key}" if isinstance(key, str) and key else f"indicator {position}"
    report = _Counter(fail)
    for name in item:
        if name not in _FIELDS:
            report(item, str(name), where, said("formindicator:unknown_field", value=repr(name)))
    if not isinstance(key, str) or not _KEY.match(key):
        report(item, "key", where, said("formindicator:key_invalid"))
    label = _label(item, where, report)
    kind = item.get("kind")
    if kind not in KINDS:
        report(item, "kind", where, said("formindicator:kind_unknown", value=repr(kind)))
        return None
    for name in _NEEDED[kind]:
        if item.get(name) is None:
            report(
                item, name, where, said("formindicator:field_needed", kind=kind, value=repr(name))
            )
    optional = {"excluded"} if kind == "share_of_units_with_value" else set()
    for name in sorted(_READS - set(_NEEDED[kind]) - optional):
        if item.get(name) is not None:
            report(
                item,
                name,
                where,
                said("formindicator:field_not_applicable", kind=kind, value=repr(name)),
            )
    _check_questions(item, kind, questions, where, report)
    target = _target(item, kind, where, report)
    due = item.get("due", "")
    due_text = str(due) if isinstance(due, int | str) and not isinstance(due, bool) else ""
    if due not in ("", None) and not _YEAR.match(due_text):
        report(item, "due", where, said("formindicator:due_year"))
    if report.count:
        return None
    excluded = item.get("excluded") or []
    return Indicator(
        key=key,
        label=label,
        kind=kind,
        target=target,
        due=due_text,
        numerator=item.get("numerator"),
        denominator=item.get("denominator"),
        question=item.get("question"),
        value=None if item.get("value") is None else str(item.get("value")),
        excluded=tuple(str(value) for value in excluded),
    )


class _Counter:
    """Forwards to the loader's `fail` and counts how many problems one entry had."""

    def __init__(self, fail: Fail) -> None:
        self.fail = fail
        self.count = 0

    def __call__(self, node: Any, field: str, where: str, message: str) -> None:
        self.count += 1
        self.fail(node, field, where, message)


def _label(item: Mapping[str, Any], where: str, fail: Fail) -> Text:
    value = item.get("label")
    if isinstance(value, str) and value.strip():
        return {"vi": value.strip()}
    if isinstance(value, Mapping):
        texts = {
            str(lang): text.strip()
            for lang, text in value.items()
            if lang in LANGUAGES and isinstance(text, str) and text.strip()
        }
        if "vi" in texts and len(texts) == len(value):
            return texts
    fail(item, "label", where, said("formindicator:label_shape"))
    return {}


def _check_questions(
    item: Mapping[str, Any],
    kind: str,
    readable: tuple[dict[str, Question], frozenset[str]],
    where: str,
    fail: Fail,
) -> None:
    questions, worded = readable
    for name in _NEEDED[kind]:
        if name == "value":
            continue
        qid = item.get(name)
        if qid is None:
            continue
        question = questions.get(qid) if isinstance(qid, str) else None
        if question is None:
            fail(
                item,
                name,
                where,
                said("formindicator:question_unknown", field=name, value=repr(qid)),
            )
            continue
        wanted = NUMERIC_TYPES if kind in ("ratio_of_sums", "average") else VALUE_TYPES
        if qid in worded and kind in ("share_of_units_with_value", "count"):
            continue  # a text calculation: any word may be counted
        if question.type not in wanted:
            kinds = ", ".join(sorted(wanted))
            fail(
                item,
                name,
                where,
                said(
                    "formindicator:question_type",
                    field=name,
                    value=repr(qid),
                    type=question.type,
                    allowed=kinds,
                ),
            )
            continue
        if kind in ("share_of_units_with_value", "count"):
            _check_values(item, question, where, fail)


def _check_values(item: Mapping[str, Any], question: Question, where: str, fail: Fail) -> None:
    allowed = ["yes", "no"] if question.type == "yes_no" else [c.value for c in question.choices]
    value = item.get("value")
    if value is not None and str(value) not in allowed:
        fail(
            item,
            "value",
            where,
            said("formindicator:value_not_choice", value=repr(value), allowed=", ".join(allowed)),
        )
    excluded = item.get("excluded")
    if excluded is None:
        return
    if not isinstance(excluded, list):
        fail(item, "excluded", where, said("formindicator:excluded_shape"))
        return
    for other in excluded:
        if str(other) not in allowed or str(other) == str(value):
            fail(item, "excluded", where, said("formindicator:excluded_value", value=repr(other)))


def _target(item: Mapping[str, Any], kind: str, where: str, fail: Fail) -> Decimal | None:
    target = item.get("target")
    if target is None:
        return None
    if isinstance(target, bool) or not isinstance(target, int | float):
        fail(item, "target", where, said("formindicator:target_number"))
        return None
    value = Decimal(str(target))
    if value < 0 or (kind in PERCENT_KINDS and value > 100):
        code = "target_percent" if kind in PERCENT_KINDS else "target_negative"
        fail(item, "target", where, said("formindicator:" + code))
        return None
    return value


def indicators_definition(indicators: tuple[Indicator, ...]) -> list[dict[str, Any]]:
    """The JSON-ready form of the indicators (what the database stores and hashes)."""
    result = []
    for indicator in indicators:
        item: dict[str, Any] = {"key": indicator.key, "label": indicator.label}
        item["kind"] = indicator.kind
        if indicator.target is not None:
            target = indicator.target
            item["target"] = int(target) if target == target.to_integral_value() else float(target)
        if indicator.due:
            item["due"] = indicator.due
        for name in ("numerator", "denominator", "question", "value"):
            if getattr(indicator, name) is not None:
                item[name] = getattr(indicator, name)
        if indicator.excluded:
            item["excluded"] = list(indicator.excluded)
        result.append(item)
    return result
