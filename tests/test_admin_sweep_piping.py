"""`${name}` in an XLSForm's labels and hints shows the answer, as ODK does ("piping").

ODK writes a `${q}` inside a label or hint as `<output value="/data/q"/>`, and Collect and
Enketo show the current value of q there (https://docs.getodk.org/form-logic/#displaying-
answers-from-previous-questions-in-labels-and-hints); an unanswered q shows nothing. Field
forms use it in notes ("Anh/chị đã khai ${so_ho} hộ") and in questions ("Số điện thoại của
${ho_ten}"). The chat shows the answer as the officer reads it (a choice by its label, a
number grouped, a date dd/mm/yyyy), also in the review and inside a repeat's entries, where
`${sibling}` is that entry's answer.
"""

from __future__ import annotations

from pathlib import Path

from reportbot.forms.schema import FormTemplate
from tests.support import markdown_xlsform
from tests.test_engine import Harness

SURVEY = [
    ["type", "name", "label::Tiếng Việt (vi)", "label::English (en)"],
    ["text", "ho_ten", "Họ tên người báo cáo", "Reporter"],
    ["select_one xa", "xa", "Xã", "Commune"],
    ["text", "dien_thoai", "Số điện thoại của ${ho_ten}", "Phone of ${ho_ten}"],
    ["integer", "so_ho", "Số hộ", "Households"],
    ["calculate", "gap_doi", "", ""],
    ["note", "ghi_nhan", "<b>Đã ghi</b> ${so_ho} hộ, gấp đôi: ${gap_doi}", "**Noted** ${so_ho}"],
    ["integer", "so_thon", "Số thôn", "Hamlets"],
    ["begin repeat", "thon", "Thôn", "Hamlet"],
    ["text", "ten_thon", "Tên thôn", "Hamlet name"],
    ["integer", "dan_so", "Dân số thôn ${ten_thon}", "People in ${ten_thon}"],
    ["end repeat", "", "", ""],
]
# the same rows' hints, calculation and repeat count
MORE = {
    0: ["hint::Tiếng Việt (vi)", "hint::English (en)", "calculation", "repeat_count"],
    3: ["Xã ${xa}", "Commune ${xa}", "", ""],
    5: ["", "", "${so_ho} * 2", ""],
    8: ["", "", "", "${so_thon}"],
}
WORKBOOK = (
    "| survey |\n"
    + "".join(
        "| | " + " | ".join(row + MORE.get(n, ["", "", "", ""])) + " |\n"
        for n, row in enumerate(SURVEY)
    )
    + """| choices |
| | list_name | name | label::Tiếng Việt (vi) | label::English (en) |
| | xa | dp | Đăk Pxi | Dak Pxi |
| settings |
| | form_id | form_title |
| | piping | Báo cáo có ghép câu trả lời |
"""
)


def calculated(tmp_path: Path) -> FormTemplate:
    """The test's own workbook, loaded as an admin would publish it."""
    return markdown_xlsform(tmp_path, "piping", WORKBOOK)


def test_a_label_and_hint_show_the_earlier_answers(tmp_path: Path) -> None:
    bot = Harness(forms=(calculated(tmp_path),))
    bot.say("/baocao")
    bot.say("2")  # this year's report (the overdue first half is listed first)
    bot.say("Nguyễn Văn An")
    asked = bot.say("1")
    assert "Số điện thoại của Nguyễn Văn An" in asked
    assert "Xã Đăk Pxi" in asked  # a choice shown by its label
    assert "${" not in asked
    bot.say("0905123456")
    note = bot.say("1.200")
    assert "Đã ghi 1.200 hộ, gấp đôi: 2.400" in note  # HTML dropped, numbers grouped
    assert "<b>" not in note and "${" not in note


def test_an_unanswered_name_shows_nothing_and_the_review_is_filled(tmp_path: Path) -> None:
    bot = Harness(forms=(calculated(tmp_path),))
    bot.say("/baocao")
    bot.say("1")
    asked = bot.say("/boqua")  # no name given
    assert "1. Đăk Pxi" in asked
    asked = bot.say("1")
    assert "Số điện thoại của\n" in asked or asked.splitlines()[1] == "Số điện thoại của"
    review = bot.say("/xemlai")
    assert "Số điện thoại của: " in review and "${" not in review


def test_inside_a_repeat_a_sibling_is_that_entrys_answer(tmp_path: Path) -> None:
    bot = Harness(forms=(calculated(tmp_path),))
    bot.say("/baocao")
    for typed in ("1", "An", "1", "0905123456", "10"):
        bot.say(typed)
    bot.say("2")  # two hamlets
    bot.say("Kon Rẫy")
    second = bot.say("100")
    assert "Thôn 2 – Tên thôn" in second
    bot.say("Đăk Lây")
    review = bot.say("250")
    assert "Thôn 1 – Dân số thôn Kon Rẫy: 100" in review
    assert "Thôn 2 – Dân số thôn Đăk Lây: 250" in review


def test_an_english_officer_reads_the_english_label_filled(tmp_path: Path) -> None:
    bot = Harness(forms=(calculated(tmp_path),), locale="en")
    bot.say("/report")
    bot.say("1")
    bot.say("Lan")
    asked = bot.say("1")
    assert "Phone of Lan" in asked and "Commune Dak Pxi" in asked


def test_a_label_hidden_for_a_grid_still_names_its_question(tmp_path: Path) -> None:
    # KoboToolbox's matrix recipe hides each cell's label (the grid's headers say it):
    # <span style="display:none">r1-Nam</span>; a chat has no grid, so the hidden words stay
    form = markdown_xlsform(
        tmp_path,
        "luoi",
        """
| survey |
| | type | name | label |
| | note | tieu_de | **Dưới 15 tuổi** |
| | integer | r1_nam | <span style="display:none">Dưới 15 tuổi – Nam</span> |
| settings |
| | form_id |
| | luoi |
""",
    )
    note, cell = form.questions
    assert note.label == {"vi": "Dưới 15 tuổi"}
    assert cell.label == {"vi": "Dưới 15 tuổi – Nam"}
