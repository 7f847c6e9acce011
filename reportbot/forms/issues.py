"""Names a template may use and the located problems a template check reports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportbot.vocabulary.kinds import UNIT_TYPE_CODES

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
# Question names as XLSForm (XML) allows them: case kept, '-' and '.' allowed.
QUESTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
CHOICE_VALUE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")
BUILTIN_NAMES = frozenset({"unit_type", "unit_code", "period"})
KNOWN_UNIT_TYPES = frozenset(UNIT_TYPE_CODES)  # declared once, in reportbot.vocabulary.kinds
MAX_QUESTIONS = 300


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
