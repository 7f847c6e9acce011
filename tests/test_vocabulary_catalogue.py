"""One catalogue API: every message of every catalogue in vi and en, with the same placeholders."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from types import ModuleType

import pytest

import reportbot
from reportbot.vocabulary import catalogue
from reportbot.vocabulary.catalogue import Catalogue, placeholders, register, render, say

# Modules that import optional extras or start things when imported are not catalogues.
SKIPPED = ("reportbot.cli.__main__",)


def _modules() -> Iterator[ModuleType]:
    for info in pkgutil.walk_packages(reportbot.__path__, "reportbot."):
        if info.name not in SKIPPED:
            yield importlib.import_module(info.name)


MODULES = list(_modules())  # importing every module registers every catalogue


def _shaped_like_a_catalogue(value: object) -> bool:
    """key → {"vi": text, "en": text, …}: what a message catalogue looks like."""
    if not isinstance(value, dict) or len(value) < 2:
        return False
    return all(
        isinstance(key, str)
        and isinstance(texts, dict)
        and "vi" in texts
        and all(isinstance(text, str) for text in texts.values())
        for key, texts in value.items()
    )


def test_the_five_catalogues_of_the_issue_are_registered():
    known = catalogue.catalogues()
    for namespace in ("conversation", "coordination", "reminders", "import", "summary"):
        assert namespace in known, namespace
        assert len(known[namespace].messages) > 0


def test_every_catalogue_shaped_table_is_registered_or_merged_into_one():
    registered = [entry.messages for entry in catalogue.catalogues().values()]
    loose = []
    for module in MODULES:
        for name, value in vars(module).items():
            if getattr(value, "__module__", module.__name__) != module.__name__:
                continue
            if not _shaped_like_a_catalogue(value):
                continue
            # merged tables (parse errors into the conversation's) count as registered
            covered = all(
                any(texts.get(key) is text for texts in registered) for key, text in value.items()
            )
            if not covered:
                loose.append(f"{module.__name__}.{name}")
    assert not loose, f"register these with reportbot.vocabulary.register(...): {loose}"


CASES = [
    (f"{entry.namespace}:{key}", texts)
    for entry in catalogue.catalogues().values()
    for key, texts in entry.messages.items()
]


@pytest.mark.parametrize(("key", "texts"), CASES, ids=[key for key, _ in CASES])
def test_every_message_has_vi_and_en_with_the_same_placeholders(key: str, texts: dict):
    assert texts.get("vi", "").strip(), f"{key}: no Vietnamese text"
    assert texts.get("en", "").strip(), f"{key}: no English text"
    assert placeholders(texts["vi"]) == placeholders(texts["en"]), key


def test_say_reaches_any_catalogue_by_namespace():
    assert say("reminders:more", "en", count=3) == "… more units: 3"
    assert say("reminders:more", "vi", count=3) == "… và 3 đơn vị khác"
    assert say("conversation:idle_hint", "fr") == "Anh/chị muốn làm gì?"  # no French: Vietnamese
    with pytest.raises(KeyError):
        say("idle_hint")  # no namespace named
    with pytest.raises(KeyError):
        say("nowhere:idle_hint")


def test_parameters_are_written_the_way_the_reader_writes_them():
    texts = {"vi": "{n} đồng, hạn {day}, {word}", "en": "{n} dong, due {day}, {word}"}
    params = {"n": Decimal("43000000"), "day": date(2026, 6, 20), "word": {"vi": "có", "en": "yes"}}
    assert render(texts, "vi", params) == "43.000.000 đồng, hạn 20/06/2026, có"
    assert render(texts, "en", params) == "43,000,000 dong, due 20/06/2026, yes"
    assert render({"vi": "{{giữ}}"}, "vi", {}) == "{{giữ}}"  # no parameters: shown as written


def test_a_namespace_holds_one_table_and_sees_keys_added_later():
    table = {"a": {"vi": "một", "en": "one"}}
    first = register("test_namespace_once", table)
    assert register("test_namespace_once", table) is first
    with pytest.raises(ValueError):
        register("test_namespace_once", {"a": {"vi": "khác", "en": "other"}})
    table["b"] = {"vi": "hai", "en": "two"}
    assert isinstance(first, Catalogue)
    assert say("test_namespace_once:b", "en") == "two"


def test_unit_types_and_period_kinds_are_declared_once():
    from reportbot import periods
    from reportbot.coordination import texts
    from reportbot.forms import loader, schema
    from reportbot.vocabulary import kinds

    assert frozenset(kinds.PERIOD_KINDS) == schema.PERIOD_KINDS
    assert tuple(kinds.PERIOD_KINDS) == periods.KINDS
    assert frozenset(kinds.UNIT_TYPES) == loader.KNOWN_UNIT_TYPES
    assert texts.UNIT_TYPES is kinds.UNIT_TYPES and texts.PERIOD_KINDS is kinds.PERIOD_KINDS
    assert say("unit_types:to_cns", "en") == "community digital teams"
    assert kinds.period_kind_name("six_monthly") == "6 tháng một lần"
    assert kinds.unit_type_name("xa_moi", "en") == "xa_moi"  # unknown: shown as it is


def test_english_counts_read_right_at_one():
    # "1 more units", "officers of 1 units": English counts stand after a colon or in brackets.
    assert say("reminders:more", "en", count=1) == "… more units: 1"
    said = say("reach:status_unreachable", "en", count=1, period="year 2026", names="Hội A")
    assert said == (
        "⚠️ The bot cannot reach any officer of units that have not filed year 2026 (1): Hội A. "
        "Type /view <unit> to see why."
    )
