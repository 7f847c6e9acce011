"""Legal XLSForm that used to be refused: ODK names, list names, single languages (issue 15)."""

from __future__ import annotations

from pathlib import Path

from pyxform.xls2json_backends import md_table_to_workbook

from reportbot.coordination.publishing.xlsform import XlsFormResult, load_xlsform
from reportbot.forms.loader import template_from_definition, template_to_definition

SETTINGS = "| settings |\n| | form_id |\n| | mau |\n"


def load(tmp_path: Path, markdown: str, name: str = "mau.xlsx") -> XlsFormResult:
    path = tmp_path / name
    md_table_to_workbook(markdown).save(path)
    return load_xlsform(path)


def test_names_keep_case_dash_and_dot_and_expressions_reach_them(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        """
| survey |
| | type | name | label | relevant | required |
| | select_one YesNo | Office_Unit | Đơn vị? | | 1 |
| | integer | Sub-ward | Phường | ${Office_Unit} = 'Yes' | yes |
| | text | a.b | Ghi chú | ${Sub-ward} > 2 | 0 |
| choices |
| | list_name | name | label |
| | YesNo | Yes | Có |
| | YesNo | No | Không |
| | yesno | only_lower | Danh sách khác |
"""
        + SETTINGS,
    )
    assert result.issues == []
    template = result.template
    assert template is not None
    assert [q.id for q in template.questions] == ["Office_Unit", "Sub-ward", "a.b"]
    unit, ward, note = template.questions
    # the list is looked up as written, case-sensitively, as ODK does
    assert [c.value for c in unit.choices] == ["Yes", "No"]
    assert (unit.required, ward.required, note.required) == (True, True, False)
    assert ward.relevant is not None
    assert ward.relevant.evaluate({"Office_Unit": "Yes"}) is True
    assert ward.relevant.evaluate({"Office_Unit": "yes"}) is False
    assert note.relevant is not None and note.relevant.evaluate({"Sub-ward": 3}) is True
    again = template_from_definition(template_to_definition(template))
    assert again == template


def test_a_list_name_in_another_case_is_not_found(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        """
| survey |
| | type | name | label |
| | select_one yesno | q | Câu hỏi |
| choices |
| | list_name | name | label |
| | YesNo | yes | Có |
"""
        + SETTINGS,
    )
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [("survey", 2, "type")]
    assert "'yesno'" in result.issues[0].message


def test_single_choice_lists_and_nameless_notes(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        """
| survey |
| | type | name | label |
| | note | | Xin chào |
| | select_multiple dongy | q | Đồng ý? |
| choices |
| | list_name | name | label |
| | dongy | ok | Tôi đồng ý |
"""
        + SETTINGS,
    )
    assert result.issues == []
    assert result.template is not None
    note, question = result.template.questions
    assert (note.type, note.id, note.label) == ("note", "note_row_2", {"vi": "Xin chào"})
    assert [c.value for c in question.choices] == ["ok"]


def test_form_id_with_capitals_and_spaces_is_folded_into_the_key(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        "| survey |\n| | type | name | label |\n| | integer | so | Số |\n"
        "| settings |\n| | form_id | form_title |\n| | Household Survey 2026 | Khảo sát |\n",
    )
    assert result.issues == []
    assert result.template is not None and result.template.key == "household_survey_2026"
    assert any("household_survey_2026" in warning for warning in result.warnings)


def test_a_form_in_english_only_is_accepted_and_the_preview_says_so(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        """
| survey |
| | type | name | label::English (en) | hint::English (en) |
| | integer | age | How old are you? | In years |
| | select_one yn | ok | All good? | |
| choices |
| | list_name | name | label::English (en) |
| | yn | yes | Yes |
| | yn | no | No |
| settings |
| | form_id | form_title::English (en) |
| | age_form | Age form |
""",
    )
    assert result.issues == []
    template = result.template
    assert template is not None
    age = template.question("age")
    assert age is not None and age.label["vi"] == "How old are you?"
    assert age.hint["vi"] == "In years"
    assert template.title["vi"] == "Age form"
    assert any("English" in warning and "officers" in warning for warning in result.warnings)


def test_a_form_in_french_only_shows_french(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        "| survey |\n| | type | name | label::Français (fr) |\n| | integer | age | Âge ? |\n"
        + SETTINGS,
    )
    assert result.issues == []
    assert result.template is not None
    assert result.template.questions[0].label == {"vi": "Âge ?"}


