"""An XLSForm `default` written as an expression is ODK's dynamic default, not a text.

pyxform reads a default holding a function call, a `${name}` or arithmetic as an expression
evaluated when the form is opened (`default_is_dynamic` in pyxform/utils.py; "Dynamic
defaults", https://xlsform.org/en/#default): `today()` on a date is the day of filling,
`${so_a}` the answer to so_a. The bot takes such a default as it takes a `calculation` on a
question (forms/README.md: offered as the default when the question is asked), instead of
refusing the workbook or offering the officer the words "concat('KH-', ...)".
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pyxform.xls2json_backends import md_table_to_workbook

from reportbot.coordination.publishing.xlsform import load_xlsform
from tests.conftest import TZ
from tests.support import markdown_xlsform
from tests.test_engine import Harness

WORKBOOK = """
| survey |
| | type | name | label | default |
| | date | ngay | Ngày báo cáo | today() |
| | integer | so_a | Số A | |
| | integer | so_b | Số B | ${so_a} |
| | text | ma | Mã | concat('KH-', ${so_a}) |
| | date | ngay_co_dinh | Ngày cố định | 2026-06-20 |
| | integer | so_c | Số C | 2 * 3 |
| | text | chuc_vu | Chức vụ | Chủ tịch UBND - xã |
| settings |
| | form_id | form_title |
| | mac_dinh | Giá trị mặc định |
"""


def test_a_workbook_with_expression_defaults_is_accepted(tmp_path: Path) -> None:
    form = markdown_xlsform(tmp_path, "mac_dinh", WORKBOOK)
    by_id = {q.id: q for q in form.questions}
    assert by_id["ngay"].calculation is not None and by_id["ngay"].default is None
    assert by_id["so_b"].calculation is not None and by_id["so_b"].default is None
    assert by_id["ma"].default is None  # never the text "concat(...)"
    assert str(by_id["ngay_co_dinh"].default) == "2026-06-20"  # a date's '-' is no minus
    # words with a dash are no expression: the text itself, as before
    assert by_id["chuc_vu"].default == "Chủ tịch UBND - xã" and by_id["chuc_vu"].calculation is None


def test_the_officer_is_offered_the_computed_values(tmp_path: Path) -> None:
    bot = Harness(forms=(markdown_xlsform(tmp_path, "mac_dinh", WORKBOOK),))
    bot.say("/baocao")
    asked = bot.say("1")
    assert "Ngày báo cáo" in asked and "26/11/2026" in asked  # the harness's today
    bot.say("/boqua")
    bot.say("7")
    asked = bot.say("/boqua")
    assert "Mã" in asked and "KH-7" in asked
    asked = bot.say("/boqua")
    review = bot.say("/xemlai")
    assert "1. Ngày báo cáo: 26/11/2026" in review
    assert "3. Số B: 7" in review and "4. Mã: KH-7" in review
    assert "concat" not in asked + review


def test_a_default_reading_an_unknown_name_is_refused_at_its_cell(tmp_path: Path) -> None:
    path = tmp_path / "sai.xlsx"
    md_table_to_workbook(WORKBOOK.replace("${so_a} |", "${so_x} |")).save(path)
    result = load_xlsform(path)
    assert result.template is None
    assert ("survey", 4, "default") in [(i.sheet, i.row, i.column) for i in result.issues]


REQUIRED = """
| survey |
| | type | name | label | required | default |
| | date | ngay | Ngày điều tra | yes | today() |
| | integer | so_ho | Số hộ | yes | 0 |
| | integer | so_thon | Số thôn | yes | |
| settings |
| | form_id | form_title |
| | bat_buoc | Bắt buộc có mặc định |
"""


def test_a_required_question_with_a_default_takes_it_with_skip(tmp_path: Path) -> None:
    # ODK fills a default when the form opens, so a required question with one is already
    # answered: the officer only moves on. In the chat /boqua (its button) takes the default.
    bot = Harness(forms=(markdown_xlsform(tmp_path, "bat_buoc", REQUIRED),))
    bot.say("/baocao")
    asked = bot.say("1")
    assert "(Gõ /boqua để dùng giá trị mặc định: 26/11/2026)" in asked
    asked = bot.say("/boqua")
    assert "Số hộ" in asked and "giá trị mặc định: 0" in asked
    asked = bot.say("/boqua")
    assert "Số thôn" in asked and "/boqua" not in asked  # required, no default: as before
    refused = bot.say("/boqua")
    assert "bắt buộc" in refused
    review = bot.say("3")
    assert "1. Ngày điều tra: 26/11/2026" in review and "2. Số hộ: 0" in review
    assert "❗" not in review


def test_now_on_a_time_stays_the_moment_the_question_is_skipped(tmp_path: Path) -> None:
    # forms/README: a time's default now() is the moment of /boqua, shown as "bây giờ"
    workbook = """
| survey |
| | type | name | label | default |
| | time | gio | Giờ bắt đầu | now() |
| | dateTime | luc | Lúc | now() |
| settings |
| | form_id |
| | gio |
"""
    form = markdown_xlsform(tmp_path, "gio", workbook)
    assert [(q.default, q.calculation) for q in form.questions] == [("now()", None)] * 2
    bot = Harness(forms=(form,))
    bot.say("/baocao")
    assert "giá trị mặc định: bây giờ" in bot.say("1")
    bot.now = datetime(2026, 11, 26, 16, 45, tzinfo=TZ)  # the bot's clock (forms.clock)
    bot.say("/boqua")  # the time it is skipped, as the YAML default now() (parsing_types)
    review = bot.say("/boqua")
    assert "1. Giờ bắt đầu: 16:45" in review and "2. Lúc: 26/11/2026 16:45" in review
