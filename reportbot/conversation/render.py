"""Turning questions and reviews into neutral `Outgoing` messages.

The engine writes for the richest platform (buttons, multi-select toggles); connectors
degrade with `connectors.base.render_plain` when they have no buttons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connectors.base import Choice, Outgoing
from reportbot.conversation.calculated import calculation_lines
from reportbot.conversation.commands import command_choice
from reportbot.conversation.i18n import say
from reportbot.conversation.numbering import numbered
from reportbot.conversation.values import fits_type, format_value, is_empty
from reportbot.forms.schema import ATTACHMENT_TYPES, FormTemplate, Question, pick
from reportbot.periods import Period

REVIEW_VALUE_LIMIT = 80
BUTTON_LABEL_LIMIT = 40
# How to answer the types a chat cannot guess (a time, a position, a voice note...).
TYPE_HINTS = {
    kind: f"{kind}_hint"
    for kind in ("time", "datetime", "geopoint", "geotrace", "geoshape", "barcode", "audio")
} | {"video": "video_hint"}


def question_messages(
    question: Question,
    notes: list[Question],
    current: Any,
    index: int,
    total: int,
    locale: str,
    heading: str = "",
    *,
    binding: str | None = None,
    selected: tuple[str, ...] | None = None,
    progress_note: str = "",
) -> list[Outgoing]:
    """The notes to show, then the question with its progress, hint and choices; `heading`
    (a section's title, see `section_heading`) goes above the first of them. `binding` is
    the question's token (`Outgoing.question`); `selected` overrides the ticks shown;
    `progress_note` follows the progress (why its total moved: repeat_progress)."""
    messages = [Outgoing(_note_text(note, locale)) for note in notes]
    # the section's title over its first message: a note before the group is not in it
    first = next((i for i, n in enumerate(notes) if n.section == question.section), None)
    if heading and first is not None:
        messages[first] = Outgoing(f"{heading}\n{messages[first].text}")
    body, tail, choices, multi = _question_parts(question, locale)
    lines = [say("progress", locale, index=index, total=total) + progress_note, body]
    if heading and first is None:
        lines.insert(0, heading)
    if not is_empty(current):
        lines.append(say("current_value", locale, value=format_value(question, current, locale)))
    if tail:
        lines.append(tail)
    if selected is None:
        selected = tuple(current) if multi and isinstance(current, list) else ()
    messages.append(
        Outgoing(
            "\n".join(lines),
            choices=choices,
            multi=multi,
            question_id=question.id,
            selected=selected,
            question=binding,
        )
    )
    return messages


def section_heading(question: Question, applicable: Sequence[Question], locale: str) -> str:
    """The line "📂 Group label" when `question` is the first applicable one of its section (the
    question before it is in another section or none), else "": ODK shows a group's label
    over its questions, the chat once, where the group begins for this report."""
    title = pick(question.section, locale)
    if not title:
        return ""
    qid, before = question.id, None
    for other in applicable:
        if other.id == qid:
            if before is not None and before.section == question.section:
                return ""
            break
        before = other
    return f"📂 {title}"


# A form's own hint that names the skip command ("Không bắt buộc; gõ /boqua nếu không có")
# makes the bot's "(Không bắt buộc – gõ /boqua để bỏ qua)" a repetition of it.
SKIP_WORDS = ("/boqua", "/skip")
_PARTS: dict[tuple[int, str], tuple[Question, tuple[str, str, tuple[Choice, ...], bool]]] = {}


def _question_parts(question: Question, locale: str) -> tuple[str, str, tuple[Choice, ...], bool]:
    """What never changes in a question's message: label and hints, the optional hint, the
    buttons. Cached per question and language (questions are immutable; the question is
    kept in the cache so its id cannot be reused)."""
    known = _PARTS.get((id(question), locale))
    if known is not None and known[0] is question:
        return known[1]
    lines = [pick(question.label, locale)]
    hint = pick(question.hint, locale)
    if hint:
        lines.append(hint)
    if question.type == "select_multiple":
        lines.append(say("multi_hint", locale))
    if question.type in ("photo", "file"):
        lines.append(say("attachment_hint", locale))
    elif question.type in TYPE_HINTS:
        lines.append(say(TYPE_HINTS[question.type], locale))
    tail = ""
    if question.default is not None:  # required too: ODK's default answers it already
        shown = say("now_word", locale) if question.default == "now()" else question.default
        tail = say("default_hint", locale, value=shown)
    elif not question.required and not any(word in hint for word in SKIP_WORDS):
        tail = say("optional_hint", locale)  # (unless the form's hint said it already)
    choices, multi, _ = _choices(question, None, locale)
    parts = ("\n".join(lines), tail, choices, multi)
    if len(_PARTS) > 4096:
        _PARTS.clear()
    _PARTS[(id(question), locale)] = (question, parts)
    return parts


def note_messages(notes: Sequence[Question], locale: str) -> list[Outgoing]:
    """Notes shown on their own (those after the last question, before the review)."""
    return [Outgoing(_note_text(note, locale)) for note in notes]


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
    if question.type in ATTACHMENT_TYPES and not question.required:
        # An optional file question must never be a dead end: one tap skips it.
        return (Choice(say("button_skip_file", locale), "/boqua", button_only=True),), False, ()
    if not question.required or question.default is not None:
        # Every optional question offers the skip as a tap, not only as a command to know
        # (a required one with a default: the tap takes the default).
        return (Choice(say("button_skip", locale), "/boqua", button_only=True),), False, ()
    return (), False, ()


def review_message(
    template: FormTemplate,
    period: Period,
    questions: list[Question],
    answers: Mapping[str, Any],
    locale: str,
    facts: Mapping[str, Any] | None = None,
    broken: Mapping[str, str] | None = None,
    sent: str | None = None,
) -> Outgoing:
    """The review screen: every applicable answer numbered, a button to change each one,
    then the labelled calculations, read-only (computed from the same answers and `facts`).
    `broken` maps the id of an answer that breaks its rule to the rule's message; `sent`,
    the line saying a sent report is unchanged (no sending offered: /gui would refuse)."""
    broken = broken or {}
    lines = [
        say("review_title", locale, title=pick(template.title, locale), period=period.label(locale))
    ]
    buttons: list[Choice] = []
    missing = 0
    for number, question in numbered(template, questions):  # stable numbers (numbering.py)
        value = answers.get(question.id)
        line, unanswered = _review_row(question, number, value, locale)
        # A value of the wrong type is already marked by its row; a rule broken by another
        # answer is marked here, not cached: its message depends on the other answers.
        if question.id in broken and fits_type(question, value):
            value = _shorten(format_value(question, value, locale), REVIEW_VALUE_LIMIT)
            shown = say("review_broken", locale, value=value, message=broken[question.id])
            line = f"{number}. {pick(question.label, locale)}: {shown}"
        lines.append(line)
        missing += unanswered
        buttons.append(_edit_button(question, number, locale))
    lines.extend(calculation_lines(template, answers, facts or {}, locale))
    if missing or broken:
        lines.append("")
    if missing:
        lines.append(say("review_missing", locale, count=missing))
    if broken:
        lines.append(say("review_broken_count", locale, count=len(broken)))
    lines.append("")
    if sent is not None:
        lines[1:1] = [sent]
        lines.append(say("review_footer_sent", locale))
        return Outgoing("\n".join(lines), choices=tuple(buttons))
    # With required answers missing, /gui can only refuse: the first button (and the footer)
    # lead to those answers instead (/tieptuc asks the first of them, filling.continue_).
    if missing:
        first = command_choice(say("button_answer_missing", locale), "/tieptuc", locale)
    else:
        first = command_choice(say("button_submit", locale), "/gui", locale)
    lines.append(say("review_footer_missing" if missing else "review_footer", locale))
    return Outgoing("\n".join(lines), choices=(first, *buttons))


_ROWS: dict[tuple[int, int, str, str], tuple[Question, tuple[str, bool]]] = {}
_ROW_KEY_LIMIT = 200


def _review_row(question: Question, number: int, value: Any, locale: str) -> tuple[str, bool]:
    """One answer's line of the review, and whether it is a required one left empty.

    Cached by the value's repr (which tells 1 from True, "1" and Decimal("1.0")): officers
    give the same few answers, and the review is shown again after every change from it.
    """
    shape = repr(value)
    if len(shape) > _ROW_KEY_LIMIT:  # a long text: not worth keeping
        return _row_text(question, number, value, locale)
    key = (id(question), number, locale, shape)
    known = _ROWS.get(key)
    if known is not None and known[0] is question:
        return known[1]
    row = _row_text(question, number, value, locale)
    if len(_ROWS) > 16384:
        _ROWS.clear()
    _ROWS[key] = (question, row)
    return row


def _row_text(question: Question, number: int, value: Any, locale: str) -> tuple[str, bool]:
    label = pick(question.label, locale)
    missing = False
    if is_empty(value):
        shown = say("review_unanswered", locale)
        if question.required:
            shown = "❗ " + shown
            missing = True
    else:
        shown = _shorten(format_value(question, value, locale), REVIEW_VALUE_LIMIT)
        if not fits_type(question, value):
            shown = say("review_invalid", locale, value=shown)
    return f"{number}. {label}: {shown}", missing


_BUTTONS: dict[tuple[int, int, str], tuple[Question, Choice]] = {}


def _edit_button(question: Question, number: int, locale: str) -> Choice:
    """The review's "change answer N" button (cached: questions are immutable)."""
    known = _BUTTONS.get((id(question), number, locale))
    if known is not None and known[0] is question:
        return known[1]
    short = _shorten(pick(question.label, locale), BUTTON_LABEL_LIMIT)
    text = say("button_edit", locale, number=number, label=short)
    button = Choice(text, f"/sua {number}", button_only=True)
    if len(_BUTTONS) > 16384:
        _BUTTONS.clear()
    _BUTTONS[(id(question), number, locale)] = (question, button)
    return button


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
