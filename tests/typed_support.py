"""Reading one typed answer to one question of a test's own YAML form, as the chat does."""

from __future__ import annotations

from datetime import date

from connectors.base import Incoming
from reportbot.conversation.answers import read_answer
from reportbot.forms.loader import parse_yaml_template
from reportbot.forms.schema import Question


def form_question(form: str, qid: str) -> Question:
    """Question `qid` of the YAML form text `form` (which must load without issues)."""
    template, issues = parse_yaml_template(form)
    assert template is not None, issues
    question = template.question(qid)
    assert question is not None
    return question


def read_typed(form: str, qid: str, typed: str, today: date, locale: str = "vi") -> object:
    """The value stored for `typed` at question `qid`, or Rejected raised in `locale`."""
    message = Incoming("test", "1", "1", text=typed)
    return read_answer(form_question(form, qid), message, typed, {}, {}, locale, today)
