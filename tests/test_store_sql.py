"""The placeholder translation written once for every raw statement of the store."""

from __future__ import annotations

import re

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
