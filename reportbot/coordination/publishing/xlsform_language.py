"""Which label language of an XLSForm officers will read.

Our templates keep the officers' text in the 'vi' slot and an English one in 'en'. A workbook
with Vietnamese labels maps as written. A workbook in any single other language (only
``label::English``, or ``label::Français (fr)``) is accepted too: that language fills the
officers' slot, and the preview says which language they will see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reportbot.conversation.parsing import fold


@dataclass(frozen=True, slots=True)
class LanguagePlan:
    """Column language -> template slot ('vi' = what officers see, 'en' = English)."""

    plain: str = "vi"  # the slot of a column without a language
    slots: dict[str, str] = field(default_factory=dict)  # folded language -> slot
    shown: str | None = None  # the language officers see, when it is not Vietnamese

    def slot(self, language: str | None, known: str | None) -> str | None:
        """The slot of a column in `language` (`known` = its vi/en code, if recognised)."""
        if language is None or fold(language) == "default":
            return self.plain
        mapped = self.slots.get(fold(language))
        if mapped is not None:
            return mapped
        if known == "en" and "en" in self.slots.values():
            return None  # a second English column: the first one counts
        return known if known and (known != "vi" or self.shown is None) else None


def plan_languages(
    label_languages: Iterable[str | None],
    default_language: str | None,
    code_of,
) -> LanguagePlan:
    """Decide the slots from the survey's label column languages (None = a plain `label`).

    `default_language` is the settings value as written; `code_of` maps a language name to
    'vi', 'en' or None."""
    languages = list(dict.fromkeys(label_languages))
    named = [language for language in languages if language is not None]
    default_code = code_of(default_language) if default_language else "vi"
    has_vi = any(code_of(language) == "vi" for language in named)
    if has_vi or (None in languages and default_code in ("vi", None)):
        plain = default_code if default_code in ("vi", "en") else "vi"
        return LanguagePlan(plain=plain)
    if None in languages:  # plain labels in a language other than Vietnamese
        return LanguagePlan(plain="vi", shown=default_language or "?")
    if not named:
        return LanguagePlan()
    preferred = [default_language] if default_language in named else []
    preferred += [language for language in named if code_of(language) == "en"]
    chosen = (preferred or named)[0]
    slots = {fold(chosen): "vi"}
    english = [n for n in named if code_of(n) == "en" and n != chosen]
    if english:
        slots[fold(english[0])] = "en"
    return LanguagePlan(plain="vi", slots=slots, shown=chosen)
