"""An XLSForm's `required_message` is what the officer reads when a required answer is
skipped, in their language, as ODK shows it instead of its own "required" sentence
(https://xlsform.org/en/#required: "required_message" column, translatable).

It used to be dropped with a preview note calling it "only for display".
"""

from __future__ import annotations

from pathlib import Path

from pyxform.xls2json_backends import md_table_to_workbook

from reportbot.coordination.publishing.xlsform import load_xlsform
from reportbot.forms.loader import template_from_definition, template_to_definition
from tests.test_engine import Harness

WORKBOOK = """
| survey |
| | type | name | label::Tiếng Việt (vi) | label::English (en) | required | required_message::Tiếng Việt (vi) | required_message::English (en) |
| | text | ho_ten | Họ tên | Name | yes | Xin ghi họ tên người báo cáo | Please give the reporter's name |
| | integer | so_ho | Số hộ | Households | yes | | |
| settings |
| | form_id |
| | bat_buoc |
"""  # noqa: E501


def load(tmp_path: Path) -> object:
    path = tmp_path / "bat_buoc.xlsx"
    md_table_to_workbook(WORKBOOK).save(path)
    return load_xlsform(path)


def test_the_column_is_read_and_no_longer_called_display_only(tmp_path: Path) -> None:
    result = load(tmp_path)
    assert result.issues == []  # type: ignore[attr-defined]
    assert not [w for w in result.warnings if "required_message" in str(w)]  # type: ignore[attr-defined]
    template = result.template  # type: ignore[attr-defined]
    name, count = template.questions
    assert name.required_message == {
        "vi": "Xin ghi họ tên người báo cáo",
        "en": "Please give the reporter's name",
    }
    assert count.required_message == {}
    assert template_from_definition(template_to_definition(template)) == template


def test_the_officer_reads_it_when_skipping(tmp_path: Path) -> None:
    template = load(tmp_path).template  # type: ignore[attr-defined]
    bot = Harness(forms=(template,))
    bot.say("/baocao")
    bot.say("1")
    assert bot.say("/boqua").startswith("Xin ghi họ tên người báo cáo")
    bot.say("An")
    assert bot.say("/boqua").startswith("Câu này bắt buộc")  # no message of its own
    english = Harness(forms=(template,), locale="en")
    english.say("/report")
    english.say("1")
    assert english.say("/skip").startswith("Please give the reporter's name")
