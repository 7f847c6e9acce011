"""Calculations shown read-only in the review (issue 15, "calculate" bullet).

XLSForm `calculate` rows with a label are listed after the answers, computed from the same
answers; ODK Collect shows an unlabelled calculation nowhere (https://xlsform.org/en/#calculation),
so neither does the review. Expected figures are worked out by hand in each test.
"""

from __future__ import annotations

from pathlib import Path

from reportbot.forms.schema import FormTemplate
from tests.support import markdown_xlsform
from tests.test_engine import Harness

WORKBOOK = """
| survey |
| | type | name | label | calculation |
| | integer | nam | Số cán bộ nam | |
| | integer | nu | Số cán bộ nữ | |
| | calculate | tong | Tổng số | ${nam} + ${nu} |
| | calculate | ty_le | Tỷ lệ nữ (%) | round(${nu} div ${tong} * 100, 1) |
| | calculate | gap_doi | | ${tong} * 2 |
| settings |
| | form_id | form_title |
| | can_bo | Báo cáo cán bộ |
"""


def template(tmp_path: Path, text: str = WORKBOOK) -> FormTemplate:
    """The test's own workbook, loaded as an admin would publish it."""
    return markdown_xlsform(tmp_path, "can_bo", text)


def review_after(bot: Harness, *typed: str) -> str:
    """Open the first period, type the answers, and show the review."""
    bot.say("/baocao")
    bot.say("1")
    for text in typed:
        bot.say(text)
    return bot.say("/xemlai")


def test_labelled_calculations_follow_the_answers(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),))
    review = review_after(bot, "25", "15")
    lines = review.splitlines()
    # by hand: 25 + 15 = 40; 15 / 40 = 37.5 %, written with a decimal comma in Vietnamese
    assert "• Tổng số: 40 (tự tính)" in lines
    assert "• Tỷ lệ nữ (%): 37,5 (tự tính)" in lines
    assert lines.index("• Tổng số: 40 (tự tính)") > max(
        i for i, line in enumerate(lines) if "Số cán bộ nữ" in line
    )
    assert "80" not in review  # gap_doi has no label: never shown
    # calculations are not answers: nothing stored for them
    (view,) = bot.reports.values()
    assert set(view.answers) == {"nam", "nu"}


def test_a_calculation_not_computable_yet_shows_a_dash(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),))
    review = review_after(bot, "1200", "/boqua")
    assert "• Tổng số: — (tự tính)" in review.splitlines()  # ODK: empty, never 0
    assert "• Tỷ lệ nữ (%): — (tự tính)" in review.splitlines()


def test_english_reader_sees_english_figures(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),), locale="en")
    review = review_after(bot, "1200", "300")
    # by hand: 1200 + 300 = 1,500; 300 / 1500 = 20 %
    assert "• Tổng số: 1,500 (calculated)" in review.splitlines()
    assert "• Tỷ lệ nữ (%): 20 (calculated)" in review.splitlines()


def test_a_form_without_labelled_calculations_shows_none(tmp_path: Path) -> None:
    text = WORKBOOK.replace("| Tổng số |", "| |").replace("| Tỷ lệ nữ (%) |", "| |")
    bot = Harness(forms=(template(tmp_path, text),))
    review = review_after(bot, "25", "15")
    assert "tự tính" not in review


def test_today_in_a_calculation_is_the_bots_day(tmp_path: Path) -> None:
    text = WORKBOOK.replace(
        "| | calculate | gap_doi | | ${tong} * 2 |",
        "| | calculate | nam_nay | Ngày lập | format-date(today(), '%d/%m/%Y') |",
    )
    bot = Harness(forms=(template(tmp_path, text),))  # the harness clock: 26/11/2026
    review = review_after(bot, "25", "15")
    assert "• Ngày lập: 26/11/2026 (tự tính)" in review.splitlines()
