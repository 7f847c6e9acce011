"""An admin's own XLSForm workbook through `reportbot forms validate|load|list`, as
forms/README.md tells it: before, `forms validate` said OK and `forms load` of the same file
failed with "'utf-8' codec can't decode byte 0x81" (it read every file as YAML)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from tests.test_cli import run_cli

HEADER = ("type", "name", "label", "calculation", "constraint", "constraint_message", "required")
CHOICES = [("list_name", "name", "label", "ma_so"), ("tinh", "hn", "Hà Nội", "01")]
GOOD = [
    HEADER,
    ("select_one tinh", "tinh", "Tỉnh", "", "", "", "yes"),
    ("calculate", "ma_tinh", "", "instance('tinh')/root/item[name=${tinh}]/ma_so", "", "", ""),
    ("calculate", "ngay", "", "today()", "", "", ""),
    ("integer", "so_thon", "Số thôn", "", ". > 0 and . < 100", "Từ 1 đến 99", "yes"),
    ("begin repeat", "thon", "Thôn", "", "", "", ""),
    ("text", "ten_thon", "Tên thôn", "", "", "", "yes"),
    ("end repeat", "", "", "", "", "", ""),
]
BROKEN = [
    HEADER,
    ("integer", "so_thon", "Số thôn", "", ". > 0 and and . < 100", "", "yes"),
    ("text", "so_thon", "Số thôn lần hai", "", "", "", ""),
]


def workbook(path: Path, survey: list[tuple[str, ...]], form_id: str) -> Path:
    """An .xlsx written the way Excel or openpyxl writes one: survey, choices, settings."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    choices = book.create_sheet("choices")
    for row in CHOICES:
        choices.append(list(row))
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id"])
    settings.append(["Báo cáo thôn", form_id])
    book.save(path)
    return path


def test_a_workbook_that_validates_is_loaded_and_loading_it_again_changes_nothing(
    tmp_path: Path,
) -> None:
    form = workbook(tmp_path / "thon.xlsx", GOOD, "bao_cao_thon")
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'forms.db'}"}
    checked = run_cli(["forms", "validate", str(form)], env=env, cwd=tmp_path)
    first = run_cli(["forms", "load", str(form)], env=env, cwd=tmp_path)
    again = run_cli(["forms", "load", str(form)], env=env, cwd=tmp_path)
    listing = run_cli(["forms", "list"], env=env, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OK (bao_cao_thon, 3 câu hỏi)" in checked.stdout
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.strip() == "bao_cao_thon: phiên bản 1 (phiên bản mới)"
    assert again.stdout.strip() == "bao_cao_thon: phiên bản 1 (không đổi)"
    assert "bao_cao_thon\tv1\t" in listing.stdout


def test_a_broken_workbook_is_refused_naming_sheet_row_and_column(tmp_path: Path) -> None:
    form = workbook(tmp_path / "hong.xlsx", BROKEN, "bao_cao_hong")
    env = {"REPORTBOT_DATABASE_URL": f"sqlite://{tmp_path / 'forms.db'}"}
    loaded = run_cli(["forms", "load", str(form)], env=env, cwd=tmp_path)
    listing = run_cli(["forms", "list"], env=env, cwd=tmp_path)
    assert loaded.returncode == 1
    lines = loaded.stdout.splitlines()
    # "không chờ 'and'" ("not waiting for 'and'") read as a typo for a Vietnamese admin
    assert (
        f"{form}: trang survey, dòng 2, cột constraint: gặp 'and' không đúng chỗ ở vị trí 10"
        " trong '. > 0 and and . < 100'"
    ) in lines, lines
    assert any(
        line.startswith(f"{form}: trang survey, dòng 3, cột name: tên 'so_thon' đã dùng")
        for line in lines
    )
    assert "codec" not in loaded.stdout + loaded.stderr
    assert "bao_cao_hong" not in listing.stdout
