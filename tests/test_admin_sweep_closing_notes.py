"""Notes after the last question are shown before the review, as ODK shows each note.

ODK Collect shows a note (and a read-only field) on its own screen wherever it stands
(https://docs.getodk.org/form-question-types/#note-widget), the last ones too: forms close
with a summary ("Tổng số hộ: ${tong}") or a thank-you before the end screen. The chat sends
notes with the next question; after the last question there is none, so they came nowhere.
"""

from __future__ import annotations

from pathlib import Path

from tests.support import markdown_xlsform
from tests.test_engine import Harness

WORKBOOK = """
| survey |
| | type | name | label | read_only | default | calculation | relevant |
| | integer | nam | Số nam | | | | |
| | integer | nu | Số nữ | | | | |
| | calculate | tong | | | | ${nam} + ${nu} | |
| | note | tong_ket | Tổng số người: ${tong} | | | | |
| | note | nhieu | Đơn vị đông người | | | | ${tong} > 100 |
| | text | ky | Người ký | yes | Chủ tịch UBND xã | | |
| settings |
| | form_id |
| | ket_thuc |
"""


def test_the_closing_notes_come_before_the_review(tmp_path: Path) -> None:
    bot = Harness(forms=(markdown_xlsform(tmp_path, "ket_thuc", WORKBOOK),))
    bot.say("/baocao")
    bot.say("1")
    bot.say("30")
    shown = bot.say("25")
    assert "Tổng số người: 55" in shown
    assert "Người ký: Chủ tịch UBND xã" in shown  # a read-only field, shown with its value
    assert "Đơn vị đông người" not in shown  # not relevant
    assert shown.index("Người ký") < shown.index("📋 Xem lại")
