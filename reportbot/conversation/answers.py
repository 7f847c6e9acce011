"""Reading one answer to one question: parse, check bounds and the constraint.

`read_answer` returns the value to store or raises `Rejected` with the sentence to send.
Nothing is stored for a rejected answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from connectors.base import Incoming
from reportbot.conversation.i18n import say
from reportbot.conversation.parsing import (
    MAX_DIGITS,
    AnswerError,
    normalize_text,
    parse_date,
    parse_yes_no,
)
from reportbot.conversation.parsing_choices import parse_choice, parse_choices
from reportbot.conversation.shaped import check_media_kind, parse_shaped
from reportbot.conversation.typed_numbers import read_number
from reportbot.conversation.values import fits_type, format_number, is_empty
from reportbot.forms.expressions import truthy
from reportbot.forms.repeats import split_id
from reportbot.forms.schema import (
    ATTACHMENT_TYPES,
    SHAPED_TEXT_TYPES,
    FormTemplate,
    Question,
    pick,
)

# A question's own `max` decides; without one a long text takes a whole pasted document
# (Telegram splits a paste over 4,096 characters into several messages, joined on arrival).
LONG_TEXT_LIMIT = 10_000
SHORT_TEXT_LIMIT = 500
_ATTACHMENT_KEYS = ("kind", "path", "file_id", "url", "name", "size", "mime_type")


def _unanswered(name: str, answers: Mapping[str, Any], template: FormTemplate | None) -> bool:
    """Whether a constraint's reference is no answer yet: empty, or of the wrong type (an
    entry's id, `tong[1]`, is read as its repeat's question `tong`)."""
    value = answers.get(name)
    if is_empty(value):
        return True
    if template is None:
        return False
    read = template.question(name)
    if read is None and (entry := split_id(name)) is not None:
        read = template.question(entry[0])
    return read is not None and read.answerable and not fits_type(read, value)


class Rejected(Exception):
    """An answer that cannot be accepted; `text` says why, in the person's language."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def read_answer(
    question: Question,
    message: Incoming,
    text: str,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    locale: str,
    today: date,
    template: FormTemplate | None = None,
) -> Any:
    """Turn a message into a value for `question`, or raise Rejected (`template`: the form,
    whose questions tell a damaged stored answer that a constraint reads, see check_rules)."""
    try:
        value = _parse(question, message, text, locale, today)
    except AnswerError as exc:
        raise Rejected(say(exc.code, locale, **exc.params)) from exc
    check_rules(question, value, answers, facts, locale, today, template=template)
    return value


def check_rules(
    question: Question,
    value: Any,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    locale: str,
    today: date,
    scope: Mapping[str, Any] | None = None,
    template: FormTemplate | None = None,
) -> None:
    """The one validity rule of an answer (bounds, then constraint): raise Rejected if broken.

    Applied when the answer is given, again to the answers that read an edited one, and to
    every answer at /gui (see `validity`). `scope` is what the constraint sees when the
    caller has built it (the answers with `value` among them, the facts, ``__today__``);
    `template` tells a stored answer of the wrong type among the ones the constraint reads.
    """
    _check_bounds(question, value, locale)
    if question.constraint is not None:
        _check_constraint(question, value, answers, facts, locale, today, scope, template)


_NO_MESSAGE = Incoming("", "", "")


def default_value(question: Question, locale: str, today: date) -> Any:
    """The template's default as an answer, read by the same parser as a typed answer.

    A default that does not parse (the template loader should refuse it) gives None: the
    question is left empty rather than storing text where a number or a date belongs.
    """
    default = question.default
    if default is None or is_empty(default):
        return None
    if isinstance(default, bool):
        return ("yes" if default else "no") if question.type == "yes_no" else None
    if not isinstance(default, str):
        return (
            default
            if fits_type(question, default)
            else _read_default(question, str(default), locale, today)
        )
    if question.type == "select_one" and question.choice(default) is not None:
        return default
    if question.type == "select_multiple":
        values = default.split()
        if values and all(question.choice(v) is not None for v in values):
            return [c.value for c in question.choices if c.value in values]
    return _read_default(question, default, locale, today)


def _read_default(question: Question, text: str, locale: str, today: date) -> Any:
    try:
        value = _parse(question, _NO_MESSAGE, normalize_text(text), locale, today)
        _check_bounds(question, value, locale)
    except (Rejected, AnswerError):
        return None
    return value


def choice_options(question: Question) -> list[tuple[str, list[str]]]:
    """The options of a select question in the parser's shape: (value, labels)."""
    return [(c.value, list(c.label.values())) for c in question.choices]


