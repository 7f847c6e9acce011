"""Invariants of the fitted column widths of the report's data tables and of the workbook's
wrapped headers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reportbot.coordination.reporting.reports.docx_parts import (
    TEXT_WIDTH_CM,
    fit_widths,
    text_width_cm,
)
from reportbot.office_xlsx import wrapped_lines

words = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÀỆỘ0123456789%./", min_size=1, max_size=15)
cells = st.lists(words, min_size=0, max_size=6).map(" ".join)


@given(
    st.integers(2, 6).flatmap(
        lambda n: st.lists(st.lists(cells, min_size=n, max_size=n), min_size=1, max_size=8)
    )
)
def test_widths_fill_the_page_and_leave_the_label_room(rows: list[list[str]]) -> None:
    widths = fit_widths([["Nội dung", *(f"Cột {i}" for i in range(len(rows[0]) - 1))], *rows])
    assert abs(sum(widths) - TEXT_WIDTH_CM) < 0.05 * len(widths)
    assert all(width > 0 for width in widths)
    assert widths[0] >= TEXT_WIDTH_CM * 0.35 - 0.05  # the label column never gets squeezed
    assert all(width <= TEXT_WIDTH_CM / 4 + 0.01 for width in widths[1:])


def test_a_short_number_gets_a_column_it_fits_in() -> None:
    rows = [["Nội dung", "Tổng"], ["Kinh phí", "18.000.000"]]
    label, figure = fit_widths(rows)
    assert figure >= text_width_cm("18.000.000", 12) + 0.38  # plus the cell's two margins
    assert abs(label + figure - TEXT_WIDTH_CM) < 0.01


@given(st.lists(words, min_size=1, max_size=30).map(" ".join), st.integers(16, 60))
def test_wrapped_header_lines_hold_every_word(text: str, width: int) -> None:
    lines = wrapped_lines(text, width)
    # A line holds at least one word and at most `width` characters (a word longer than the
    # line gets a line of its own): the count is bounded both ways.
    assert 1 <= lines <= len(text.split())
    assert lines * (width + 1) >= len(text) - sum(max(0, len(w) - width) for w in text.split())
