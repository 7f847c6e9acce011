"""Names a template may use and the located problems a template check reports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportbot.forms.diagnostics import shown, with_fix_text
from reportbot.vocabulary.catalogue import say
from reportbot.vocabulary.kinds import UNIT_TYPE_CODES

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
# Question names as XLSForm (XML) allows them: case kept, '-' and '.' allowed.
QUESTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
CHOICE_VALUE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
BUILTIN_NAMES = frozenset({"unit_type", "unit_code", "period"})
KNOWN_UNIT_TYPES = frozenset(UNIT_TYPE_CODES)  # declared once, in reportbot.vocabulary.kinds
MAX_QUESTIONS = 300
# "question 3", "calculation 2", "indicator x": an item named by its place, said per locale
_PLACE = re.compile(r"^(question|calculation|indicator) (.+)$")


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

    def render(self, locale: str = "vi") -> str:
        """The problem in `locale` (file, line, field, offending value) and how to fix it."""
        place = self.source
        if self.line:
            place = say("formcheck:at_line", locale, source=self.source, line=self.line)
        where = self.where
        named = _PLACE.match(where)
        if named:
            where = say(f"formcheck:where_{named[1]}", locale, value=named[2])
        message = shown(self.message, locale)
        text = say("formcheck:at_where", locale, place=place, where=where, message=message)
        return with_fix_text(text, self.message, locale)


class TemplateInvalid(ValueError):
    """A template has issues; `issues` lists every one of them."""

    def __init__(self, issues: list[TemplateIssue]) -> None:
        super().__init__("\n".join(str(issue) for issue in issues))
        self.issues = issues
