"""One message catalogue API over every catalogue of the bot.

Each part of the bot keeps its sentences as data next to its code (a dict of key → {"vi", "en"}),
and registers that dict here under a namespace when its module is imported. The dicts stay
where they are on purpose: each is read with the code that uses it, several people add keys to
them at once, and a data file would only add a loader. What is shared is the lookup:

    say("reminders:head_late", "en", late=3, ...)    # any registered catalogue
    REMINDERS.say("head_late", "en", late=3, ...)    # the catalogue a module holds

Every sentence is formatted by `render`: the text in the reader's locale (Vietnamese when the
catalogue has none in it), its placeholders filled. A parameter given as {"vi": ..., "en": ...}
is shown in the reader's locale; a Decimal is written as the reader writes numbers and a date
as dd/mm/yyyy, so no caller formats them by hand.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from reportbot.vocabulary.format import date_text, number_text

Messages = Mapping[str, Mapping[str, str]]
"""Messages by key, each a text per language; 'vi' is always present."""

SEPARATOR = ":"  # conversation keys already contain dots ("number.invalid")

_PLAIN = frozenset({str, int})


def _shown(value: object, locale: str) -> object:
    """A parameter as the reader of `locale` reads it."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is Decimal:
        return number_text(value, locale)  # type: ignore[arg-type]
    if kind is date:
        return date_text(value)  # type: ignore[arg-type]
    if isinstance(value, Mapping) and "vi" in value and not isinstance(value, datetime):
        return value.get(locale) or value["vi"]
    return value


def render(texts: Mapping[str, str], locale: str, params: Mapping[str, object]) -> str:
    """One message (its texts by language) in `locale`, falling back to Vietnamese."""
    template = texts.get(locale) or texts["vi"]
    if not params:
        return template  # a text without parameters is shown as written
    for value in params.values():
        if type(value) not in _PLAIN:
            return template.format_map({name: _shown(v, locale) for name, v in params.items()})
    return template.format_map(params)  # texts and counts only: the common case, kept cheap


def placeholders(template: str) -> frozenset[str]:
    """The names a template fills ('{unit} … {count}' → {'unit', 'count'})."""
    fields = (field for _, field, _, _ in string.Formatter().parse(template) if field)
    return frozenset(field.split(".")[0].split("[")[0] for field in fields)


class Catalogue:
    """The messages of one part of the bot, registered under `namespace`."""

    __slots__ = ("messages", "namespace")

    def __init__(self, namespace: str, messages: Messages) -> None:
        self.namespace = namespace
        self.messages = messages  # the module's own dict: keys added later are seen

    def say(self, key: str, locale: str = "vi", /, **params: object) -> str:
        """Message `key` of this catalogue in `locale` (Vietnamese when it has no such text)."""
        return render(self.messages[key], locale, params)

    def __contains__(self, key: object) -> bool:
        return key in self.messages

    def __repr__(self) -> str:
        return f"Catalogue({self.namespace!r}, {len(self.messages)} messages)"


_REGISTRY: dict[str, Catalogue] = {}


def register(namespace: str, messages: Messages) -> Catalogue:
    """Register a module's messages under `namespace`; one namespace holds one dict."""
    if SEPARATOR in namespace:
        raise ValueError(f"a namespace cannot contain {SEPARATOR!r}: {namespace!r}")
    known = _REGISTRY.get(namespace)
    if known is not None:
        if known.messages is not messages:
            raise ValueError(f"two catalogues under the namespace {namespace!r}")
        return known
    catalogue = _REGISTRY[namespace] = Catalogue(namespace, messages)
    return catalogue


def catalogues() -> dict[str, Catalogue]:
    """Every catalogue registered so far, by namespace."""
    return dict(_REGISTRY)


def say(key: str, locale: str = "vi", /, **params: object) -> str:
    """Message 'namespace:key' of any registered catalogue, in `locale`."""
    namespace, separator, name = key.partition(SEPARATOR)
    if not separator:
        raise KeyError(f"{key!r} names no catalogue: write 'namespace{SEPARATOR}key'")
    return _REGISTRY[namespace].say(name, locale, **params)