def _parse(question: Question, message: Incoming, text: str, locale: str, today: date) -> Any:
    kind = question.type
    if kind in ATTACHMENT_TYPES:
        attachment = message.attachment
        if attachment is None:
            needed = f"need_{kind}" if kind in ("audio", "video") else "need_attachment"
            raise Rejected(say(needed, locale))
        every = message.attachments or (attachment,)
        check_media_kind(kind, every)
        return attachment_value(every)
    if message.attachment is not None and not text:
        raise Rejected(say("attachment_not_expected", locale))
    if kind in SHAPED_TEXT_TYPES or message.location is not None:
        return parse_shaped(kind, message, text, today)
    if kind == "select_multiple":
        if message.choices is not None:
            return _known_values(question, message.choices)
        return parse_choices(_payload_or(message, text), choice_options(question))
    if kind == "select_one":
        if message.choice and question.choice(message.choice):
            return message.choice
        return parse_choice(_payload_or(message, text), choice_options(question))
    if kind == "yes_no":
        if message.choice in ("yes", "no"):
            return message.choice
        return "yes" if parse_yes_no(text) else "no"
    if not text:
        raise Rejected(say("empty_message", locale))
    if kind in ("integer", "decimal") and _plain_digits(text):
        return int(text) if kind == "integer" else Decimal(int(text))  # the common case, fast
    if kind in ("integer", "decimal"):
        return read_number(question, text)  # in the unit its label names ("triệu đồng")
    if kind == "date":
        return parse_date(text, today)
    if question.max is not None:
        return text  # the question's own limit, checked with its bounds
    limit = LONG_TEXT_LIMIT if kind == "long_text" else SHORT_TEXT_LIMIT
    if len(text) > limit:
        raise Rejected(say("text_max", locale, max=format_number(limit, locale)))
    return text


def attachment_value(attachments: tuple[Any, ...]) -> dict[str, Any]:
    """The stored value of a file answer: the first file's fields; an album adds `files`
    (every file's fields) and names every file in `name`, which the review and the
    spreadsheet show."""
    first, *rest = (
        {key: getattr(item, key) for key in _ATTACHMENT_KEYS if getattr(item, key) is not None}
        for item in attachments
    )
    if not rest:
        return first
    files = [first, *rest]
    names = (str(f.get("name") or f.get("path") or f.get("file_id") or "") for f in files)
    return {**first, "name": ", ".join(names), "files": files}


def _plain_digits(text: str) -> bool:
    """ASCII digits only, short enough: parse_integer/parse_decimal would read them as is."""
    return len(text) <= MAX_DIGITS and text.isascii() and text.isdigit()


def _payload_or(message: Incoming, text: str) -> str:
    return message.choice if message.choice is not None else text


def _known_values(question: Question, values: tuple[str, ...]) -> list[str]:
    chosen = set(values)
    result = [c.value for c in question.choices if c.value in chosen]
    if not result:
        raise AnswerError("choice.empty")
    return result


def _check_bounds(question: Question, value: Any, locale: str) -> None:
    low, high = question.min, question.max
    if low is None and high is None:
        return
    if question.type in ("integer", "decimal"):
        too_low = low is not None and value < low
        too_high = high is not None and value > high
        if not (too_low or too_high):
            return
        shown_low = format_number(_plain(low), locale) if low is not None else None
        shown_high = format_number(_plain(high), locale) if high is not None else None
        if low is not None and high is not None:
            raise Rejected(say("number_range", locale, min=shown_low, max=shown_high))
        if low is not None:
            raise Rejected(say("number_min", locale, min=shown_low))
        raise Rejected(say("number_max", locale, max=shown_high))
    if question.type in ("text", "long_text"):
        if low is not None and len(value) < low:
            raise Rejected(say("text_min", locale, min=format_number(int(low), locale)))
        if high is not None and len(value) > high:
            raise Rejected(say("text_max", locale, max=format_number(int(high), locale)))


def _plain(number: float) -> Any:
    return int(number) if float(number).is_integer() else number


def _check_constraint(
    question: Question,
    value: Any,
    answers: Mapping[str, Any],
    facts: Mapping[str, Any],
    locale: str,
    today: date,
    scope: Mapping[str, Any] | None = None,
    template: FormTemplate | None = None,
) -> None:
    constraint = question.constraint
    if constraint is None:
        return
    # A constraint that compares with a question left unanswered cannot be judged yet; XLSForm
    # would fail it and block the officer, so it is passed now and judged again when that
    # question is answered (validity.dependants) and at /gui. A stored answer of the wrong
    # type (old data: 'ba mươi' for a number) is no answer either: it is shown for correction
    # and blocks sending, and `. <= ${it}` would be false whatever is typed (XPath: NaN).
    names = constraint.references() - facts.keys()
    if any(_unanswered(name, answers, template) for name in names):
        return
    if scope is None:  # expression_scope({**answers, id: value}, {**facts, "__today__": ...})
        scope = {**answers, question.id: value, **facts, "__today__": today}
    if not truthy(constraint.evaluate(scope, current=value)):
        message = pick(question.constraint_message, locale) or say("constraint_failed", locale)
        raise Rejected(message)
