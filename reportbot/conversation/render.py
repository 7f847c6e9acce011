"""Turning questions and reviews into neutral `Outgoing` messages.

The engine writes for the richest platform (buttons, multi-select toggles); connectors
degrade with `connectors.base.render_plain` when they have no buttons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.base import Choice, Outgoing
from reportbot.conversation.i18n import say
from reportbot.conversation.values import format_value, is_empty
from reportbot.forms.schema import FormTemplate, Question, pick
from reportbot.periods import Period

REVIEW_VALUE_LIMIT = 80
BUTTON_LABEL_LIMIT = 40


def question_messages(
    question: Question,
    notes: list[Question],
    current: Any,
    index: int,
    total: int,
    locale: str,
) -> list[Outgoing]:
    """The notes to show, then the question with its progress, hint and choices."""
    messages = [Outgoing(_note_text(note, locale)) for note in notes]
    lines = [say("progress", locale, index=index, total=total), pick(question.label, locale)]
    hint = pick(question.hint, locale)
    if hint:
        lines.append(hint)
    if question.type == "select_multiple":
        lines.append(say("multi_hint", locale))
    if question.type in ("photo", "file"):
        lines.append(say("attachment_hint", locale))
    if not is_empty(current):
        lines.append(say("current_value", locale, value=format_value(question, current, locale)))
    if not question.required:
        if question.default is not None:
            lines.append(say("default_hint", locale, value=question.default))
        else:
            lines.append(say("optional_hint", locale))
    choices, multi, selected = _choices(question, current, locale)
    messages.append(
        Outgoing(
            "\n".join(lines),
            choices=choices,
            multi=multi,
            question_id=question.id,
            selected=selected,
        )
    )
    return messages


def _note_text(note: Question, locale: str) -> str:
    hint = pick(note.hint, locale)
    label = pick(note.label, locale)
    return f"{label}\n{hint}" if hint else label


def _choices(
    question: Question, current: Any, locale: str
) -> tuple[tuple[Choice, ...], bool, tuple[str, ...]]:
    if question.type == "yes_no":
        return (Choice(say("yes", locale), "yes"), Choice(say("no", locale), "no")), False, ()
    if question.type == "select_one":
        return tuple(Choice(pick(c.label, locale), c.value) for c in question.choices), False, ()
    if question.type == "select_multiple":
        options = tuple(Choice(pick(c.label, locale), c.value) for c in question.choices)
        selected = tuple(current) if isinstance(current, list) else ()
        return options, True, selected
    return (), False, ()


def review_message(
    template: FormTemplate,
    period: Period,
    questions: list[Question],
    answers: Mapping[str, Any],
    locale: str,
) -> Outgoing:
    """The review screen: every applicable answer numbered, a button to change each one."""
    lines = [
        say("review_title", locale, title=pick(template.title, locale), period=period.label(locale))
    ]
    buttons = [Choice(say("button_submit", locale), "/gui")]
    missing = 0
    for number, question in enumerate(questions, start=1):
        value = answers.get(question.id)
        label = pick(question.label, locale)
        if is_empty(value):
            shown = say("review_unanswered", locale)
            if question.required:
                shown = "❗ " + shown
                missing += 1
        else:
            shown = _shorten(format_value(question, value, locale), REVIEW_VALUE_LIMIT)
        lines.append(f"{number}. {label}: {shown}")
        short = _shorten(label, BUTTON_LABEL_LIMIT)
        buttons.append(
            Choice(
                say("button_edit", locale, number=number, label=short),
                f"/sua {number}",
                button_only=True,
            )
        )
    if missing:
        lines.append("")
        lines.append(say("review_missing", locale, count=missing))
    lines.append("")
    lines.append(say("review_footer", locale))
    return Outgoing("\n".join(lines), choices=tuple(buttons))


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
