"""A group's title stands over the group's own messages, not over a note before the group.

ODK Collect shows a group's label above the questions inside it
(https://docs.getodk.org/form-question-types/#groups). The chat sends the notes met on the
way with the next question; a note that comes before `begin group` is not in the group, so
the group's title goes between that note and the group's first message.
"""

from __future__ import annotations

from pathlib import Path

from tests.support import markdown_xlsform
from tests.test_engine import Harness

WORKBOOK = """
| survey |
| | type | name | label | appearance |
| | integer | so_ho | Số hộ | |
| | note | cam_on | Cảm ơn, phần tiếp theo hỏi về học sinh | |
| | begin group | hs | Phần II. Học sinh | field-list |
| | note | luu_y | Chỉ tính học sinh đang học | |
| | integer | nam | Số học sinh nam | |
| | end group | | | |
| settings |
| | form_id | form_title |
| | nhom | Nhóm |
"""


def test_the_title_goes_after_a_note_outside_the_group(tmp_path: Path) -> None:
    bot = Harness(forms=(markdown_xlsform(tmp_path, "nhom", WORKBOOK),))
    bot.say("/baocao")
    bot.say("1")
    shown = bot.say("12")
    assert shown.startswith("Cảm ơn, phần tiếp theo hỏi về học sinh\n\n📂 Phần II. Học sinh\n")
    assert shown.count("📂") == 1
    assert shown.index("📂") < shown.index("Chỉ tính học sinh") < shown.index("Số học sinh nam")


def test_without_a_note_inside_the_title_is_over_the_question(tmp_path: Path) -> None:
    inside = "| | note | luu_y | Chỉ tính học sinh đang học | |\n"
    form = markdown_xlsform(tmp_path, "nhom", WORKBOOK.replace(inside, ""))
    bot = Harness(forms=(form,))
    bot.say("/baocao")
    bot.say("1")
    shown = bot.say("12")
    assert shown.startswith("Cảm ơn, phần tiếp theo hỏi về học sinh\n\n📂 Phần II. Học sinh\n")
    assert "Số học sinh nam" in shown.split("📂 Phần II. Học sinh\n", 1)[1]
