"""XLSForm workbooks read into form templates, with every problem located by sheet, row, column."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from pyxform.xls2json_backends import md_table_to_workbook

from reportbot.coordination.publishing.publish import check_template_file
from reportbot.coordination.publishing.xlsform import language_of, load_xlsform, split_header
from reportbot.forms.diagnostics import shown
from reportbot.forms.loader import content_hash, load_yaml_template, template_to_definition

FIXTURES = Path(__file__).parent / "fixtures" / "xlsform"


def workbook_from(name: str, folder: Path) -> Path:
    """The markdown fixture `name` saved as a real .xlsx workbook."""
    path = folder / f"{Path(name).stem}.xlsx"
    md_table_to_workbook((FIXTURES / name).read_text(encoding="utf-8")).save(path)
    return path


def issues_of(path: Path) -> list[str]:
    return [str(issue) for issue in load_xlsform(path).issues]


def test_a_full_form_becomes_a_template_with_both_languages(tmp_path: Path) -> None:
    result = load_xlsform(workbook_from("nq57_rut_gon.md", tmp_path))
    assert result.issues == []
    template = result.template
    assert template is not None
    assert (template.key, template.version) == ("nq57_rut_gon", "2026.1")
    assert template.title == {
        "vi": "Báo cáo nhanh Nghị quyết 57",
        "en": "Quick Resolution 57 report",
    }
    assert template.unit_types == ("phong", "doan_the", "truong_hoc")
    assert (template.period.kind, template.period.deadlines) == ("six_monthly", ("20/06", "20/12"))
    assert template.reminders == (7, 3, 1)
    types = {q.id: q.type for q in template.questions}
    assert types == {
        "gioi_thieu": "note",
        "co_ke_hoach": "select_one",
        "ngay_ke_hoach": "date",
        "tong_so_can_bo": "integer",
        "so_can_bo_quan_triet": "integer",
        "hoat_dong_truong_hoc": "select_multiple",
        "kinh_phi_trieu": "decimal",
        "so_ke_hoach": "text",
        "anh_hoat_dong": "photo",
        "tep_bao_cao": "file",
    }
    date_question = template.question("ngay_ke_hoach")
    assert date_question is not None and date_question.required
    assert date_question.label == {"vi": "Ngày ban hành kế hoạch", "en": "Plan issue date"}
    assert date_question.hint == {"vi": "Ngày/tháng/năm"}
    assert date_question.relevant is not None
    assert date_question.relevant.source == "${co_ke_hoach} = 'yes'"
    assert (
        date_question.constraint is not None and date_question.constraint.source == ". <= today()"
    )
    assert date_question.constraint_message["vi"] == "Ngày ban hành không được sau hôm nay."
    informed = template.question("so_can_bo_quan_triet")
    assert informed is not None and informed.constraint is not None
    # The school group's relevant reaches the question inside it.
    school = template.question("hoat_dong_truong_hoc")
    assert school is not None and school.relevant is not None
    assert school.relevant.source == "${unit_type} = 'truong_hoc'"
    assert [c.value for c in school.choices] == ["stem", "cau_lac_bo", "cuoc_thi"]
    assert school.choices[0].label == {"vi": "Hoạt động STEM", "en": "STEM activities"}


def test_the_same_workbook_gives_the_same_template_every_time(tmp_path: Path) -> None:
    path = workbook_from("nq57_rut_gon.md", tmp_path)
    first, second = load_xlsform(path).template, load_xlsform(path).template
    assert first is not None and second is not None
    assert content_hash(first) == content_hash(second)
    assert template_to_definition(first)["questions"][1]["choices"][0] == {
        "value": "yes",
        "label": {"vi": "Có", "en": "Yes"},
    }


def test_group_relevance_is_combined_with_the_question_own(tmp_path: Path) -> None:
    template = load_xlsform(workbook_from("group.md", tmp_path)).template
    assert template is not None
    inside = template.question("so_dao_tao")
    assert inside is not None and inside.relevant is not None
    assert inside.relevant.source == "(${co_can_bo_truyen_thong} = 'yes') and (${so_nguoi} > 0)"
    outside = template.question("ho_ten")
    assert outside is not None and outside.relevant is None
    assert (template.period.kind, template.period.deadlines) == ("annual", ("20/12",))


def test_select_one_from_spelling_and_single_colon_languages(tmp_path: Path) -> None:
    template = load_xlsform(workbook_from("yes_or_no.md", tmp_path)).template
    assert template is not None
    question = template.questions[0]
    assert question.type == "select_one"
    assert question.label == {"vi": "Hôm nay anh/chị làm việc thuận lợi chứ?"}
    assert [c.value for c in question.choices] == ["yes", "no"]
    assert template.period.kind == "one_off"
    assert template.period.start == "01/11/2026"


def test_upper_case_sheets_and_columns(tmp_path: Path) -> None:
    template = load_xlsform(workbook_from("case_insensitivity.md", tmp_path)).template
    assert template is not None
    first, second = template.questions
    assert (first.required, second.required) == (True, False)
    assert first.label == {"vi": "Anh/chị có khỏe không?", "en": "Are you well?"}


@pytest.mark.parametrize(
    "name", ["text_and_integer.xlsx", "text_and_integer (1).xlsx", "Copy of text_and_integer.xlsx"]
)
def test_without_form_id_or_title_a_copy_of_the_file_is_the_same_form(
    tmp_path: Path, name: str
) -> None:
    # "bao_cao (1).xlsx" must not become a second live form
    path = tmp_path / name
    workbook_from("text_and_integer.md", tmp_path).rename(path)
    result = load_xlsform(path)
    assert result.template is not None
    assert result.template.key == "text_and_integer"
    assert result.template.period.kind == "six_monthly"  # the documented default
    notes = [shown(warning, "vi") for warning in result.warnings]
    assert "thiếu form_id: mã biểu mẫu lấy từ tên tệp (“text_and_integer”)" in "\n".join(notes)
    assert not any("form_title" in note and "mã biểu mẫu" in note for note in notes), notes


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ("| | form_id | form_title |\n| | Bao Cao Thang | Báo cáo |", "bao_cao_thang"),
        ("| | form_title |\n| | Báo cáo tháng (NQ57) |", "bao_cao_thang_nq57"),
        ("| | form_id |\n| | 2026-report |", "f_2026_report"),
    ],
)
def test_the_key_is_the_folded_form_id_or_title(tmp_path: Path, settings: str, key: str) -> None:
    markdown = (
        "| survey |\n| | type | name | label |\n| | integer | so | Số |\n| settings |\n" + settings
    )
    for name in ("bao_cao.xlsx", "bao_cao (1).xlsx"):
        path = tmp_path / name
        md_table_to_workbook(markdown).save(path)
        result = load_xlsform(path)
        assert result.issues == []
        assert result.template is not None and result.template.key == key


def test_unsupported_features_are_named_not_dropped(tmp_path: Path) -> None:
    assert issues_of(workbook_from("loop.md", tmp_path)) == [
        "loop.xlsx: survey, row 4, column type: a repeat inside a repeat is not supported; "
        "ask for the inner list as text",
    ]
    # "or specify other" is supported now: an 'other' choice and a text to specify it
    assert issues_of(workbook_from("specify_other.md", tmp_path)) == []


def test_every_mistake_is_reported_by_sheet_row_and_column(tmp_path: Path) -> None:
    issues = issues_of(workbook_from("many_errors.md", tmp_path))
    expected = [
        "survey, row 2, column type: unknown type “integr”",
        "survey, row 3, column name: required",
        "survey, row 4, column type: the list 'khong_co' is not on the choices sheet",
        "survey, row 5, column required: ${chua_co} is not a question of this form",
        "survey, row 6, column name: 'Ten Sai': letters, digits, '_', '-' or '.', starting with",
        "survey, row 7, column relevant: ${chua_co} is not a question of this form",
        "survey, row 8, column choice_filter: ${chua_co} is not a question of this form",
        "survey, row 9, column type: type “xml-external” is not supported",
        # 'cao' twice in 'muc' is legal: the only select using the list filters it (ODK)
        "choices, row 4, column label: a Vietnamese label is needed",
        "settings, row 2, column deadlines: six_monthly deadlines must be in calendar order",
    ]
    assert len(issues) == len(expected), issues
    for issue, start in zip(issues, expected, strict=True):
        assert issue.startswith(f"many_errors.xlsx: {start}"), issue


def test_rows_are_counted_as_in_excel_with_blank_rows(tmp_path: Path) -> None:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Tiếng Việt (vi)", "constraint"])
    survey.append(["integer", "so_buoi", "Số buổi", ". >= 0"])
    survey.append([])
    survey.append([])
    survey.append(["integer", "so_nguoi", "Số người", ". >= ${khong_co}"])
    survey.append(["text", "ghi_chu", None, None])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Mẫu có dòng trống", "dong_trong", "3"])
    path = tmp_path / "dong trong.xlsx"
    book.save(path)
    assert issues_of(path) == [
        "dong trong.xlsx: survey, row 5, column constraint: ${khong_co} is not a question of "
        "this form",
        "dong trong.xlsx: survey, row 6, column label::Tiếng Việt (vi): a Vietnamese label is "
        "needed (label::vi) for 'ghi_chu'",
    ]
    # A constraint without a message gets a polite one (its bound in words), not an error.
    survey.delete_rows(5, 2)
    book.save(path)
    result = load_xlsform(path)
    assert result.template is not None
    question = result.template.question("so_buoi")
    assert question is not None
    assert question.constraint_message["vi"] == "Giá trị phải từ 0 trở lên; xin kiểm tra lại."


def test_a_file_that_is_not_a_workbook_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    issues = issues_of(path)
    assert len(issues) == 1 and issues[0].startswith("hong.xlsx: cannot read the workbook")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("label::Tiếng Việt (vi)", ("label", "Tiếng Việt (vi)")),
        ("label:English", ("label", "English")),
        ("LABEL::EN", ("label", "EN")),
        ("constraint_message::English (en)", ("constraint_message", "English (en)")),
        ("list name", ("list_name", None)),
        ("relevance", ("relevant", None)),
        ("media::image::English (en)", ("media::image", "English (en)")),
    ],
)
def test_headers(header: str, expected: tuple[str, str | None]) -> None:
    assert split_header(header) == expected


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Tiếng Việt (vi)", "vi"),
        ("Vietnamese", "vi"),
        ("tieng viet", "vi"),
        ("English (en)", "en"),
        ("EN", "en"),
        ("Français (fr)", None),
    ],
)
def test_languages(name: str, code: str | None) -> None:
    assert language_of(name) == code


def test_other_languages_are_ignored_with_a_warning(tmp_path: Path) -> None:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::Tiếng Việt (vi)", "label::Français (fr)"])
    survey.append(["integer", "so_buoi", "Số buổi", "Séances"])
    book.create_sheet("settings").append(["form_id"])
    book["settings"].append(["ba_thu_tieng"])
    path = tmp_path / "ba_thu_tieng.xlsx"
    book.save(path)
    result = load_xlsform(path)
    assert result.template is not None
    assert result.template.questions[0].label == {"vi": "Số buổi"}
    assert any("Français" in warning for warning in result.warnings)


def test_check_template_file_takes_yaml_and_xlsform_alike(tmp_path: Path) -> None:
    from tests.conftest import NQ57

    yaml_check = check_template_file(NQ57)
    assert yaml_check.errors == [] and yaml_check.template == load_yaml_template(NQ57)[0]
    xlsx_check = check_template_file(workbook_from("nq57_rut_gon.md", tmp_path), "mau.xlsx")
    assert xlsx_check.errors == [] and xlsx_check.template is not None
    bad = tmp_path / "saved-as-123.yaml"
    bad.write_text("key: x\ntitle: T\nquestions: []\n", encoding="utf-8")
    errors = check_template_file(bad, "mau-loi.yaml").errors
    assert errors and all(error.startswith("mau-loi.yaml") for error in errors)
    other = tmp_path / "ghi-chu.txt"
    other.write_text("hello", encoding="utf-8")
    assert check_template_file(other, locale="en").errors == [
        "ghi-chu.txt: file: not a form template (expected .yaml or .xlsx): “ghi-chu.txt”\n"
        "  → How to fix: Send an XLSForm workbook (.xlsx) or a .yaml template."
    ]


def test_a_mistyped_label_column_is_named_before_the_errors_it_causes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`lable` for `label`: every row is refused for a missing label; the note that the column
    was ignored (did you mean label?) is what the admin needs, so it comes first."""
    import os

    from reportbot.cli import main

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "lable"])
    survey.append(["integer", "so_buoi", "Số buổi tập huấn"])
    survey.append(["text", "ghi_chu", "Ghi chú"])
    path = tmp_path / "tap_huan.xlsx"
    book.save(path)
    for name in [k for k in os.environ if k.startswith("REPORTBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("REPORTBOT_DATABASE_URL", f"sqlite://{tmp_path / 'bot.db'}")
    assert main(["forms", "import", str(path)]) == 1
    out = capsys.readouterr().out
    note = out.index("cột “lable” bị bỏ qua")
    assert out.startswith("Lưu ý:") and "“label”" in out[note : out.index("\n", note)]
    assert note < out.index("tap_huan.xlsx")  # before the first row's error


def test_a_simple_constraint_without_a_message_is_said_in_words(tmp_path: Path) -> None:
    """`. <= 1000` with no constraint_message: the officer is told the bound, not that the
    value 'does not meet the question's condition'; a complex constraint keeps that message."""
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label", "constraint"])
    survey.append(["integer", "so_may", "Số máy tính", ". <= 1000"])
    survey.append(["decimal", "ty_le", "Tỷ lệ %", ". >= 0 and . <= 100"])
    survey.append(["integer", "so_buoi", "Số buổi", ". > 0 and . < 50.5"])
    survey.append(["integer", "so_lop", "Số lớp", ". <= ${so_buoi} * 2"])
    path = tmp_path / "khong_thong_bao.xlsx"
    book.save(path)
    result = load_xlsform(path)
    assert result.template is not None, [str(i) for i in result.issues]
    messages = {q.id: q.constraint_message for q in result.template.questions}
    assert messages["so_may"] == {
        "vi": "Giá trị phải không lớn hơn 1.000; xin kiểm tra lại.",
        "en": "The value must be at most 1,000; please check it.",
    }
    assert messages["ty_le"]["vi"] == "Giá trị phải từ 0 đến 100; xin kiểm tra lại."
    assert messages["so_buoi"]["en"] == (
        "The value must be more than 0 and less than 50.5; please check it."
    )
    assert messages["so_lop"]["vi"].startswith("Giá trị này không đúng điều kiện")
