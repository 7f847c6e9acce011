"""XLSForm group labels shown as section headers in the chat (issue 15, "groups" bullet).

ODK Collect shows a group's label above the questions inside it
(https://docs.getodk.org/form-question-types/#groups); the chat shows it once, above the
first question of the group the officer reaches. A group without a label adds nothing.
"""

from __future__ import annotations

from pathlib import Path

from reportbot.forms.loader import template_from_definition, template_to_definition
from reportbot.forms.schema import FormTemplate
from tests.support import markdown_xlsform
from tests.test_engine import Harness

WORKBOOK = """
| survey |
| | type | name | label | relevant |
| | integer | so_ho | Số hộ | |
| | begin group | dan_so | Phần I. Dân số | |
| | integer | nam | Số nam | ${so_ho} > 100 |
| | integer | nu | Số nữ | |
| | end group | | | |
| | begin group | boc | | |
| | begin group | ghi | Phần II. Ghi nhận | |
| | note | luu_y | Chỉ ghi việc đã làm | |
| | text | ghi_chu | Ghi chú | |
| | end group | | | |
| | text | them | Thêm | |
| | end group | | | |
| settings |
| | form_id | form_title |
| | dan_so | Báo cáo dân số |
"""


def template(tmp_path: Path) -> FormTemplate:
    """The test's own workbook, loaded as an admin would publish it."""
    return markdown_xlsform(tmp_path, "dan_so", WORKBOOK)


def test_questions_keep_the_label_of_their_group(tmp_path: Path) -> None:
    form = template(tmp_path)
    sections = {q.id: q.section.get("vi", "") for q in form.questions}
    assert sections == {
        "so_ho": "",
        "nam": "Phần I. Dân số",
        "nu": "Phần I. Dân số",
        "luu_y": "Phần II. Ghi nhận",
        "ghi_chu": "Phần II. Ghi nhận",
        "them": "",  # in the outer group, which has no label
    }
    # stored and read back (the store keeps the definition)
    again = template_from_definition(template_to_definition(form))
    assert [q.section for q in again.questions] == [q.section for q in form.questions]


def test_the_header_shows_once_where_the_group_begins(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),))
    bot.say("/baocao")
    first = bot.say("1")
    assert "📂" not in first and "Số hộ" in first
    # 20 households: "Số nam" does not apply, so the group begins at "Số nữ"
    women = bot.say("20")
    assert women.splitlines()[0] == "📂 Phần I. Dân số"
    assert "Số nữ" in women
    # the note opens the second group: the header goes above the note, once
    notes = bot.say("11")
    assert notes.startswith("📂 Phần II. Ghi nhận\nChỉ ghi việc đã làm")
    assert notes.count("📂") == 1 and "Ghi chú" in notes
    last = bot.say("xong")
    assert "Thêm" in last and "📂" not in last


def test_the_header_of_the_first_question_when_it_applies(tmp_path: Path) -> None:
    bot = Harness(forms=(template(tmp_path),))
    bot.say("/baocao")
    bot.say("1")
    men = bot.say("150")  # more than 100 households: "Số nam" applies and opens the group
    assert men.splitlines()[0] == "📂 Phần I. Dân số" and "Số nam" in men
    women = bot.say("70")
    assert "📂" not in women and "Số nữ" in women
