"""Template and XLSForm problems as codes with parameters, shown in the admin's language.

A checker reports `said("formcheck:code", value=..., ...)`: a `Said` is the English text (what
the checkers and the locating code have always matched on, so it stays a `str`) that also
remembers its catalogue key and parameters, so it can be shown in Vietnamese or English with
one line saying how to fix it (the same key with ".fix"). A parameter may itself be a `Said`
(an expression error inside a relevant) or a {"vi": ..., "en": ...} text.
"""

from __future__ import annotations

from collections.abc import Mapping

from reportbot.forms import check_texts, check_texts_indicators, check_texts_rules
from reportbot.vocabulary.catalogue import render, say

# the catalogues a Said renders from, registered by importing them
CATALOGUES = (check_texts.CHECKS, check_texts_rules.RULES, check_texts_indicators.INDICATORS)

FIX = ".fix"  # the key of a message's "how to fix it" line


class Said(str):
    """An English problem text that can be rendered again in another locale."""

    key: str
    params: Mapping[str, object]
    headless: bool

    def __new__(cls, key: str, params: Mapping[str, object], *, headless: bool = False) -> Said:
        text = _render(key, "en", params, headless=headless)
        said_text = super().__new__(cls, text)
        said_text.key, said_text.params, said_text.headless = key, dict(params), headless
        return said_text

    def in_locale(self, locale: str) -> str:
        """The problem in `locale` (Vietnamese unless 'en')."""
        return _render(self.key, locale, self.params, headless=self.headless)

    def fix(self, locale: str) -> str | None:
        """The one line saying how to fix it, in `locale` (None when the catalogue has none)."""
        namespace, _, code = self.key.partition(":")
        from reportbot.vocabulary.catalogue import catalogues

        catalogue = catalogues().get(namespace)
        if catalogue is None or code + FIX not in catalogue:
            return None
        return _render(self.key + FIX, locale, self.params, headless=False)

    def without_head(self) -> Said:
        """The same problem without its leading "column: " (shown in that column already)."""
        return Said(self.key, self.params, headless=True)


def said(key: str, /, **params: object) -> Said:
    """A problem `namespace:code` with its parameters (see the module docstring)."""
    return Said(key, params)


def shown(text: object, locale: str) -> str:
    """Any problem text in `locale`: a `Said` is rendered again, anything else kept as is."""
    if isinstance(text, Said):
        return text.in_locale(locale)
    return str(text)


def fix_line(text: object, locale: str) -> str | None:
    """How to fix a problem, in `locale`, when it is a `Said` with a fix line."""
    return text.fix(locale) if isinstance(text, Said) else None


def with_fix_text(text: str, problem: object, locale: str) -> str:
    """`text` followed by the problem's fix line (indented, on its own line), if it has one."""
    fix = fix_line(problem, locale)
    return f"{text}\n  {say('formcheck:fix_line', locale, fix=fix)}" if fix else text


def _render(key: str, locale: str, params: Mapping[str, object], *, headless: bool) -> str:
    values = {name: _param(value, locale) for name, value in params.items()}
    # always formatted, so a literal "${{q}}" in a text without parameters reads "${q}"
    text = say(key, locale, **values) if values else say(key, locale, _=None)
    if headless:
        head, separator, rest = text.partition(": ")
        if separator and " " not in head.strip():
            return rest
    return text


def _param(value: object, locale: str) -> object:
    if isinstance(value, Said):
        return value.in_locale(locale)
    if isinstance(value, Mapping) and "vi" in value:
        return render({"vi": str(value["vi"]), "en": str(value.get("en", value["vi"]))}, locale, {})
    return value
