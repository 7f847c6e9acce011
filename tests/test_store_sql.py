"""The placeholder translation written once for every raw statement of the store."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import tortoise.backends.sqlite.executor  # noqa: F401  (registers tortoise's datetime adapter)
from hypothesis import given
from hypothesis import strategies as st

from reportbot.store.sql import SqlDialect, marks

# Statement text without quotes (no placeholder ever sits inside a literal in the store).
TEXT = st.text(alphabet=st.sampled_from("SELECT abc,=()*_ \n"), max_size=12)


def test_examples_by_hand() -> None:
    statement = "UPDATE t SET a = ?, b = ? WHERE id = ?"
    assert SqlDialect("postgres").sql(statement) == "UPDATE t SET a = $1, b = $2 WHERE id = $3"
    assert SqlDialect("sqlite").sql(statement) == statement
    assert marks(3) == "?, ?, ?"
    assert marks(0) == ""


@given(st.lists(TEXT, min_size=1, max_size=40))
def test_postgres_placeholders_are_numbered_in_order(pieces: list[str]) -> None:
    statement = "?".join(pieces)
    translated = SqlDialect("postgres").sql(statement)
    numbers = [int(n) for n in re.findall(r"\$(\d+)", translated)]
    assert numbers == list(range(1, len(pieces)))
    assert "?" not in translated
    assert re.sub(r"\$\d+", "?", translated) == statement


def test_a_moment_is_written_on_sqlite_as_the_text_tortoise_writes() -> None:
    # The group writer formats a step's moment once (`stamp`) instead of letting sqlite3 call
    # tortoise's adapter for every row; the stored text must be the adapter's, byte for byte,
    # or readers would find two spellings of one moment.
    adapter = sqlite3.adapters[(datetime, sqlite3.PrepareProtocol)]
    moments = [
        datetime(2026, 11, 26, 10, 0, tzinfo=UTC),
        datetime(2026, 11, 26, 17, 5, 9, 123456, tzinfo=timezone(timedelta(hours=7))),
        datetime(2026, 1, 2, 3, 4, 5),
    ]
    for moment in moments:
        assert SqlDialect("sqlite").stamp(moment) == adapter(moment)
        assert SqlDialect("postgres").stamp(moment) is moment
    assert SqlDialect("sqlite").stamp(moments[0]) == "2026-11-26 10:00:00+00:00"
