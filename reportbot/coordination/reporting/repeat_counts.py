"""Consolidation of repeats: each repeat counted as a number question of its own.

`forms.repeats.consolidated` gives each unit's answers the number of entries of every repeat
under the repeat's name (and its numeric questions summed over the entries); here each
repeat becomes the question those counts answer ("Thành viên: số mục"), placed before the
repeat's first question, so every rendering (chat, .xlsx, .docx) shows the entries per unit
and their total over the units like any number.
"""

from __future__ import annotations

from collections.abc import Iterable

from reportbot.forms.repeats import Repeat
from reportbot.forms.schema import FormTemplate, Question
from reportbot.vocabulary.catalogue import register

TEXTS: dict[str, dict[str, str]] = {
    "entries": {"vi": "{label}: số mục", "en": "{label}: number of entries"},
}
REPEAT_COUNTS = register("repeat_counts", TEXTS)


def count_question(repeat: Repeat) -> Question:
    """The number question a repeat's entry count answers (its id is the repeat's name)."""
    label = dict(repeat.label) or {"vi": repeat.name}
    return Question(
        repeat.name,
        "integer",
        {locale: REPEAT_COUNTS.say("entries", locale, label=label) for locale in ("vi", "en")},
    )


def with_entry_counts(
    questions: list[Question], templates: Iterable[FormTemplate]
) -> list[Question]:
    """The questions with each repeat's count question before the repeat's first question
    (repeats of every version, the first version that declares one naming it)."""
    repeats: dict[str, Repeat] = {}
    for template in templates:
        for repeat in template.repeats:
            repeats.setdefault(repeat.name, repeat)
    if not repeats:
        return questions
    result: list[Question] = []
    for question in questions:
        if question.repeat in repeats:
            result.append(count_question(repeats.pop(question.repeat)))
        result.append(question)
    result.extend(count_question(repeat) for repeat in repeats.values())
    return result