def test_media_only_rows_metadata_spellings_and_hint_only_questions(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        """
| survey |
| | type | name | label | hint | image |
| | uri:deviceid | may | | | |
| | phone number | so_dt | | | |
| | select_one ab | chon | Chọn | | |
| | integer | so | | Số người | |
| | note | hinh | | | anh.jpg |
| choices |
| | list_name | name | label | image |
| | ab | a | | a.jpg |
| | ab | b | Bê | |
"""
        + SETTINGS,
    )
    assert result.issues == []
    template = result.template
    assert template is not None
    assert template.metadata == (("may", "deviceid"), ("so_dt", "phonenumber"))
    choice = template.question("chon")
    assert choice is not None
    assert [c.label["vi"] for c in choice.choices] == ["a", "Bê"]
    number = template.question("so")
    assert number is not None and number.label["vi"] == "Số người"
    note = template.question("hinh")
    assert note is not None and note.label["vi"] == "hinh"
    assert any("only media" in warning for warning in result.warnings)


def test_forms_validate_reads_a_workbook(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "mau.xlsx"
    md_table_to_workbook(
        "| survey |\n| | type | name | label |\n| | integr | so | Số |\n" + SETTINGS
    ).save(path)
    done = subprocess.run(
        [sys.executable, "-m", "reportbot.cli", "forms", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    # the CLI's language (REPORTBOT_LOCALE, Vietnamese unless English)
    assert "trang survey, dòng 2, cột type: loại câu hỏi “integr” không có" in done.stdout
    assert "UTF-8" not in done.stdout + done.stderr


def test_a_misspelt_column_is_a_warning_with_the_likely_column(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        "| survey |\n| | type | name | label | requried | constrain |\n"
        "| | integer | so | Số | yes | . > 0 |\n" + SETTINGS,
    )
    assert result.template is not None
    assert result.template.questions[0].required is False  # the misspelt column is not read
    warnings = "\n".join(result.warnings)
    assert "column “requried” ignored" in warnings and "“required”?" in warnings
    assert "column “constrain” ignored" in warnings and "“constraint”?" in warnings


def test_or_other_adds_the_other_choice_and_a_text_to_specify_it(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        """
| survey |
| | type | name | label |
| | select_one loai or_other | loai | Loại hình |
| | select_multiple loai or specify other | nhieu | Nhiều loại |
| choices |
| | list_name | name | label |
| | loai | a | A |
| | loai | b | B |
"""
        + SETTINGS,
    )
    assert result.issues == []
    template = result.template
    assert template is not None
    assert [q.id for q in template.questions] == ["loai", "loai_other", "nhieu", "nhieu_other"]
    kind = template.question("loai")
    assert kind is not None and [c.value for c in kind.choices] == ["a", "b", "other"]
    assert kind.choices[-1].label == {"vi": "Khác (ghi rõ)", "en": "Other (specify)"}
    other = template.question("loai_other")
    assert other is not None and other.type == "text" and other.relevant is not None
    assert other.relevant.evaluate({"loai": "other"}) is True
    assert other.relevant.evaluate({"loai": "a"}) is False
    many = template.question("nhieu_other")
    assert many is not None and many.relevant is not None
    assert many.relevant.evaluate({"nhieu": ["a", "other"]}) is True


def test_a_group_relevant_problem_is_reported_once_on_the_group_row(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        """
| survey |
| | type | name | label | relevant |
| | integer | so | Số | |
| | begin group | nhom | Nhóm | ${khong_co} > 0 |
| | integer | a | A | |
| | integer | b | B | ${so} > 1 |
| | end group | | | |
| | begin group | nhom2 | Nhóm 2 | ${so} > ( |
| | integer | c | C | |
| | end group | | | |
"""
        + SETTINGS,
    )
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [
        ("survey", 3, "relevant"),
        ("survey", 7, "relevant"),
    ]
    assert result.issues[0].message == "${khong_co} is not a question of this form"
    assert result.issues[1].message.startswith("unexpected")


def test_acknowledge_range_and_hidden_store_what_odk_stores(tmp_path: Path) -> None:
    result = load(
        tmp_path,
        """
| survey |
| | type | name | label | parameters | default |
| | acknowledge | dong_y | Tôi đã đọc hướng dẫn | | |
| | range | diem | Điểm | start=0 end=10 step=1 | |
| | range | ty_le | Tỷ lệ | start=0 end=1 step=0.1 | |
| | hidden | phien_ban | | | v2 |
| | note | ghi | Phiên bản ${phien_ban} | | |
"""
        + SETTINGS,
    )
    assert result.issues == []
    template = result.template
    assert template is not None
    ack = template.question("dong_y")
    assert ack is not None and ack.type == "select_one"
    assert [c.value for c in ack.choices] == ["OK"]  # ODK stores "OK"
    score = template.question("diem")
    assert score is not None and (score.type, score.min, score.max) == ("integer", 0, 10)
    share = template.question("ty_le")
    assert share is not None and (share.type, share.min, share.max) == ("decimal", 0.0, 1.0)
    from reportbot.forms.calculate import evaluate_calculations

    assert evaluate_calculations(template, {}) == {"phien_ban": "v2"}
