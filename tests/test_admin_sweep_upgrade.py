"""The preview of a new version says which questions changed, not only which came or went.

An admin who changes a list's options or a rule of a published form must see what the
officers will meet; the preview named only new and removed questions, so a version that
changed the choices of "Mức" and the rule of "Số C" read like one that changed nothing
but a new question.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from reportbot.coordination.publishing.publish import preview
from reportbot.store.forms import store_template
from tests.conftest import TZ
from tests.support import markdown_xlsform

VERSION_1 = """
| survey |
| | type | name | label | constraint | constraint_message |
| | integer | a | Số A | | |
| | select_one m | m | Mức | | |
| | text | t | Ghi chú | | |
| | integer | c | Số C | | |
| choices |
| | list_name | name | label |
| | m | x | X |
| | m | y | Y |
| settings |
| | form_id | version |
| | nang_cap | 1 |
"""
VERSION_2 = (
    VERSION_1.replace("| | m | y | Y |", "| | m | z | Z |")
    .replace("| | integer | c | Số C | | |", "| | integer | c | Số C | . < 100 | Dưới 100 |")
    .replace("| | text | t | Ghi chú | | |", "| | integer | b | Số B | | |")
    .replace("| | nang_cap | 1 |", "| | nang_cap | 2 |")
)
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=TZ)


async def test_the_preview_names_the_changed_questions(db: str, tmp_path: Path) -> None:
    await store_template(markdown_xlsform(tmp_path, "v1", VERSION_1), "v1.xlsx", now=NOW)
    second = markdown_xlsform(tmp_path, "v2", VERSION_2)
    shown = await preview(second, now=NOW, tz=TZ)
    assert "Câu mới: b" in shown and "Câu bỏ đi: t" in shown
    assert "Câu thay đổi: m, c" in shown  # the options of m, the rule of c; a unchanged
    english = await preview(second, now=NOW, tz=TZ, locale="en")
    assert "Questions changed: m, c" in english
