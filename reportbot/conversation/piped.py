"""`${name}` in a question's label, hint or group title, filled with the report's answers.

ODK shows the current value of `name` where a label or hint writes `${name}` (an `<output>`
in the form), and nothing while it is unanswered
(https://docs.getodk.org/form-logic/#displaying-answers-from-previous-questions-in-labels-and-hints).
The chat writes the value as the officer reads it everywhere else: a choice by its label, a
number grouped, a date dd/mm/yyyy. Only a question whose texts hold a placeholder is copied.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from reportbot.conversation.calculated import calculated_text, calculated_values
from reportbot.conversation.values import format_value, is_empty
from reportbot.forms.labels import fill_placeholders
from reportbot.forms.schema import FormTemplate, Question

_TEXTS = ("label", "hint")


# Asked for every question shown, of questions that live as long as their template: the
# answer is kept per question object (checked by identity, since a Question holds dicts and
# has no hash), and the whole table dropped if it ever grows past a few forms' worth.
_SEEN: dict[int, tuple[Question, bool]] = {}
_SEEN_MAX = 20_000


def has_placeholder(question: Question) -> bool:
    """Whether the question's label or hint shows an answer."""
    seen = _SEEN.get(id(question))
    if seen is not None and seen[0] is question:
        return seen[1]
    texts = (getattr(question, name) or {} for name in _TEXTS)
    found = any("${" in text for group in texts for text in group.values())
    if len(_SEEN) >= _SEEN_MAX:
        _SEEN.clear()
    _SEEN[id(question)] = (question, found)
    return found


class Piping(Mapping[str, str]):
    """The answers of one report as labels show them, each looked up (and the calculations
    computed, once) only when a text names it."""

    def __init__(
        self,
        template: FormTemplate,
        answers: Mapping[str, Any],
        facts: Mapping[str, Any],
        locale: str,
    ) -> None:
        self.template = template
        self.answers = answers
        self.facts = facts
        self.locale = locale
        self.values: dict[str, str] = {}
        self.computed: dict[str, Any] | None = None

    def question(self, question: Question) -> Question:
        """The question with its label and hint filled (itself when they name nothing)."""
        if not has_placeholder(question):
            return question
        changes = {}
        for name in _TEXTS:
            texts = getattr(question, name) or {}
            if any("${" in text for text in texts.values()):
                changes[name] = {lang: self.text(text) for lang, text in texts.items()}
        return replace(question, **changes)

    def text(self, text: str) -> str:
        """`text` with its placeholders filled."""
        return fill_placeholders(text, self)

    def __getitem__(self, name: str) -> str:
        if name not in self.values:
            self.values[name] = self._shown(name)
        return self.values[name]

    def _shown(self, name: str) -> str:
        question = self.template.question(name)
        if question is not None:
            value = self.answers.get(name)
            return "" if is_empty(value) else format_value(question, value, self.locale)
        if any(c.name == name for c in self.template.calculations):
            if self.computed is None:
                self.computed = calculated_values(self.template, self.answers, self.facts)
            value = self.computed.get(name)
            return "" if value is None or value == "" else calculated_text(value, self.locale)
        value = self.facts.get(name)
        return "" if value is None else str(value)

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)
